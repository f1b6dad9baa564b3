"""Seeded cases for the lifecycle tests: scorecards written as an assessment would."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.phrases import number
from evaluation.codes import FLAG_WORDING
from evaluation.models import Scorecard, ScoringPolicy
from health.models import Factor
from partnerships.models import PartnershipLead
from tests.factories import AgreementFactory, PartnershipFactory

TODAY = dt.date(2026, 11, 20)
LAST_MONTH = dt.date(2026, 10, 1)
MONTH_BEFORE = dt.date(2026, 9, 1)


def month_end(start: dt.date) -> dt.date:
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def scorecard(partnership, period_start, *, health=70, outcomes=70, flags=()):
    return Scorecard.objects.create(
        partnership=partnership,
        period_start=period_start,
        period_end=month_end(period_start),
        policy=ScoringPolicy.objects.get(is_active=True),
        health_score=None if health is None else Decimal(health),
        outcomes_score=None if outcomes is None else Decimal(outcomes),
        computed_at=timezone.now(),
        flags=list(flags),
    )


def flag(code, **params):
    """A flag as an assessment stores it: a phrase with its values (`core.phrases`)."""
    return {**FLAG_WORDING.phrase(code, **params), "severity": "warning"}


OFF_TRACK = flag(
    "metric_off_track", name="Referrals", progress=number(20, 0), planned=number(60, 0)
)
NOT_REPORTED = flag("not_reported", name="Referrals", count=1)
# As a scorecard computed before flags kept their values stored it: text only.
HEALTH_FLAG = {
    "code": "health_fell",
    "message": "Trust fell from 4.1 to 2.8.",
    "severity": "warning",
}


def watched(owner, *, co_lead=None, expiring_on=None, **fields):
    """An active partnership with a member and an agreement (expiring far away unless said)."""
    partnership = PartnershipFactory(owner=owner, stage="active", member__role="lead", **fields)
    AgreementFactory(
        partnership=partnership,
        status="active",
        effective_date=dt.date(2025, 1, 1),
        expiry_date=expiring_on or dt.date(2028, 12, 31),
    )
    if co_lead is not None:
        PartnershipLead.objects.create(
            partnership=partnership, user=co_lead, functional_area="administrative"
        )
    return partnership


def factor(code):
    """A factor of the shipped instrument (migration health 0002)."""
    return Factor.objects.get(code=code, instrument__version=1)


def approve_all(reviewer):
    """Every scorecard approved, as a reviewer's approval leaves it."""
    for card in Scorecard.objects.exclude(review_state="approved"):
        Scorecard.objects.filter(pk=card.pk).update(
            review_state="approved", reviewer=reviewer, reviewed_at=card.computed_at
        )
