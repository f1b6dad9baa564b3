"""The demo's review: rita works through the scorecards `assess --last 3` computed,
so an executive signing in finds approved numbers, an override, a return and a
few still in review (shown only as provisional). The words and the exchange
rates are in demo/data/review.json.

Safe to run again: the plan is decided on every scorecard of the latest month
whatever its state, and only scorecards still in review are acted on, so a
second run finds nothing left to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from dashboards.models import ExchangeRate
from evaluation import review
from evaluation.models import Rating, ReviewState, Scorecard

from .portfolio import is_demo_account
from .specs import load

LEFT_IN_REVIEW = load("review")["left_in_review"]
ONE_BAND_UP = {Rating.RED: Rating.AMBER, Rating.AMBER: Rating.GREEN}


class NotADemoAccount(Exception):
    """The reviewer named is a real account, not the demo's: nothing is reviewed."""


@dataclass
class ReviewReport:
    approved: int = 0
    overridden: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    left_in_review: list[str] = field(default_factory=list)
    rates_created: int = 0


def exchange_rates_demo(*, today: dt.date) -> int:
    """Rates to the base currency (EUR) from the start of the demo year. CLP and
    NGN are left without a rate on purpose: the dashboard lists what it cannot convert."""
    created = 0
    for currency, rate in load("review")["exchange_rates"].items():
        _, was_created = ExchangeRate.objects.get_or_create(
            currency=currency,
            valid_from=dt.date(today.year, 1, 1),
            defaults={"rate_to_base": Decimal(rate)},
        )
        created += was_created
    return created


@transaction.atomic
def review_demo(*, reviewer_username: str = "rita", today: dt.date) -> ReviewReport:
    words = load("review")
    reviewer = get_user_model().objects.get(username=reviewer_username)
    if not is_demo_account(reviewer):
        # A database of one's own: its scorecards are for its own reviewers.
        raise NotADemoAccount(reviewer_username)
    report = ReviewReport(rates_created=exchange_rates_demo(today=today))
    cards = list(
        Scorecard.objects.select_related("partnership").order_by(
            "period_start", "partnership__title"
        )
    )
    if not cards:
        return report
    latest_month = cards[-1].period_start
    latest = [card for card in cards if card.period_start == latest_month]
    scored = sorted(
        (card for card in latest if card.overall_score is not None),
        key=lambda card: (card.overall_score, card.partnership.title),
    )
    to_return = scored[0] if scored else None
    to_override = next((card for card in scored[1:] if card.rating in ONE_BAND_UP), None)
    chosen = {card.pk for card in (to_return, to_override) if card}
    to_leave = [card for card in latest if card.pk not in chosen][-LEFT_IN_REVIEW:]
    report.left_in_review = [card.partnership.title for card in to_leave]
    left = {card.pk for card in to_leave} | chosen

    for card in cards:
        if card.review_state != ReviewState.IN_REVIEW:
            continue
        if to_return and card.pk == to_return.pk:
            review.scorecard_return(
                scorecard_id=card.pk, reviewer=reviewer, comment=words["return_comment"]
            )
            report.returned.append(card.partnership.title)
        elif to_override and card.pk == to_override.pk:
            review.scorecard_override(
                scorecard_id=card.pk,
                reviewer=reviewer,
                rating=ONE_BAND_UP[card.rating],
                justification=words["override_justification"],
            )
            report.overridden.append(card.partnership.title)
        elif card.pk not in left:
            review.scorecard_approve(scorecard_id=card.pk, reviewer=reviewer)
            report.approved += 1
    return report
