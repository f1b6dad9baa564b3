"""The portfolio's read model: the whole portfolio summed up ahead of reading.

Two derived tables (dashboards/models.py) hold what the portfolio dashboard
shows of the whole portfolio:

- `PortfolioFact`: one row per partnership and reading of its scorecards
  (approved only, or also provisional): its stage, purpose, members' places,
  latest reliable scorecard, months' ratings, committed funding and the expiry
  dates of its agreements in force;
- `PortfolioTally`: those facts summed per category (stage, sector, country,
  month…) and shown rating, so the portfolio reads a few hundred rows whatever
  the number of partnerships.

They are written on commit, through the hooks of the lower layers (registered
in `apps.py`): a change naming its partnerships (a review, a stage, an
agreement, a member) refreshes their facts and moves the tallies by the
difference, at once; a change that names none (an assessment run finishing,
the daily expiry of agreements) has the worker rebuild both, set-based, in one
transaction (`tasks.rebuild_read_model`, sent through the outbox and retried
through a database restart), which then leaves the cached portfolios behind.
`manage.py rebuild_dashboards` rebuilds them as well; a rebuild gives the same
rows however often it runs.

Until the first rebuild the read model is not trusted (a marker row says it was
built): the portfolio is then computed from the source tables, and refreshes
leave the unbuilt tables alone.

Every figure is computed by the same rules as `portfolio.source_summary`
(which the filtered portfolio still uses): the facts are selected with the
same QuerySet methods, and tests/dashboards/test_readmodel.py compares both.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import Aggregate, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject

from evaluation.models import ScorecardEvent, shown_rating
from evaluation.selectors import expiry_warning_days
from ops.outbox import outbox_enqueue
from partnerships.geography import CONTINENT_OF_COUNTRY
from partnerships.models import Agreement, Partnership

from . import money
from .filters import NOT_RATED, rated_scorecards
from .models import PortfolioFact, PortfolioTally
from .portfolio import (
    BEST_AND_WORST,
    FAMILY_TILES,
    TREND_PERIODS,
    average_score,
    expiring_shown,
    latest_card,
    trend_start,
)
from .tasks import rebuild_read_model

logger = logging.getLogger(__name__)

# Serialises the writers (a refresh, a rebuild), never the readers.
LOCK = 0x0ACC0D_D5
# The tally that says the read model was built.
BUILT = "built"
# Categories summed per shown rating.
BY_RATING = {
    "sector": "by_sector",
    "spanned": "by_spanned",
    "region": "by_region",
    "purpose": "by_purpose",
    "benefit": "by_benefit",
}


class _JsonbObjectAgg(Aggregate):
    function = "jsonb_object_agg"
    output_field = JSONField()


# --- writing -------------------------------------------------------------------------


def refresh(*, partnership_ids: Iterable[int] | None = None, **_payload) -> None:
    """Bring the read model up to date with what changed: these partnerships,
    or (None) possibly all. Once built, never before (see the module's doc).

    A few partnerships are refreshed at once, in the caller's process (a
    manager's change shows on the next page). A change that names none (an
    assessment run finishing, the day's expiries) is rebuilt by the worker
    (`tasks.rebuild_read_model`): seconds at 10,000 partnerships, better not
    spent in the task that finished a run or in a request, and retried through
    a database restart, where a failure here was only logged and left the
    portfolio behind until the next rebuild."""
    if partnership_ids is not None and not partnership_ids:
        return  # e.g. a new policy: its expiry window is read with the page
    if partnership_ids is None:
        if is_built():
            outbox_enqueue(task_name=rebuild_read_model.name, kwargs_list=[{}])
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        if is_built():
            _refresh(cursor, sorted(set(partnership_ids)))


def rebuild_if_built() -> bool:
    """Write the read model anew if it was built (the worker's rebuild after a
    run); whether it was."""
    return _rebuild_locked(only_if_built=True)


def refresh_returned(*, event_id: int) -> None:
    """A returned scorecard no longer counts, even provisionally."""
    event = ScorecardEvent.objects.select_related("scorecard").get(pk=event_id)
    refresh(partnership_ids=[event.scorecard.partnership_id])


def rebuild() -> dict[str, int]:
    """Write the read model anew from the source tables; the rows written."""
    _rebuild_locked(only_if_built=False)
    return {
        "facts": PortfolioFact.objects.count(),
        "tallies": PortfolioTally.objects.count(),
    }


def _rebuild_locked(*, only_if_built: bool) -> bool:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        if only_if_built and not is_built():
            return False
        _rebuild(cursor)
    return True


def is_built() -> bool:
    """Whether the read model was built (and so is kept and read)."""
    return PortfolioTally.objects.filter(dimension=BUILT).exists()


def _rebuild(cursor) -> None:
    # DELETE, not TRUNCATE: readers go on seeing the old rows until this commits.
    PortfolioTally.objects.all().delete()
    PortfolioFact.objects.all().delete()
    _write_facts(cursor, Partnership.objects.all())
    _add_tallies(cursor, sign=1, partnership_ids=None)
    PortfolioTally.objects.create(
        provisional=False, dimension=BUILT, key="", rating="", partnerships=1
    )


def _refresh(cursor, ids: list[int]) -> None:
    # The tallies move by the difference: minus the old facts, plus the new.
    _add_tallies(cursor, sign=-1, partnership_ids=ids)
    PortfolioFact.objects.filter(partnership_id__in=ids).delete()
    _write_facts(cursor, Partnership.objects.filter(pk__in=ids))
    _add_tallies(cursor, sign=1, partnership_ids=ids)
    PortfolioTally.objects.filter(partnerships=0).exclude(dimension=BUILT).delete()


def _fact_source(partnerships, *, provisional: bool):
    """The partnerships with what their facts need, by the portfolio's own rules."""
    reliable = (
        rated_scorecards(provisional=provisional).filter(partnership=OuterRef("pk")).order_by()
    )
    return (
        partnerships.with_member_places()
        .annotate(
            card=latest_card(provisional=provisional),
            months=Subquery(
                reliable.values("partnership")
                .annotate(ratings=_JsonbObjectAgg("period_start", shown_rating()))
                .values("ratings")
            ),
            funding=Subquery(
                money.committed()
                .filter(agreement__partnership=OuterRef("pk"))
                .order_by()
                .values("agreement__partnership")
                .annotate(
                    rows=JSONBAgg(
                        JSONObject(currency="contribution_currency", amount="contribution_amount")
                    )
                )
                .values("rows")
            ),
            expiries=ArraySubquery(
                Agreement.objects.in_force()
                .filter(partnership=OuterRef("pk"), expiry_date__isnull=False)
                .order_by()
                .values("expiry_date")
            ),
        )
        .order_by()
        .values(
            "id",
            "title",
            "stage",
            "purpose",
            "benefits_sought",
            "countries",
            "sectors",
            "card",
            "months",
            "funding",
            "expiries",
        )
    )


def _write_facts(cursor, partnerships) -> None:
    fact = PortfolioFact._meta.db_table
    continents = json.dumps({code: str(c) for code, c in CONTINENT_OF_COUNTRY.items()})
    for provisional in (False, True):
        source, params = _fact_source(partnerships, provisional=provisional).query.sql_with_params()
        cursor.execute(
            f"""
            INSERT INTO "{fact}" (
                partnership_id, provisional, title, stage, purpose, benefits_sought,
                countries, sectors, continents, rating, score, trend, approved,
                on_track, assessed, months, funding, expiries
            )
            SELECT s.id, %s, s.title, s.stage, s.purpose, s.benefits_sought,
                   s.countries, s.sectors,
                   ARRAY(SELECT DISTINCT %s::jsonb ->> upper(c) FROM unnest(s.countries) c
                          WHERE %s::jsonb ? upper(c) ORDER BY 1),
                   COALESCE(s.card ->> 'rating', %s), (s.card ->> 'score')::numeric,
                   s.card ->> 'trend', (s.card ->> 'state') = 'approved',
                   COALESCE((s.card ->> 'on_track')::int, 0),
                   COALESCE((s.card ->> 'assessed')::int, 0),
                   COALESCE(s.months, '{{}}'::jsonb),
                   COALESCE(s.funding, '[]'::jsonb),
                   COALESCE(s.expiries, '{{}}')
              FROM ({source}) s
            """,
            [provisional, continents, continents, NOT_RATED, *params],
        )


def _add_tallies(cursor, *, sign: int, partnership_ids: list[int] | None) -> None:
    """Add (sign 1) or take away (sign -1) the facts of these partnerships (None:
    all) to the tallies, category by category."""
    fact, tally = PortfolioFact._meta.db_table, PortfolioTally._meta.db_table
    where, params = (
        ("", [])
        if partnership_ids is None
        else ("WHERE partnership_id = ANY(%s)", [partnership_ids])
    )
    # Each part: (provisional, dimension, key, rating, partnerships, scored,
    # score_sum, on_track, assessed, pending, amount).
    cursor.execute(
        f"""
        WITH f AS (SELECT * FROM "{fact}" {where}),
        parts AS (
            SELECT provisional, 'stage' AS dimension, stage AS key, rating, 1 AS partnerships,
                   (score IS NOT NULL)::int AS scored, COALESCE(score, 0) AS score_sum,
                   on_track, assessed, (approved IS FALSE)::int AS pending, 0 AS amount
              FROM f
            UNION ALL
            SELECT provisional, 'sector', x, rating, 1, 0, 0, 0, 0, 0, 0
              FROM f, unnest(sectors) x
            UNION ALL
            SELECT provisional, 'spanned', least(cardinality(sectors), 3)::text, rating,
                   1, 0, 0, 0, 0, 0, 0
              FROM f
            UNION ALL
            SELECT provisional, 'region', x, rating, 1, 0, 0, 0, 0, 0, 0
              FROM f, unnest(continents) x
            UNION ALL
            SELECT provisional, 'purpose', purpose, rating, 1, 0, 0, 0, 0, 0, 0 FROM f
            UNION ALL
            SELECT provisional, 'benefit', x, rating, 1, 0, 0, 0, 0, 0, 0
              FROM f, unnest(benefits_sought) x
            UNION ALL
            SELECT provisional, 'country', x, rating, 1, (score IS NOT NULL)::int,
                   COALESCE(score, 0), 0, 0, 0, 0
              FROM f, unnest(countries) x
            UNION ALL
            SELECT provisional, 'funding', e ->> 'currency', '', 1, 0, 0, 0, 0, 0,
                   (e ->> 'amount')::numeric
              FROM f, jsonb_array_elements(funding) e
            UNION ALL
            SELECT provisional, 'month', m.key, m.value, 1, 0, 0, 0, 0, 0, 0
              FROM f, jsonb_each_text(months) m
            UNION ALL
            SELECT provisional, 'expiry', d::text, '', 1, 0, 0, 0, 0, 0, 0
              FROM f, unnest(expiries) d
        )
        INSERT INTO "{tally}" AS t (
            provisional, dimension, key, rating, partnerships, scored, score_sum,
            on_track, assessed, pending, amount
        )
        SELECT provisional, dimension, key, rating, %s * sum(partnerships), %s * sum(scored),
               %s * sum(score_sum), %s * sum(on_track), %s * sum(assessed), %s * sum(pending),
               %s * sum(amount)
          FROM parts
         GROUP BY provisional, dimension, key, rating
        ON CONFLICT (provisional, dimension, key, rating) DO UPDATE SET
            partnerships = t.partnerships + EXCLUDED.partnerships,
            scored = t.scored + EXCLUDED.scored,
            score_sum = t.score_sum + EXCLUDED.score_sum,
            on_track = t.on_track + EXCLUDED.on_track,
            assessed = t.assessed + EXCLUDED.assessed,
            pending = t.pending + EXCLUDED.pending,
            amount = t.amount + EXCLUDED.amount
        """,
        [*params, *[sign] * 7],
    )


# --- reading -------------------------------------------------------------------------


def whole_portfolio_summary(*, provisional: bool, today: dt.date) -> dict | None:
    """`portfolio.source_summary` of the whole portfolio as of today, read from
    the tallies; None while the read model has not been built."""
    days = expiry_warning_days()
    first_month = trend_start(period=None, today=today)
    tallies = list(
        PortfolioTally.objects.filter(
            Q(dimension=BUILT)
            | Q(provisional=provisional) & ~Q(dimension__in=["month", "expiry"])
            | Q(provisional=provisional, dimension="month", key__gte=first_month.isoformat())
            | Q(
                provisional=provisional,
                dimension="expiry",
                key__gte=today.isoformat(),
                key__lte=(today + dt.timedelta(days=days)).isoformat(),
            )
        ).values_list(
            "dimension",
            "key",
            "rating",
            "partnerships",
            "scored",
            "score_sum",
            "on_track",
            "assessed",
            "pending",
            "amount",
        )
    )
    if not any(row[0] == BUILT for row in tallies):
        return None
    stages, ratings = defaultdict(int), defaultdict(int)
    by_rating = {name: defaultdict(lambda: defaultdict(int)) for name in BY_RATING.values()}
    countries, funding, months = {}, {}, defaultdict(dict)
    metrics = {"on_track": 0, "assessed": 0}
    pending = expiring = scored_partnerships = 0
    for (
        dimension,
        key,
        rating,
        count,
        scored,
        score_sum,
        on_track,
        assessed,
        late,
        amount,
    ) in tallies:
        if dimension == "stage":
            stages[key] += count
            ratings[rating] += count
            metrics["on_track"] += on_track
            metrics["assessed"] += assessed
            pending += late
            scored_partnerships += scored
        elif dimension in BY_RATING:
            by_rating[BY_RATING[dimension]][key][rating] += count
        elif dimension == "country":
            country = countries.setdefault(key, {"count": 0, "scored": 0, "sum": Decimal(0)})
            country["count"] += count
            country["scored"] += scored
            country["sum"] += score_sum
        elif dimension == "funding":
            funding[key] = amount
        elif dimension == "month":
            months[dt.date.fromisoformat(key)][rating] = count
        elif dimension == "expiry":
            expiring += count
    agreements = Agreement.objects.expiring_within(days, on=today)
    return {
        "count": sum(stages.values()),
        "families": {
            family: sum(stages[stage] for stage in family_stages)
            for family, family_stages in FAMILY_TILES.items()
        },
        "ratings": dict(ratings),
        "provisional_count": pending,
        "metrics": metrics,
        "expiring": {
            "days": days,
            "count": expiring,
            "shown": list(expiring_shown(agreements)),
        },
        "funding": money.in_base_currency(funding, money.rates_on(today)),
        "rating_trend": {start: months[start] for start in sorted(months)[-TREND_PERIODS:]},
        **{
            name: {key: dict(counts) for key, counts in table.items()}
            for name, table in by_rating.items()
        },
        "countries": {
            code: {"count": c["count"], "score": average_score(c["sum"], c["scored"])}
            for code, c in countries.items()
        },
        **_best_and_worst(provisional, scored=scored_partnerships),
    }


def _best_and_worst(provisional: bool, *, scored: int) -> dict:
    facts = PortfolioFact.objects.filter(provisional=provisional, score__isnull=False)
    keys = ("partnership_id", "title", "score", "rating", "trend")
    best = list(facts.order_by("-score", "title").values(*keys)[:BEST_AND_WORST])
    # With few scored partnerships the worst must not repeat the best.
    worst_count = min(BEST_AND_WORST, max(0, scored - BEST_AND_WORST))
    worst = (
        list(facts.order_by("score", "title").values(*keys)[:worst_count]) if worst_count else []
    )
    # Both read as one ranking, from the best down to the very worst.
    worst.reverse()
    return {"best": [_ranked(row) for row in best], "worst": [_ranked(row) for row in worst]}


def _ranked(row: dict) -> dict:
    return {
        "id": row["partnership_id"],
        "title": row["title"],
        # As the source summary reads a score from JSON: 72.50 shows as 72.5.
        "score": Decimal(str(float(row["score"]))),
        "rating": row["rating"],
        "trend": row["trend"],
    }
