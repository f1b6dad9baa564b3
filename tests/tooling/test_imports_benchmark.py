"""The imports benchmark, at a tiny size: it goes through the worker's path and
prints its figures. No timing is asserted (`make benchmark-imports`)."""

import io

import pytest

from partnerships.models import ImportJob, Measurement, Partner
from tooling.benchmarks import imports

# Committed for real: the job's task runs when the upload commits, as in the benchmark.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_imports_both_files_and_compares_them_with_copy():
    out = io.StringIO()
    assert imports.main(["--partners", "600", "--measurements", "700"], stdout=out) == 0
    report = out.getvalue()
    assert "Partners: 600 rows" in report and "Measurements: 700 rows" in report
    assert report.count("import / COPY") == 2
    assert list(ImportJob.objects.values_list("kind", "status", "created")) == [
        ("measurements", "done", 700),
        ("partners", "done", 600),
    ]
    # What remains is the plain COPY of each, in place of the import's rows.
    assert (Partner.objects.count(), Measurement.objects.count()) == (600, 700)
