"""The portfolio at a glance: every number of the executive dashboard, read
from what the assessments stored (scorecards), never recomputed here.

`portfolio_summary` answers in a fixed number of queries whatever the size of
the portfolio; what it returns is plain data, so it can be cached whole
(dashboards/cache.py). Every tile and chart reads the same partnerships,
narrowed by the same filters (dashboards/filters.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, F, Func, IntegerField, JSONField, Subquery, Value, Window
from django.db.models.functions import JSONObject

from evaluation.codes import ASSESSED_STATUSES, MetricStatus
from evaluation.models import Rating, ReviewState, shown_rating
from evaluation.selectors import expiry_warning_days
from partnerships.geography import continent_of
from partnerships.models import (
    STAGES_BY_FAMILY,
    Agreement,
    Partnership,
    Stage,
    StageFamily,
)
from partnerships.periods import Frequency, Period

from . import money
from .filters import NOT_RATED, narrow, rated_scorecards, shown_candidates

TREND_PERIODS = 6
BEST_AND_WORST = 5
EXPIRING_SHOWN = 5
RATINGS = [Rating.GREEN.value, Rating.AMBER.value, Rating.RED.value]
# The lifecycle tiles keep struggling apart from active: the study's point is
# that struggling partnerships are the ones people lose sight of.
FAMILY_TILES = {
    "potential": STAGES_BY_FAMILY[StageFamily.POTENTIAL],
    "active": (Stage.ACTIVE,),
    "struggling": (Stage.STRUGGLING,),
    "ended": STAGES_BY_FAMILY[StageFamily.ENDED],
}


class _JsonbPathQueryArray(Func):
    function = "jsonb_path_query_array"
    output_field = JSONField()


class _JsonbArrayLength(Func):
    function = "jsonb_array_length"
    output_field = IntegerField()


def _metrics_with_status(*statuses: str):
    """How many of a scorecard's metric results have one of these statuses,
    counted by PostgreSQL so the JSON never travels."""
    condition = " || ".join(f'@.status == "{status}"' for status in statuses)
    path = Value(f"$[*] ? ({condition})")
    return _JsonbArrayLength(_JsonbPathQueryArray(F("metric_results"), path))


def latest_card(*, period=None, provisional: bool = False) -> Subquery:
    """The latest scorecard a reader may rely on of the partnership `OuterRef("pk")`,
    as JSON (shown rating, score, trend, review state, metrics on track and
    assessed): one step along its (partnership, period) index."""
    return Subquery(
        shown_candidates(period=period, provisional=provisional)
        .order_by("-period_start")
        .values(
            json=JSONObject(
                rating=shown_rating(),
                score="overall_score",
                trend="trend",
                state="review_state",
                on_track=_metrics_with_status(MetricStatus.ON_TRACK),
                assessed=_metrics_with_status(*ASSESSED_STATUSES),
            )
        )[:1]
    )


def reads_whole_portfolio(data: dict) -> bool:
    """Whether these filters show the whole portfolio as of today, which the
    read model keeps summed up (`readmodel.py`); only the reading of the
    scorecards (`provisional`) and the map's colour may be chosen."""
    # `is`, not `in`: 0 == False, and an API's owner 0 is a filter (of no one).
    return all(
        value is None or value is False or value == ""
        for name, value in data.items()
        if name not in ("provisional", "colour")
    )


def portfolio_summary(*, data: dict, today: dt.date) -> dict:
    """Every number of the portfolio dashboard for the filters in `data`: the
    whole portfolio from the read model once it is built, a narrowed one from
    the source tables."""
    if reads_whole_portfolio(data):
        from .readmodel import whole_portfolio_summary

        summary = whole_portfolio_summary(provisional=bool(data.get("provisional")), today=today)
        if summary is not None:
            return summary
    return source_summary(data=data, today=today)


def source_summary(*, data: dict, today: dt.date) -> dict:
    """Every number of the portfolio dashboard, computed from the partnerships,
    agreements and scorecards themselves."""
    period = data.get("period")
    provisional = bool(data.get("provisional"))
    partnerships = narrow(Partnership.objects.all(), data)

    facts = list(
        partnerships.with_member_places()
        .annotate(card=latest_card(period=period, provisional=provisional))
        .order_by()
        .values(
            "id", "title", "stage", "purpose", "benefits_sought", "countries", "sectors", "card"
        )
    )
    cards = [fact["card"] for fact in facts if fact["card"]]
    for fact in facts:
        card = fact["card"]
        fact["rating"] = card["rating"] if card else NOT_RATED
        fact["score"] = Decimal(str(card["score"])) if card else None
        fact["trend"] = card["trend"] if card else None
        fact["continents"] = sorted({continent_of(c) for c in fact["countries"]} - {None})

    return {
        "count": len(facts),
        "families": _families(facts),
        "ratings": _counts(facts, lambda fact: [fact["rating"]]),
        "provisional_count": sum(card["state"] != ReviewState.APPROVED for card in cards),
        "metrics": {
            "on_track": sum(card["on_track"] for card in cards),
            "assessed": sum(card["assessed"] for card in cards),
        },
        "expiring": _expiring(partnerships, today),
        "funding": money.in_base_currency(
            money.committed_by_currency(partnerships), money.rates_on(today)
        ),
        # Each month's bar counts what was running that month, as the list
        # behind it does, not what runs in the month shown.
        "rating_trend": _rating_trend(
            narrow(Partnership.objects.all(), data | {"period": None}),
            period=period,
            provisional=provisional,
            today=today,
        ),
        "by_sector": _by_rating(facts, lambda fact: fact["sectors"]),
        "by_spanned": _by_rating(facts, lambda fact: [spanned_key(len(fact["sectors"]))]),
        "by_region": _by_rating(facts, lambda fact: fact["continents"]),
        "by_purpose": _by_rating(facts, lambda fact: [fact["purpose"]]),
        "by_benefit": _by_rating(facts, lambda fact: fact["benefits_sought"]),
        "countries": _countries(facts),
        "best": _ranked(facts, best=True),
        "worst": _ranked(facts, best=False),
    }


