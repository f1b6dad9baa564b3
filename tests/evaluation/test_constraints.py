"""The evaluation tables refuse what no scoring run or reviewer may store."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from evaluation.models import AssessmentRun, ReviewState, Scorecard, ScoringPolicy
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def refused(constraint_name):
    return pytest.raises(IntegrityError, match=constraint_name)


@pytest.fixture
def policy():
    # Created by evaluation's data migration.
    return ScoringPolicy.objects.get(is_active=True)


def scorecard(policy, **fields):
    values = {
        "partnership": PartnershipFactory(),
        "period_start": dt.date(2026, 7, 1),
        "period_end": dt.date(2026, 9, 30),
        "policy": policy,
        "computed_at": timezone.now(),
    } | fields
    return Scorecard.objects.create(**values)


def test_the_first_migration_leaves_one_active_policy(policy):
    assert policy.version == 1
    assert ScoringPolicy.objects.filter(is_active=True).count() == 1


def test_it_refuses_a_second_active_policy(policy):
    with refused("policy_one_active"), transaction.atomic():
        ScoringPolicy.objects.create(version=2, name="Another", is_active=True)


def test_it_refuses_amber_starting_above_green(policy):
    with refused("policy_bands_ordered"), transaction.atomic():
        ScoringPolicy.objects.create(version=2, name="Upside down", green_from=50, amber_from=60)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("expiry_warning_days", 0, "policy_expiry_warning_days_range"),
        ("expiry_warning_days", 731, "policy_expiry_warning_days_range"),
        ("warning_health_drop", 0, "policy_warning_drops_range"),
        ("warning_outcomes_drop", Decimal("100.01"), "policy_warning_drops_range"),
        ("warning_signals_needed", 0, "policy_warning_signals_range"),
        ("warning_signals_needed", 5, "policy_warning_signals_range"),
    ],
)
def test_it_refuses_early_warning_thresholds_out_of_range(policy, field, value, constraint):
    with refused(constraint), transaction.atomic():
        ScoringPolicy.objects.create(version=2, name="Out of range", **{field: value})


def test_it_refuses_a_policy_where_every_weight_is_zero(policy):
    with refused("policy_weights_not_all_zero"), transaction.atomic():
        ScoringPolicy.objects.create(
            version=2,
            name="Weightless",
            weight_outcomes=0,
            weight_objectives=0,
            weight_health=0,
            weight_agreement=0,
        )


def test_it_refuses_a_second_scorecard_for_one_partnership_and_period(policy):
    first = scorecard(policy)
    with refused("scorecard_once_per_partnership_period"), transaction.atomic():
        scorecard(policy, partnership=first.partnership)


def test_it_refuses_a_rating_without_a_score(policy):
    with refused("scorecard_rating_iff_score"), transaction.atomic():
        scorecard(policy, rating="red")


def test_it_refuses_a_score_without_a_rating(policy):
    with refused("scorecard_rating_iff_score"), transaction.atomic():
        scorecard(policy, overall_score=Decimal("80"))


def test_it_refuses_a_score_above_100(policy):
    with refused("scorecard_outcomes_score_0_100"), transaction.atomic():
        scorecard(policy, outcomes_score=Decimal("100.5"))


def test_it_refuses_an_override_without_justification(policy):
    with refused("scorecard_override_justified"), transaction.atomic():
        scorecard(policy, overall_score=Decimal("40"), rating="red", override_rating="amber")


def test_it_refuses_an_approval_without_a_reviewer(policy):
    with refused("scorecard_approved_has_reviewer"), transaction.atomic():
        scorecard(policy, review_state="approved")


def test_it_refuses_a_run_whose_period_ends_before_it_starts(policy):
    with refused("run_period_ordered"), transaction.atomic():
        AssessmentRun.objects.create(
            period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 6, 30), policy=policy
        )


def test_it_refuses_a_scheduled_run_that_names_a_person(policy, rita):
    with refused("run_started_by_only_manual"), transaction.atomic():
        AssessmentRun.objects.create(
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 7, 31),
            policy=policy,
            trigger="schedule",
            started_by=rita,
        )


def approved(policy, **fields):
    reviewer = UserFactory()
    return scorecard(
        policy,
        overall_score=Decimal("80.00"),
        rating="green",
        review_state=ReviewState.APPROVED,
        reviewer=reviewer,
        reviewed_at=timezone.now(),
        **fields,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"overall_score": Decimal("40.00"), "rating": "red"},
        {"review_state": ReviewState.IN_REVIEW, "reviewer": None, "reviewed_at": None},
        {"flags": [{"code": "added"}]},
        {"computed_at": dt.datetime(2026, 10, 1, tzinfo=dt.UTC)},
    ],
)
def test_an_approved_scorecard_is_never_changed_by_any_door(policy, change):
    card = approved(policy)
    with refused("is approved: it is never changed"), transaction.atomic():
        Scorecard.objects.filter(pk=card.pk).update(**change)
    card.refresh_from_db()
    assert (card.overall_score, card.review_state) == (Decimal("80.00"), ReviewState.APPROVED)


def test_an_approved_scorecard_is_never_deleted(policy):
    card = approved(policy)
    with refused("is approved: it is never changed"), transaction.atomic():
        Scorecard.objects.filter(pk=card.pk).delete()
    assert Scorecard.objects.filter(pk=card.pk).exists()


def test_an_approved_scorecard_written_back_unchanged_or_losing_its_run_passes(policy):
    run = AssessmentRun.objects.create(
        period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 7, 31), policy=policy
    )
    card = approved(policy, run=run)
    card.save()  # every column as it was
    run.delete()  # the run's scorecards keep their numbers, without the link
    card.refresh_from_db()
    assert card.run_id is None and card.overall_score == Decimal("80.00")


def test_a_scorecard_in_review_still_changes_and_is_approved(policy):
    card = scorecard(policy, overall_score=Decimal("80.00"), rating="green")
    Scorecard.objects.filter(pk=card.pk).update(overall_score=Decimal("70.00"), rating="amber")
    Scorecard.objects.filter(pk=card.pk).update(
        review_state=ReviewState.APPROVED, reviewer=UserFactory(), reviewed_at=timezone.now()
    )
    card.refresh_from_db()
    assert (card.overall_score, card.review_state) == (Decimal("70.00"), ReviewState.APPROVED)
