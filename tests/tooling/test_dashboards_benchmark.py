"""The dashboards benchmark at a tiny size: the portfolio it builds and its report.

No time is asserted: the figures are for reading (`make benchmark-dashboards`).
The dashboards themselves are not on this branch, so the harness is proven on
the pages that exist.
"""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from dashboards import readmodel
from evaluation import services
from evaluation.models import AssessmentRun, ReviewState, Scorecard, ScorecardAction, ScorecardEvent
from partnerships.models import (
    Agreement,
    AgreementParty,
    Measurement,
    Objective,
    Obligation,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipMember,
    StageFamily,
)
from tooling.benchmarks import dashboards as benchmark

pytestmark = pytest.mark.django_db

EXISTING_PAGES = [
    "partnerships:partnership_detail",
    "partnerships:partner_detail",
    "dashboards:partnership_list",
]


def last_closed_months(count):
    month = services.last_closed_month(timezone.localdate())
    months = [month]
    for _ in range(count - 1):
        months.insert(0, months[0].previous())
    return months


def test_it_builds_exactly_the_rows_it_reports():
    portfolio = benchmark.build_dashboard_portfolio(
        partnerships=20, today=timezone.localdate(), months=13, periods=12
    )

    counted = {
        "partners": Partner.objects.count(),
        "partnerships": Partnership.objects.count(),
        "members": PartnershipMember.objects.count(),
        "agreements": Agreement.objects.count(),
        "agreement parties": AgreementParty.objects.count(),
        "obligations": Obligation.objects.count(),
        "objectives": Objective.objects.count(),
        "metrics": OutcomeMetric.objects.count(),
        "measurements": Measurement.objects.count(),
        "partner history": Partner.pgh_event_model.objects.count(),
        "partnership history": Partnership.pgh_event_model.objects.count(),
        "assessment runs": AssessmentRun.objects.count(),
        "scorecards": Scorecard.objects.count(),
        "scorecard events": ScorecardEvent.objects.count(),
    }
    assert portfolio.rows == counted
    assert counted["partnerships"] == 20 and counted["metrics"] == 100

    # Every lifecycle family; several partners per partnership, partners in several.
    families = {f: Partnership.objects.in_family(f).count() for f in StageFamily}
    assert families == {StageFamily.POTENTIAL: 1, StageFamily.ACTIVE: 18, StageFamily.ENDED: 1}
    members = Partnership.objects.annotate(n=Count("members")).values_list("n", flat=True)
    assert set(members) == {1, 2, 3}
    assert PartnershipMember.objects.filter(role="lead").count() == 20
    assert Partner.objects.annotate(n=Count("memberships")).filter(n__gt=1).exists()
    currencies = set(
        AgreementParty.objects.filter(contribution_kind="financial").values_list(
            "contribution_currency", flat=True
        )
    )
    assert len(currencies) >= 3

    # A year of scorecards for the active, until its end for the ended, none for the potential.
    months = last_closed_months(12)
    for partnership in Partnership.objects.all():
        periods = set(partnership.scorecards.values_list("period_start", flat=True))
        if partnership.family == StageFamily.POTENTIAL:
            assert periods == set()
            assert not Measurement.objects.filter(metric__objective__partnership=partnership)
        elif partnership.family == StageFamily.ENDED:
            assert periods == {m.start for m in months if m.end <= partnership.end_date}
            assert 0 < len(periods) < 12
            assert not Measurement.objects.filter(
                metric__objective__partnership=partnership,
                period_start__gt=partnership.end_date,
            )
        else:
            assert periods == {m.start for m in months}


def test_without_history_it_builds_the_same_rows_and_no_history():
    portfolio = benchmark.build_dashboard_portfolio(
        partnerships=12, today=timezone.localdate(), months=12, history=False
    )

    assert portfolio.rows["measurements"] == Measurement.objects.count() > 0
    assert portfolio.rows["scorecards"] == Scorecard.objects.count() > 0
    assert portfolio.rows["partner history"] == portfolio.rows["partnership history"] == 0
    assert not Measurement.pgh_event_model.objects.exists()
    # The triggers are back on for whatever the connection does next.
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_its_scorecards_read_like_reviewed_assessments():
    benchmark.build_dashboard_portfolio(
        partnerships=20, today=timezone.localdate(), months=13, periods=12
    )
    last = last_closed_months(1)[0]
    green, amber = Decimal(75), Decimal(50)

    cards = Scorecard.objects.order_by("partnership_id", "period_start")
    previous = {}
    for card in cards:
        metric_ids = set(
            OutcomeMetric.objects.filter(objective__partnership=card.partnership_id).values_list(
                "id", flat=True
            )
        )
        assert {r["id"] for r in card.metric_results} == metric_ids
        assert all(set(r) == {"id", "progress", "planned", "attainment", "status"}
                   for r in card.metric_results)  # fmt: skip
        assert all(set(f) == {"code", "severity", "params", "message", "ref"} for f in card.flags)
        expected = "green" if card.overall_score >= green else (
            "amber" if card.overall_score >= amber else "red")  # fmt: skip
        assert card.rating == expected
        before = previous.get(card.partnership_id)
        if before is None:
            assert card.trend == "new"
        else:
            change = card.overall_score - before
            assert card.trend == ("up" if change >= 3 else "down" if change <= -3 else "flat")
        previous[card.partnership_id] = card.overall_score

        events = list(card.events.order_by("id"))
        assert events[0].action == ScorecardAction.SUBMITTED and events[0].actor is None
        if card.review_state == ReviewState.IN_REVIEW:
            assert len(events) == 1
        else:
            assert len(events) == 2 and events[1].actor == card.reviewer
            assert events[1].to_state == card.review_state
        if card.period_start < last.start:
            assert card.review_state == ReviewState.APPROVED

    last_states = set(
        Scorecard.objects.filter(period_start=last.start).values_list("review_state", flat=True)
    )
    assert ReviewState.IN_REVIEW in last_states and ReviewState.APPROVED in last_states
    assert {"green", "amber", "red"} <= set(cards.values_list("rating", flat=True))
    assert {"up", "down", "flat", "new"} <= set(cards.values_list("trend", flat=True))
    assert cards.exclude(override_rating="").exists()