def spanned_key(sectors: int) -> str:
    """The "sectors spanned" category: "0" (no members) to "3" (three or more)."""
    return str(min(sectors, 3))


def trend_start(*, period, today: dt.date) -> dt.date:
    """The first month the rating trend reads: TREND_PERIODS before the month shown."""
    first = Period.containing(period or today, Frequency.MONTHLY)
    for _ in range(TREND_PERIODS):
        first = first.previous()
    return first.start


def average_score(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(Decimal("0.1")) if count else None


def _families(facts) -> dict[str, int]:
    stages = Counter(fact["stage"] for fact in facts)
    return {
        family: sum(stages[stage] for stage in family_stages)
        for family, family_stages in FAMILY_TILES.items()
    }


def _counts(facts, keys) -> dict[str, int]:
    counts = Counter()
    for fact in facts:
        counts.update(keys(fact))
    return dict(counts)


def _by_rating(facts, keys) -> dict[str, dict[str, int]]:
    """{category: {rating: partnerships}}: a partnership counts once in each of
    its categories (a partnership can span several sectors or regions)."""
    table = defaultdict(Counter)
    for fact in facts:
        for key in keys(fact):
            table[key][fact["rating"]] += 1
    return {key: dict(counts) for key, counts in table.items()}


def _countries(facts) -> dict[str, dict]:
    """{country: {"count": partnerships, "score": their average latest score}}."""
    counts, scores = Counter(), defaultdict(list)
    for fact in facts:
        for country in fact["countries"]:
            counts[country] += 1
            if fact["score"] is not None:
                scores[country].append(fact["score"])
    return {
        country: {
            "count": count,
            "score": average_score(sum(scores[country]), len(scores[country])),
        }
        for country, count in counts.items()
    }


def _ranked(facts, *, best: bool) -> list[dict]:
    scored = sorted(
        (fact for fact in facts if fact["score"] is not None),
        key=lambda fact: (-fact["score"] if best else fact["score"], fact["title"]),
    )
    # With few scored partnerships the worst must not repeat the best.
    if not best:
        scored = scored[: max(0, len(scored) - BEST_AND_WORST)]
    shown = scored[:BEST_AND_WORST]
    # Both read as one ranking, from the best down to the very worst.
    if not best:
        shown.reverse()
    keys = ("id", "title", "score", "rating", "trend")
    return [{key: fact[key] for key in keys} for fact in shown]


def _expiring(partnerships, today: dt.date) -> dict:
    """Agreements near expiry by the active scoring policy's window, which the tile names."""
    days = expiry_warning_days()
    agreements = Agreement.objects.expiring_within(days, on=today).filter(
        partnership__in=partnerships
    )
    # The count rides along with the rows shown: a window function counts them
    # all before the limit, so the tile costs one query with the policy's.
    shown = list(expiring_shown(agreements, total=Window(Count("pk"))))
    count = shown[0]["total"] if shown else 0
    for row in shown:
        del row["total"]
    return {"days": days, "count": count, "shown": shown}


def expiring_shown(agreements, **more):
    """The first agreements to expire, as the tile lists them (with `more` values)."""
    return agreements.order_by("expiry_date", "pk").values(
        "title", "expiry_date", "partnership_id", partnership_title=F("partnership__title"), **more
    )[:EXPIRING_SHOWN]


def _rating_trend(partnerships, *, period, provisional: bool, today: dt.date) -> dict:
    """Ratings of the scorecards of the last months: {month: {rating: count}}."""
    # Only the months shown are read: the history grows every month, the chart does not.
    cards = (
        rated_scorecards(provisional=provisional, as_of=period)
        .filter(
            partnership__in=partnerships, period_start__gte=trend_start(period=period, today=today)
        )
        .order_by()
    )
    rows = (
        cards.with_shown_rating()
        .values("period_start", "shown_rating")
        .annotate(count=Count("id"))
        .order_by("period_start")
    )
    table = defaultdict(dict)
    for row in rows:
        table[row["period_start"]][row["shown_rating"]] = row["count"]
    last = sorted(table)[-TREND_PERIODS:]
    return {start: table[start] for start in last}
