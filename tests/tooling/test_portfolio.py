"""The scorecards the benchmark portfolio fabricates are the assessment's own.

`build_scorecards` must score with `evaluation.scoring` (through the inputs
`evaluation.inputs` loads), never with thresholds, weights or bands of its own:
recomputing a month through the real scoring, or through the real service,
gives the very scorecards it wrote. The policy is published stricter than the
default first, so a benchmark that had the default bands written into it
would disagree.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from evaluation import scoring, services
from evaluation.inputs import load_inputs, policy_values
from evaluation.models import ReviewState, Scorecard, ScoringPolicy
from partnerships.models import Partnership
from tooling.benchmarks.portfolio import build_portfolio, build_scorecards

pytestmark = pytest.mark.django_db

COMPUTED = [
    "outcomes_score",
    "objectives_score",
    "health_score",
    "agreement_score",
    "overall_score",
    "rating",
    "trend",
    "flags",
    "metric_results",
]


@pytest.fixture
def stricter_policy(rita):
    return services.policy_publish(
        created_by=rita,
        name="Stricter than the default",
        weight_outcomes=Decimal(60),
        weight_objectives=Decimal(10),
        weight_health=Decimal(10),
        weight_agreement=Decimal(20),
        green_from=Decimal(85),
        amber_from=Decimal(60),
        on_track_tolerance=Decimal("0.05"),
        attainment_cap=Decimal("1.1"),
        trend_min_change=Decimal(1),
        expiry_warning_days=120,
        notes="",
    )


def computed(card: Scorecard) -> dict:
    return {name: getattr(card, name) for name in COMPUTED}


def test_it_scores_every_month_as_evaluation_scoring_does(stricter_policy):
    today = timezone.localdate()
    build_portfolio(partnerships=12, months=13, today=today)
    build_scorecards(periods=3, today=today)
    rules = policy_values(ScoringPolicy.objects.get(is_active=True))
    assert rules.green_from == 85  # the stricter policy, not the default

    # A month with a month before it, so the trend is compared too.
    month = services.last_closed_month(today).previous()
    cards = list(Scorecard.objects.filter(period_start=month.start).order_by("partnership_id"))
    partnerships = list(
        Partnership.objects.filter(scorecards__in=cards).order_by("id").values("id", "start_date")
    )
    inputs = load_inputs(partnerships, period_start=month.start, period_end=month.end)
    assert len(cards) == len(partnerships) == 12
    for card in cards:
        result = scoring.assess(inputs[card.partnership_id], rules)
        assert computed(card) == {
            "outcomes_score": result.outcomes,
            "objectives_score": result.objectives,
            "health_score": result.health,
            "agreement_score": result.agreement,
            "overall_score": result.overall,
            "rating": result.rating,
            "trend": result.trend,
            "flags": [flag.as_json() for flag in result.flags],
            "metric_results": [metric.as_json() for metric in result.metrics],
        }, f"partnership {card.partnership_id}"
    # Not a vacuous agreement: the month has every rating and trends.
    assert {c.rating for c in cards} == {"green", "amber", "red"}
    assert {c.trend for c in cards} - {"new"}


def test_the_assessment_service_recomputes_the_same_scorecards(stricter_policy):
    today = timezone.localdate()
    build_portfolio(partnerships=12, months=13, today=today)
    build_scorecards(periods=2, today=today)
    month = services.last_closed_month(today)
    fabricated = {
        card.partnership_id: computed(card)
        for card in Scorecard.objects.filter(period_start=month.start)
    }
    # The service keeps approved scorecards as they are; the others it recomputes.
    open_for_review = set(
        Scorecard.objects.filter(period_start=month.start)
        .exclude(review_state=ReviewState.APPROVED)
        .values_list("partnership_id", flat=True)
    )
    assert open_for_review

    with transaction.atomic():
        assessed, skipped, errors = services.assess_partnerships(
            sorted(fabricated),
            period_start=month.start,
            period_end=month.end,
            policy=stricter_policy,
        )

    assert (assessed, errors) == (len(open_for_review), [])
    assert len(skipped) == len(fabricated) - len(open_for_review)
    recomputed = {
        card.partnership_id: computed(card)
        for card in Scorecard.objects.filter(
            period_start=month.start, partnership__in=open_for_review
        )
    }
    assert recomputed == {pid: fabricated[pid] for pid in open_for_review}