def test_it_times_each_page_against_its_sql_and_the_frame():
    portfolio = benchmark.build_dashboard_portfolio(
        partnerships=12, today=timezone.localdate(), months=12
    )

    figures = benchmark.measure_pages(
        EXISTING_PAGES,
        portfolio=portfolio,
        requests=2,
        warmup=0,
        cold_pages=["dashboards:partnership_list"],
    )

    assert [page.label for page in figures.pages] == [
        "partnerships:partnership_detail",
        "partnerships:partner_detail",
        "dashboards:partnership_list (warm cache)",
        "dashboards:partnership_list (cold cache)",
    ]
    partnership_id, _ = benchmark.representative_partnership()
    partner_id, _ = benchmark.representative_partner()
    assert figures.pages[0].url == f"/partnerships/{partnership_id}/"
    assert figures.pages[1].url == f"/partners/{partner_id}/"
    for page in figures.pages:
        assert page.status == 200
        assert page.queries > 0 and page.rows > 0
        assert len(page.page.samples) == len(page.sql.samples) == len(page.empty.samples) == 2
        assert page.ratio > 0
    # The frame every page is drawn in: session, user, permissions, unread count.
    assert figures.frame.status == 200 and figures.frame.queries >= 4


def test_the_representatives_have_the_median_counts():
    benchmark.build_dashboard_portfolio(partnerships=12, today=timezone.localdate(), months=12)

    partner_id, _ = benchmark.representative_partner()
    partnership_id, _ = benchmark.representative_partnership()

    counts = sorted(Partner.objects.annotate(n=Count("memberships")).values_list("n", flat=True))
    assert Partner.objects.get(pk=partner_id).memberships.count() == counts[len(counts) // 2]
    scored = Partnership.objects.filter(scorecards__isnull=False).distinct()
    members = sorted(p.members.count() for p in scored)
    assert Partnership.objects.get(pk=partnership_id).members.count() == members[len(members) // 2]
    assert Scorecard.objects.filter(partnership=partnership_id).exists()


# Committed: the command empties the tables before each size (TRUNCATE), which
# PostgreSQL refuses inside the transaction that filled them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_prints_one_table_with_every_page_and_size():
    out = io.StringIO()

    benchmark.main([
        "--partnerships", "8", "12",
        "--pages", *EXISTING_PAGES,
        "--cold", "dashboards:partnership_list",
        "--requests", "2",
        "--warmup", "1",
        "--months", "12",
    ], stdout=out)  # fmt: skip

    text = out.getvalue()
    header = next(line for line in text.splitlines() if line.startswith("page "))
    assert header.split() == [
        "page", "partnerships", "status", "queries", "rows", "page", "ms", "p95",
        "SQL", "ms", "p95", "frame", "ms", "ratio", "growth",
    ]  # fmt: skip
    # The details are indented; the table's lines start with the page.
    table = [
        re.match(r"(\S+(?: \(\w+ cache\))?) +([\d,]+) +(\d+) +(\d+) .*", line).groups()
        for line in text.splitlines()
        if line.startswith(("partnerships:", "dashboards:"))
    ]
    labels = [
        "partnerships:partnership_detail",
        "partnerships:partner_detail",
        "dashboards:partnership_list (warm cache)",
        "dashboards:partnership_list (cold cache)",
    ]
    assert [(label, size, status) for label, size, status, _ in table] == [
        *((label, "8", "200") for label in labels),
        *((label, "12", "200") for label in labels),
    ]
    assert all(int(queries) > 0 for *_, queries in table)
    lines = [
        line for line in text.splitlines() if line.startswith(("partnerships:", "dashboards:"))
    ]
    # A ratio on every line; the growth on the second size's only.
    assert [line.count("×") for line in lines] == [1] * 4 + [2] * 4
    assert "representative partner " in text and "representative partnership " in text
    # The portfolio is read from the read model, written after each build.
    assert text.count("the dashboards' read model (`manage.py rebuild_dashboards`) written") == 2
    assert readmodel.is_built()


def test_a_page_that_does_not_resolve_is_reported_not_measured():
    portfolio = benchmark.build_dashboard_portfolio(
        partnerships=12, today=timezone.localdate(), months=12
    )

    figures = benchmark.measure_pages(
        ["dashboards:nowhere", "dashboards:partnership_list"],
        portfolio=portfolio,
        requests=1,
        warmup=0,
    )

    assert [page.name for page in figures.pages] == ["dashboards:partnership_list"]
    assert "skipped dashboards:nowhere: the URL name does not resolve here" in figures.notes
    assert "skipped dashboards:nowhere" in benchmark.details(figures)
