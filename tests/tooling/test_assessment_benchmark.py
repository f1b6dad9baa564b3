"""The benchmark's portfolio builder and measurement, at a tiny size.

No timing is asserted: the figures are for reading (`make benchmark`).
"""

import datetime as dt

import pytest
from django.utils import timezone

from evaluation import services
from evaluation.models import Scorecard
from partnerships.models import (
    Agreement,
    Measurement,
    OutcomeMetric,
    Partnership,
    PartnershipMember,
)
from partnerships.periods import Period
from tooling.benchmarks import assessment
from tooling.benchmarks.portfolio import Portfolio, build_portfolio

pytestmark = pytest.mark.django_db


def months_back(period: Period, count: int) -> list[dt.date]:
    starts = [period.start]
    for _ in range(count - 1):
        period = period.previous()
        starts.append(period.start)
    return sorted(starts)


def test_build_portfolio_creates_the_promised_rows():
    today = timezone.localdate()
    last_month = services.last_closed_month(today)

    portfolio = build_portfolio(partnerships=5, months=6, today=today)

    assert Partnership.objects.count() == portfolio.partnerships == 5
    assert set(Partnership.objects.values_list("stage", flat=True)) <= {"active", "struggling"}
    assert Partnership.objects.assessable().count() == 5
    for partnership in Partnership.objects.all():
        assert PartnershipMember.objects.filter(partnership=partnership).count() == 1
        in_force = Agreement.objects.in_force_on(last_month.end).filter(partnership=partnership)
        assert in_force.count() == 1
        assert in_force.get().parties.count() == 2
        metrics = OutcomeMetric.objects.filter(objective__partnership=partnership)
        assert metrics.count() == 5
        assert set(metrics.values_list("frequency", flat=True)) == {"monthly"}
        assert set(metrics.values_list("direction", flat=True)) == {"higher", "lower"}
        assert set(metrics.values_list("aggregation", flat=True)) == {"sum", "latest"}

    expected_months = months_back(last_month, 6)
    assert (portfolio.first_month, portfolio.last_month) == (expected_months[0], last_month.start)
    measured = set(Measurement.objects.values_list("metric_id", "period_start"))
    every_slot = {(m, month) for m in OutcomeMetric.objects.values_list("id", flat=True)
                  for month in expected_months}  # fmt: skip
    assert measured < every_slot  # only the expected months, and some missing
    assert len(measured) == Measurement.objects.count() == portfolio.measurements
    assert len(every_slot) - len(measured) >= 3
    # Most metrics report the last closed month; some stopped earlier.
    reported_last = {m for m, month in measured if month == last_month.start}
    assert 0 < len(reported_last) < 25


def test_the_built_rows_have_no_history_but_the_assessment_writes_its_own():
    today = timezone.localdate()
    build_portfolio(partnerships=2, months=3, today=today)
    assert not Partnership.pgh_event_model.objects.exists()
    assert not Measurement.pgh_event_model.objects.exists()

    assessment.measure(services.last_closed_month(today).start, repeat=1)

    history = Scorecard.pgh_event_model.objects
    assert history.filter(pgh_label="insert").count() >= 2


def test_build_portfolio_refuses_a_database_with_partnerships():
    build_portfolio(partnerships=1, months=2, today=timezone.localdate())
    with pytest.raises(ValueError, match="empty database"):
        build_portfolio(partnerships=1, months=2, today=timezone.localdate())


def test_measure_assesses_every_partnership_and_reports_figures():
    today = timezone.localdate()
    build_portfolio(partnerships=5, months=6, today=today)
    period = services.last_closed_month(today)

    figures = assessment.measure(period.start, repeat=2)

    assert (figures.assessed, figures.skipped, figures.failed) == (5, 0, 0)
    assert figures.scorecards == Scorecard.objects.filter(period_start=period.start).count() == 5
    assert (figures.partnerships, figures.metrics) == (5, 25)
    assert figures.measurements_read == figures.measurements == Measurement.objects.count()
    assert figures.lower_bound_rows == 25
    assert figures.bound_matches
    assert figures.chunks == 1 and figures.queries > 0
    assert len(figures.assessment_seconds) == len(figures.lower_bound_seconds) == 2
    assert figures.ratio > 0
    assert "partnerships" in assessment.table([(Portfolio(seconds=1.0), figures)])


def test_the_command_refuses_a_database_that_is_not_empty():
    build_portfolio(partnerships=1, months=2, today=timezone.localdate())
    with pytest.raises(SystemExit, match="not empty"):
        assessment.main(["--partnerships", "1"])
    assert Partnership.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_pool_assesses_every_partnership_as_the_worker_would():
    today = timezone.localdate()
    build_portfolio(partnerships=3, months=4, today=today)
    period = services.last_closed_month(today)

    figures = assessment.measure(period.start, repeat=1, processes=2)

    assert figures.processes == 2 and len(figures.pooled_seconds) == 1
    cards = Scorecard.objects.filter(period_start=period.start)
    # The pooled run's scorecards are the ones left, written by the other processes.
    assert cards.count() == 3
    assert cards.filter(run__status="completed").count() == 3
    assert f"{figures.pooled_ratio:.2f}×" in assessment.table([(Portfolio(seconds=1.0), figures)])
