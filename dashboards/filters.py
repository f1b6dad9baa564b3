"""The filters the portfolio dashboard and the partnership list share.

A mark on a dashboard chart links to the list "narrowed the same way": both
read the same GET parameters and narrow partnerships through `narrow`, so the
list behind a bar holds exactly the partnerships the bar counts.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, NullIf

from evaluation.models import ReviewState, Scorecard
from partnerships.geography import countries_in
from partnerships.models import STAGES_BY_FAMILY, Partnership, PartnershipMember
from partnerships.periods import Frequency, Period

NOT_RATED = "none"


def shown_rating():
    """The rating a scorecard shows: the reviewer's override, else the computed one."""
    return Coalesce(NullIf("override_rating", Value("")), "rating")


def shown_scorecards(*, period: dt.date | None = None, provisional: bool = False):
    """Each partnership's latest scorecard an executive may rely on, as of `period`.

    Only approved scorecards, unless `provisional` also admits those computed
    and not yet reviewed (a returned one was judged wrong, so never). Annotated
    with `shown_rating`: the reviewer's override, else the computed rating.
    """
    cards = Scorecard.objects.all()
    if provisional:
        cards = cards.exclude(review_state=ReviewState.RETURNED)
    else:
        cards = cards.filter(review_state=ReviewState.APPROVED)
    if period is not None:
        cards = cards.filter(period_start__lte=period)
    latest = cards.order_by("partnership_id", "-period_start").distinct("partnership_id")
    return Scorecard.objects.filter(pk__in=latest.values("pk")).annotate(
        shown_rating=shown_rating()
    )


def _with_members(**lookups):
    return Q(pk__in=PartnershipMember.objects.filter(**lookups).values("partnership"))


def narrow(partnerships, data: dict):
    """Narrow a Partnership queryset by the cleaned data of a filter form.

    Members are matched through subqueries: a join would also narrow what the
    caller counts over the members (sectors spanned, countries on the map).
    """
    if data.get("stage"):
        partnerships = partnerships.filter(stage=data["stage"])
    if data.get("family"):
        partnerships = partnerships.filter(stage__in=STAGES_BY_FAMILY[data["family"]])
    if data.get("purpose"):
        partnerships = partnerships.filter(purpose=data["purpose"])
    if data.get("benefit"):
        partnerships = partnerships.filter(benefits_sought__contains=[data["benefit"]])
    if data.get("owner"):
        partnerships = partnerships.filter(owner=data["owner"])
    if data.get("country"):
        partnerships = partnerships.filter(_with_members(partner__country=data["country"]))
    if data.get("region"):
        partnerships = partnerships.filter(
            _with_members(partner__country__in=countries_in(data["region"]))
        )
    if data.get("sector"):
        partnerships = partnerships.filter(_with_members(partner__sector=data["sector"]))
    if data.get("spanned"):
        spanning = Partnership.objects.annotate(
            spanned=Count("members__partner__sector", distinct=True)
        )
        if data["spanned"] == "3":
            spanning = spanning.filter(spanned__gte=3)
        else:
            spanning = spanning.filter(spanned=int(data["spanned"]))
        partnerships = partnerships.filter(pk__in=spanning.values("pk"))
    period = data.get("period")
    if period:
        month = Period.containing(period, Frequency.MONTHLY)
        # The portfolio of a past month: what was running at some point in it.
        partnerships = partnerships.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=month.end),
            Q(end_date__isnull=True) | Q(end_date__gte=month.start),
        )
    if data.get("rating"):
        cards = shown_scorecards(period=period, provisional=bool(data.get("provisional")))
        if data["rating"] == NOT_RATED:
            partnerships = partnerships.exclude(pk__in=cards.values("partnership_id"))
        else:
            partnerships = partnerships.filter(
                pk__in=cards.filter(shown_rating=data["rating"]).values("partnership_id")
            )
    return partnerships
