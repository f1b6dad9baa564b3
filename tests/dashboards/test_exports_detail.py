"""A partnership as CSV and XLSX, parsed back and checked against the database."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dashboards import exports_detail
from evaluation import review
from evaluation.models import Rating, Scorecard
from tests.dashboards.test_partnership_dashboard import (
    MONTHS_2025,
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.factories import MeasurementFactory, MetricFactory, UserFactory, partnership_with_data
from tests.spreadsheets import csv_rows

OCTOBER, NOVEMBER, DECEMBER = MONTHS_2025[-3:]


@pytest.fixture
def partnership(db, alice, rita):
    """Three months assessed: October approved with a rating override, November
    returned with a comment, December awaiting review."""
    partnership = partnership_with_data(owner=alice, metrics=1, title="Đại học Y Hà Nội")
    assess([OCTOBER, NOVEMBER, DECEMBER])
    cards = {c.period_start: c for c in Scorecard.objects.filter(partnership=partnership)}
    other = {"green": "amber", "amber": "red", "red": "amber"}[cards[OCTOBER].rating]
    review.scorecard_override(
        scorecard_id=cards[OCTOBER].pk,
        reviewer=rita,
        rating=other,
        justification="=1+1 the site visit found more than the numbers say",
    )
    review.scorecard_return(
        scorecard_id=cards[NOVEMBER].pk, reviewer=rita, comment="Report the Q3 referrals."
    )
    return partnership


def csv_tables(response) -> dict[str, list[dict]]:
    """The CSV's tables, each under its title row, apart by an empty row."""
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = csv_rows(text)
    tables, title, header = {}, None, None
    for row in rows:
        if not row:
            title = header = None
        elif title is None:
            title = row[0]
            tables[title] = []
        elif header is None:
            header = row
        else:
            tables[title].append(dict(zip(header, row, strict=True)))
    return tables


