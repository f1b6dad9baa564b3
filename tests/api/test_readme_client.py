"""The README's client example, run as written against a live server."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from api.tokens import token_create
from partnerships.models import Measurement, PartnershipLead
from tests.factories import partnership_with_data

README = Path(__file__).resolve().parents[2] / "README.md"


def example() -> str:
    text = README.read_text()
    marker = text.index("<!-- api-client-example")
    return re.search(r"```python\n(.*?)```", text[marker:], re.S).group(1)


# The live server reads what the test wrote, so the test commits; the database
# is restored as migrations left it for the transactional tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readme_client_reads_the_portfolio_and_uploads_measurements(
    live_server, alice, bob, monkeypatch, capsys
):
    partnership = partnership_with_data(owner=alice)
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="clinical")
    _, secret = token_create(user=bob, name="M&E sync", scope="read_write")
    monkeypatch.setenv("ACCORD_URL", live_server.url)
    monkeypatch.setenv("ACCORD_TOKEN", secret)
    monkeypatch.setenv("ACCORD_PARTNERSHIP", str(partnership.pk))

    exec(compile(example(), "README.md", "exec"), {"__name__": "readme"})

    printed = capsys.readouterr().out
    assert printed.startswith("1 partnerships in Africa")
    assert "'created': 2" in printed
    uploaded = Measurement.objects.filter(
        metric__objective__partnership=partnership, period_start=dt.date(2025, 10, 1)
    )
    assert sorted(uploaded.values_list("value", "entered_by")) == [
        (Decimal(42), bob.pk),
        (Decimal(42), bob.pk),
    ]
