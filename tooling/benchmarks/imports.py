"""What a bulk import costs, from upload to saved, next to a plain COPY of the same rows.

For each file (partners, and one partnership's monthly measurements) it builds a
CSV as a user would upload it and times the real path of a large file: the
view's `import_job_start` (stores the file, counts its rows) and the worker's
`import_job_run` (reads, checks every row, saves all with their history), run
here in one process (the job's task called directly, other tasks eager), so the
figure is the user's wait without the queue. The lower bound is a COPY of the
same rows into the model's table alone, without the import's checks
(PostgreSQL's constraints and the history triggers run on it as on the import's
own COPY: one history statement per COPY, one chained event row per row
copied). Nothing here asserts a time; the targets are 10,000 partners in 5 s
and 100,000 measurements in 10 s.

    python -m tooling.benchmarks.runner imports [--partners 10000] [--measurements 100000]

runs it against throwaway servers (`make benchmark-imports ARGS="…"`);
`python -m tooling.benchmarks imports …` runs `main` against the configured
database, which it empties first (see `main`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Role
from partnerships import import_jobs, services, tasks
from partnerships.models import ImportJob, ImportKind, Measurement, Partner
from partnerships.periods import Frequency, last_closed_period

from .portfolio import (
    copy_model,
    database_label,
    server_settings,
    tables_to_wipe,
    tables_with_rows,
    truncate,
)

START = dt.date(2000, 1, 1)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tooling.benchmarks imports")
    p.add_argument("--partners", type=int, default=10_000)
    p.add_argument("--measurements", type=int, default=100_000)
    p.add_argument("--i-know-this-wipes", dest="wipe", action="store_true")
    return p


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _import(kind, content: bytes, user, partnership=None) -> tuple[float, ImportJob]:
    upload = SimpleUploadedFile(f"{kind}.csv", content, content_type="text/csv")

    def upload_and_run() -> ImportJob:
        job = import_jobs.import_job_start(
            kind=kind, upload=upload, user=user, partnership=partnership
        )
        # The job's task goes through the outbox to the broker, which no worker
        # reads here: the worker's work is done in this process instead.
        tasks.import_job_run(job.pk)
        return job

    seconds, job = _timed(upload_and_run)
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"The {kind} import did not save: {job.status} {job.report[:3]}")
    return seconds, job


def _report(out, what: str, rows: int, size: int, seconds: float, copy_seconds: float) -> None:
    print(
        f"{what}: {rows:,} rows ({size / 1e6:.1f} MB CSV) imported in {seconds:.2f} s "
        f"= {rows / seconds:,.0f} rows/s; COPY of the same rows {copy_seconds:.2f} s "
        f"= {rows / copy_seconds:,.0f} rows/s; import / COPY = {seconds / copy_seconds:.1f}×",
        file=out,
    )


def bench_partners(out, count: int, user) -> None:
    rows = [
        [f"Benchmark clinic {n}", "hospital", "10", "government", ("KE", "UG", "TZ")[n % 3],
         "Nairobi", "en; sw", "Africa/Nairobi", "surgery; nursing", "https://example.org"]
        for n in range(count)
    ]  # fmt: skip
    content = _csv([["name", "kind", "organisation_type", "sector", "country", "city",
                     "languages", "time_zone", "expertise", "website"], *rows])  # fmt: skip
    seconds, job = _import(ImportKind.PARTNERS, content, user)
    assert job.created == count
    history = Partner.pgh_event_model._meta.db_table
    truncate([Partner._meta.db_table, history])
    copy_seconds, _ = _timed(
        lambda: copy_model(
            Partner,
            ([n, row[0], "hospital", "10", "government", row[4], "Nairobi", ["en", "sw"],
              "Africa/Nairobi", ["surgery", "nursing"], row[9]] for n, row in enumerate(rows, 1)),
            ["id", "name", "kind", "organisation_type", "sector", "country", "city", "languages",
             "time_zone", "expertise", "website"],
        )
    )  # fmt: skip
    _report(out, "Partners", count, len(content), seconds, copy_seconds)


def bench_measurements(out, count: int, user) -> None:
    today = timezone.localdate()
    latest = last_closed_period(today, Frequency.MONTHLY).start
    months = []
    month = START
    while month <= latest:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    partner = Partner.objects.order_by("pk").first() or services.partner_create(
        name="Benchmark imports hospital",
        kind="hospital",
        organisation_type="10",
        sector="government",
        country="KE",
        city="Nairobi",
        time_zone="Africa/Nairobi",
    )
    partnership = services.partnership_create(
        title="Benchmark imports",
        purpose="joint_research",
        owner=user,
        start_date=START,
        members=[services.Member(partner)],
    )
    objective = services.objective_create(
        partnership=partnership, title="Care", owner=user, benefit="innovation"
    )
    metrics = [
        services.metric_create(
            objective=objective, name=f"Metric {n}", unit="visits", owner=user, frequency="monthly"
        )
        for n in range(-(-count // len(months)))
    ]
    cells = [(metric.pk, month) for metric in metrics for month in months][:count]
    rows = [[pk, month.isoformat(), f"{n % 1000}.5"] for n, (pk, month) in enumerate(cells)]
    content = _csv([["metric_id", "period_start", "value"], *rows])
    seconds, job = _import(ImportKind.MEASUREMENTS, content, user, partnership)
    assert job.created == count
    truncate([Measurement._meta.db_table, Measurement.pgh_event_model._meta.db_table])
    copy_seconds, _ = _timed(
        lambda: copy_model(
            Measurement,
            ([n + 1, pk, month, f"{n % 1000}.5", user.pk] for n, (pk, month) in enumerate(cells)),
            ["id", "metric_id", "period_start", "value", "entered_by_id"],
        )
    )
    _report(out, "Measurements", count, len(content), seconds, copy_seconds)


def main(argv: list[str], *, stdout=None) -> int:
    """Import the files INTO THE CONFIGURED DATABASE and print each figure.

    It empties the partnerships tables first (TRUNCATE … CASCADE), so it refuses to
    start (SystemExit) unless they are already empty or `--i-know-this-wipes` is given.
    """
    out = stdout or sys.stdout
    options = parser().parse_args(argv)
    tables = tables_to_wipe()
    occupied = tables_with_rows(tables)
    if occupied and not options.wipe:
        raise SystemExit(
            f"The database {database_label()} is not empty ({', '.join(occupied)} "
            "have rows) and this benchmark deletes them. Use "
            "`python -m tooling.benchmarks.runner imports` (throwaway servers), "
            "or pass --i-know-this-wipes."
        )
    if settings.DEBUG:
        print("DEBUG is on: Django keeps every query; figures will be slower.", file=sys.stderr)
    server = server_settings()
    print(
        f"Database {database_label()}: PostgreSQL {server.get('server_version')}, "
        f"fsync={server.get('fsync')}, synchronous_commit={server.get('synchronous_commit')}; "
        f"{os.cpu_count()} CPUs",
        file=out,
    )
    truncate(tables)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-importer", defaults={"first_name": "Benchmark", "last_name": "Importer"}
    )
    # The worker asks, as the page does, whether the uploader may still import.
    user.groups.add(Group.objects.get(name=Role.MANAGER))
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        if options.partners:
            bench_partners(out, options.partners, user)
        if options.measurements:
            bench_measurements(out, options.measurements, user)
    return 0
