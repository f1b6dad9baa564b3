"""The filters the portfolio dashboard and the partnership list share.

A mark on a dashboard chart links to the list "narrowed the same way": both
read the same GET parameters and narrow partnerships through `narrow`, so the
list behind a bar holds exactly the partnerships the bar counts.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, OuterRef, Q, Subquery

from evaluation.models import Scorecard
from partnerships.geography import countries_in
from partnerships.models import STAGES_BY_FAMILY, Partnership, PartnershipMember
from partnerships.periods import Frequency, Period

NOT_RATED = "none"


def shown_candidates(*, period: dt.date | None = None, provisional: bool = False):
    """The scorecards of the partnership `OuterRef("pk")` a reader may rely on."""
    return Scorecard.objects.filter(partnership=OuterRef("pk")).reliable(
        provisional=provisional, as_of=period
    )


def shown_scorecards(
    *, period: dt.date | None = None, provisional: bool = False, partnerships=None
):
    """Each partnership's latest scorecard an executive may rely on, as of
    `period` (see `shown_candidates`), annotated with `shown_rating`.
    `partnerships` narrows whose scorecards are read."""
    cards = shown_candidates(period=period, provisional=provisional)
    # One backward step along the (partnership, period) index per partnership:
    # far cheaper than sorting every scorecard of every period to find the latest.
    latest = (
        (Partnership.objects.all() if partnerships is None else partnerships)
        .annotate(latest_card=Subquery(cards.order_by("-period_start").values("pk")[:1]))
        .filter(latest_card__isnull=False)
        .values("latest_card")
    )
    # No default ordering: it would join the partnerships to sort by title.
    return Scorecard.objects.filter(pk__in=latest).with_shown_rating().order_by()


def rated_scorecards(*, provisional: bool = False, as_of: dt.date | None = None):
    """The scorecards with a score a reader may rely on, each in its own month
    and of a partnership running in that month (as `narrow` reads a month):
    what "Ratings by month" counts, and the list behind each of its bars."""
    return (
        Scorecard.objects.exclude(overall_score=None)
        .reliable(provisional=provisional, as_of=as_of)
        .filter(
            Q(partnership__start_date__isnull=True)
            | Q(partnership__start_date__lte=F("period_end")),
            Q(partnership__end_date__isnull=True) | Q(partnership__end_date__gte=F("period_start")),
        )
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
    # The pages' owner is a user; the API's an id (`api.filters.IdFilter`), and
    # 0 is an id of no one: it narrows to nothing, never to everything.
    if data.get("owner") is not None:
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
        # Over the whole table one grouped join is quicker than a subquery per
        # partnership (`with_sectors_spanned`, which is for a page of them).
        spanning = Partnership.objects.annotate(
            spanned=Count("members__partner__sector", distinct=True)
        )
        if data["spanned"] == "3":
            spanning = spanning.filter(spanned__gte=3)
        else:
            spanning = spanning.filter(spanned=int(data["spanned"]))
        partnerships = partnerships.filter(pk__in=spanning.values("pk"))
    period = data.get("period")
    provisional = bool(data.get("provisional"))
    scored = None
    if period:
        month = Period.containing(period, Frequency.MONTHLY)
        # The portfolio of a past month: what was running at some point in it.
        partnerships = partnerships.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=month.end),
            Q(end_date__isnull=True) | Q(end_date__gte=month.start),
        )
        if data.get("scored"):
            # Those scored that very month, rated by that month's scorecard:
            # the partnerships a bar of "Ratings by month" counts.
            scored = rated_scorecards(provisional=provisional).filter(period_start=month.start)
            partnerships = partnerships.filter(pk__in=scored.values("partnership_id"))
    if data.get("rating"):
        if scored is not None:
            cards = scored.with_shown_rating()
        else:
            cards = shown_scorecards(period=period, provisional=provisional)
        if data["rating"] == NOT_RATED:
            partnerships = partnerships.exclude(pk__in=cards.values("partnership_id"))
        else:
            partnerships = partnerships.filter(
                pk__in=cards.filter(shown_rating=data["rating"]).values("partnership_id")
            )
    return partnerships
