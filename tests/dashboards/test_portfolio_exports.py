"""The portfolio as CSV and XLSX: one row per partnership with its latest
scorecard, flags in words and the reviewers' comments, under the page's filters."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from evaluation.models import Scorecard, ScorecardEvent
from partnerships.models import Sector
from tests.dashboards.test_portfolio import cold_cache_in_november_2026, seed_portfolio
from tests.factories import PartnershipFactory
from tests.spreadsheets import csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


@pytest.fixture
def portfolio(alice, bob, rita):
    # An approved scorecard is never changed: its flags are written with it.
    seed_portfolio(
        alice,
        bob,
        rita,
        trials_flags=[
            {
                "code": "metric_off_track",
                "severity": "warning",
                "message": "Enrolment is off track.",
            },
            {
                "code": "no_agreement",
                "severity": "critical",
                "message": "No agreement is in force.",
            },
        ],
    )
    card = Scorecard.objects.get(partnership__title="Boston device trials")
    ScorecardEvent.objects.create(
        scorecard=card,
        actor=rita,
        action="overridden",
        from_state="in_review",
        to_state="approved",
        comment="Recovery plan agreed.",
    )


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_text(response.content))))


def test_the_csv_has_a_row_per_partnership_with_its_latest_scorecard(client, erin, portfolio):
    client.force_login(erin)
    response = client.get("/dashboards/portfolio.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-2026-11-15')
    rows = {row["Partnership"]: row for row in csv_rows(response)}
    assert len(rows) == 6

    trials = rows["Boston device trials"]
    assert trials["Rating"] == "Amber"  # the override
    assert trials["Computed rating"] == "Red"
    assert trials["Overall score"] == "35.00"
    assert trials["Flags"] == "Enrolment is off track.; No agreement is in force."
    assert trials["Review comments"] == "Recovery plan agreed."
    assert trials["Review"] == "Approved"
    # Its October scorecard awaits review: the export shows September's.
    assert rows["Nairobi maternal health"]["Scorecard month"] == "2026-09"
    assert rows["Tokyo imaging"]["Rating"] == ""


def test_the_export_keeps_the_filters_and_labels_provisional_rows(client, erin, alice, portfolio):
    client.force_login(erin)
    rows = csv_rows(client.get("/dashboards/portfolio.csv", {"sector": "industry"}))
    assert sorted(row["Partnership"] for row in rows) == [
        "Boston device trials",
        "Paris nurse exchange",
    ]
    client.force_login(alice)  # unapproved scorecards are for those who enter or review them
    rows = {
        row["Partnership"]: row
        for row in csv_rows(client.get("/dashboards/portfolio.csv", {"provisional": "1"}))
    }
    assert rows["Nairobi maternal health"]["Review"] == "Provisional (in review)"
    assert rows["Nairobi maternal health"]["Rating"] == "Red"


def test_the_xlsx_holds_the_same_rows(client, erin, portfolio):
    client.force_login(erin)
    expected = csv_rows(client.get("/dashboards/portfolio.csv"))
    response = client.get("/dashboards/portfolio.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(expected[0])
    assert [row[0] for row in rows] == [row["Partnership"] for row in expected]
    trials = next(row for row in rows if row[0] == "Boston device trials")
    assert trials[header.index("Overall score")] == 35


def test_a_title_a_spreadsheet_would_run_stays_text(client, erin, alice):
    PartnershipFactory(title='=HYPERLINK("http://example.org")', owner=alice)
    client.force_login(erin)
    (row,) = csv_rows(client.get("/dashboards/portfolio.csv"))
    assert row["Partnership"].startswith("'=")


@pytest.mark.parametrize("language", ["en-gb", "fr", "pt"])
def test_the_partners_sectors_are_named_in_the_readers_language(client, erin, portfolio, language):
    """Stage and purpose were labelled, the sectors written as their codes
    ("industry") in every language."""
    erin.language = language
    erin.save(update_fields=["language"])
    client.force_login(erin)
    response = client.get("/dashboards/portfolio.csv")
    with translation.override(language):
        column, industry = translation.gettext("Partner sectors"), str(Sector.INDUSTRY.label)
    header, *rows = csv.reader(io.StringIO(csv_text(response.content)))
    (trials,) = [row for row in rows if row[0] == "Boston device trials"]
    assert trials[header.index(column)] == industry
    assert industry != "industry"
