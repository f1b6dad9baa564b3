"""The lifecycle tables refuse, in the database, what the services would refuse."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lifecycle.models import EarlyWarning, FitAssessment, NextStep
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

RATINGS = {
    "goals_rating": 3,
    "strengths_rating": 3,
    "prior_rating": 3,
    "languages_rating": 3,
    "hours_rating": 3,
    "regulatory_rating": 3,
}


def refused(constraint_name):
    return pytest.raises(IntegrityError, match=constraint_name)


def warning(**fields):
    values = {
        "partnership": PartnershipFactory(),
        "raised_on": dt.date(2026, 11, 20),
        "signals": [{"code": "missed_targets", "evidence": "x"}],
        "evidence_key": "2026-10:missed_targets,unreported_metrics",
    } | fields
    return EarlyWarning.objects.create(**values)


def test_it_refuses_a_second_open_warning_on_a_partnership():
    first = warning()
    with refused("warning_one_open_per_partnership"), transaction.atomic():
        warning(partnership=first.partnership)


def test_it_keeps_decided_warnings_beside_an_open_one(alice):
    first = warning(
        state="dismissed", reason="Late data", decided_by=alice, decided_at=timezone.now()
    )
    warning(partnership=first.partnership)
    assert EarlyWarning.objects.filter(partnership=first.partnership).count() == 2


def test_it_refuses_a_confirmed_warning_without_a_recovery_plan_or_date(alice):
    decided = {"state": "confirmed", "decided_by": alice, "decided_at": timezone.now()}
    with refused("warning_confirmed_has_recovery_plan"), transaction.atomic():
        warning(**decided, recovery_by=dt.date(2027, 1, 1))
    with refused("warning_confirmed_has_recovery_plan"), transaction.atomic():
        warning(**decided, recovery_plan="Weekly calls")


def test_it_refuses_a_dismissed_warning_without_a_reason(alice):
    with refused("warning_dismissed_has_reason"), transaction.atomic():
        warning(state="dismissed", decided_by=alice, decided_at=timezone.now())


def test_it_refuses_a_decision_without_who_and_when_and_an_open_one_with_them(alice):
    with refused("warning_decided_iff_not_open"), transaction.atomic():
        warning(state="dismissed", reason="No")
    with refused("warning_decided_iff_not_open"), transaction.atomic():
        warning(decided_by=alice, decided_at=timezone.now())


def test_it_refuses_an_unknown_state_and_an_empty_evidence_key(alice):
    with refused("warning_state_valid"), transaction.atomic():
        warning(state="maybe", decided_by=alice, decided_at=timezone.now())
    with refused("warning_evidence_key_not_blank"), transaction.atomic():
        warning(evidence_key="")


@pytest.mark.parametrize("rating", [0, 6])
@pytest.mark.parametrize("criterion", ["goals", "hours", "regulatory"])
def test_it_refuses_a_fit_rating_outside_1_to_5(alice, criterion, rating):
    with refused(f"fit_{criterion}_rating_1_to_5"), transaction.atomic():
        FitAssessment.objects.create(
            partnership=PartnershipFactory(stage="outreach"),
            assessed_by=alice,
            recommendation="pursue",
            **RATINGS | {f"{criterion}_rating": rating},
        )


def test_it_refuses_an_unknown_recommendation(alice):
    with refused("fit_recommendation_valid"), transaction.atomic():
        FitAssessment.objects.create(
            partnership=PartnershipFactory(stage="outreach"),
            assessed_by=alice,
            recommendation="perhaps",
            **RATINGS,
        )


def test_it_refuses_a_blank_next_step_and_a_second_one(alice):
    partnership = PartnershipFactory(stage="outreach")
    with refused("next_step_description_not_blank"), transaction.atomic():
        NextStep.objects.create(
            partnership=partnership, description="", due_on=dt.date(2026, 12, 1), updated_by=alice
        )
    NextStep.objects.create(
        partnership=partnership, description="Call", due_on=dt.date(2026, 12, 1), updated_by=alice
    )
    with refused("partnership_id"), transaction.atomic():
        NextStep.objects.create(
            partnership=partnership,
            description="Again",
            due_on=dt.date(2026, 12, 1),
            updated_by=alice,
        )