def xlsx_tables(response) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(response.content))
    tables = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        tables[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return tables


def csv_url(partnership):
    return reverse("dashboards:partnership_csv", args=[partnership.pk])


def xlsx_url(partnership):
    return reverse("dashboards:partnership_xlsx", args=[partnership.pk])


@pytest.mark.django_db
class TestCsv:
    def test_it_holds_every_scorecard_with_its_numbers_flags_and_comments(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        response = client.get(csv_url(partnership))
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = csv_tables(response)["Scorecards"]
        cards = list(Scorecard.objects.filter(partnership=partnership).order_by("period_start"))
        assert [row["Period start"] for row in rows] == ["2025-10-01", "2025-11-01", "2025-12-01"]
        for row, card in zip(rows, cards, strict=True):
            assert Decimal(row["Overall"]) == card.overall_score
            assert Decimal(row["Outcomes"]) == card.outcomes_score
            assert Decimal(row["Agreement"]) == card.agreement_score
            # By name, as the portfolio's export and the pages write it, not by code.
            assert row["Rating"] == Rating(card.effective_rating).label
            assert row["Computed rating"] == Rating(card.rating).label
            assert row["Trend"] == card.get_trend_display()
            assert row["Flags"] == "; ".join(flag["message"] for flag in card.flags)
        october, november, december = rows
        assert october["Rating"] != october["Computed rating"]
        assert (october["Provisional"], november["Provisional"], december["Provisional"]) == (
            "no",
            "yes",
            "yes",
        )
        assert "Rita" in november["Reviewer"]
        assert "(Returned to the owner): Report the Q3 referrals." in november["Review comments"]
        # Text a person typed never becomes a spreadsheet formula.
        assert october["Rating override justification"].startswith("'=1+1")
        assert "): =1+1 the site visit" in october["Review comments"]

    def test_it_holds_each_metric_planned_against_actual_by_period(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        rows = csv_tables(client.get(csv_url(partnership)))["Targets vs actuals"]
        metric = partnership.objectives.get().metrics.get()
        assert {row["Metric"] for row in rows} == {metric.name}
        by_period = {row["Period"]: row for row in rows}
        assert list(by_period)[:2] == ["Q1 2025", "Q2 2025"] and list(by_period)[-1] == "Q4 2026"
        assert [by_period[q]["Actual"] for q in ("Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025")] == [
            "14",
            "18",
            "24",
            "",
        ]
        # 24 on a way from 10 to 50 is 35%; by 30 Sep 2025, 272 of 729 days had passed.
        assert Decimal(by_period["Q3 2025"]["Progress (%)"]) == 35
        assert Decimal(by_period["Q3 2025"]["Planned"]) == round(
            Decimal(10) + Decimal(40) * Decimal(272) / Decimal(729), 2
        )
        assert Decimal(by_period["Q4 2026"]["Planned"]) == 50
        assert {row["Target"] for row in rows} == {"50"}

    def test_an_executive_exports_approved_scorecards_only(self, client, erin, partnership):
        client.force_login(erin)
        rows = csv_tables(client.get(csv_url(partnership)))["Scorecards"]
        assert [row["Period start"] for row in rows] == ["2025-10-01"]


@pytest.mark.django_db
class TestXlsx:
    def test_it_holds_the_same_tables_as_the_csv(self, client, alice, partnership):
        client.force_login(alice)
        response = client.get(xlsx_url(partnership))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        tables = xlsx_tables(response)
        assert list(tables) == ["Scorecards", "Targets vs actuals"]
        cards = list(Scorecard.objects.filter(partnership=partnership).order_by("period_start"))
        rows = tables["Scorecards"]
        assert [row["Period start"].date() for row in rows] == [c.period_start for c in cards]
        assert [Decimal(str(row["Overall"])) for row in rows] == [c.overall_score for c in cards]
        assert [row["Flags"] or "" for row in rows] == [
            "; ".join(f["message"] for f in c.flags) for c in cards
        ]
        assert "Report the Q3 referrals." in rows[1]["Review comments"]
        # Text, as typed: the formula guard's mark in a workbook shows no apostrophe.
        assert rows[0]["Rating override justification"].startswith("=1+1")
        metric_rows = tables["Targets vs actuals"]
        q3 = next(row for row in metric_rows if row["Period"] == "Q3 2025")
        assert (q3["Actual"], q3["Target"], q3["Progress (%)"]) == (24, 50, 35)

    def test_an_executive_exports_approved_scorecards_only(self, client, erin, partnership):
        client.force_login(erin)
        rows = xlsx_tables(client.get(xlsx_url(partnership)))["Scorecards"]
        assert [row["Period start"].date() for row in rows] == [OCTOBER]


@pytest.mark.django_db
@pytest.mark.parametrize("make_url", [csv_url, xlsx_url])
def test_a_user_without_a_role_is_asked_to_get_one_and_gets_no_export(
    client, partnership, make_url
):
    client.force_login(UserFactory(username="charlie"))
    response = client.get(make_url(partnership))
    assert response.status_code == 403
    assert b"You have no role in Accord yet" in response.content
    assert partnership.title.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("make_url", [csv_url, xlsx_url])
@pytest.mark.parametrize("months, metrics", [(MONTHS_2025[-3:], 0), (MONTHS_2025, 4)])
def test_its_queries_do_not_grow_with_periods_or_metrics(
    client, alice, django_assert_max_num_queries, make_url, months, metrics
):
    """3 vs 12 periods, 1 vs 5 metrics, the same 11 queries: session, user,
    savepoint, user permissions, group permissions, the partnership, its
    scorecards, their review comments, metrics, measurements, release."""
    partnership = partnership_with_data(owner=alice, metrics=1)
    for index in range(metrics):
        metric = MetricFactory(objective=partnership.objectives.get(), name=f"More {index}")
        MeasurementFactory(metric=metric, period_start=dt.date(2025, 4, 1))
    assess(months)
    client.force_login(alice)
    with django_assert_max_num_queries(11):
        response = client.get(make_url(partnership))
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["en-gb", "fr", "pt"])
def test_a_files_period_column_is_the_same_in_every_language(partnership, language):
    """Programs read the file, and people import it again: a month stays
    "2025-10" and a quarter "Q3 2025", never "oct. 2025" or "3.º trimestre de
    2025" as the pages name them."""
    objective = partnership.objectives.get()
    MetricFactory(objective=objective, name="Referrals a month", frequency="monthly")

    with translation.override(language):
        rows = exports_detail.metric_rows(partnership, today=dt.date(2026, 1, 10))

    period = {(row[1], row[4]): row[3] for row in rows}
    assert period[("Referrals a month", dt.date(2025, 1, 1))] == "2025-01"
    assert period[("Referrals a month", dt.date(2025, 10, 1))] == "2025-10"
    assert period[("Referrals a month", dt.date(2025, 12, 1))] == "2025-12"
    quarterly = objective.metrics.get(frequency="quarterly").name
    assert period[(quarterly, dt.date(2025, 7, 1))] == "Q3 2025"
    assert period[(quarterly, dt.date(2026, 10, 1))] == "Q4 2026"
