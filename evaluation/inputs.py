"""Loading what the scoring needs, for many partnerships at once.

A fixed number of queries per chunk, whatever its size: the measurements are
aggregated in PostgreSQL (one pass, grouped by metric), everything else comes
as plain values and is grouped here. No query per partnership or per metric.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import DecimalField, F, Func, Max, Q, Sum

from partnerships.models import (
    SIGNED_STATUSES,
    Agreement,
    Measurement,
    Objective,
    Obligation,
    OutcomeMetric,
)
from partnerships.periods import Frequency, Period

from . import scoring
from .models import Scorecard, ScoringPolicy

# How far back "not reported for N periods" counts: beyond a year of months the
# number stops telling the reader anything new.
MAX_MISSING_PERIODS = 12


def policy_values(policy: ScoringPolicy) -> scoring.Policy:
    return scoring.Policy(
        weight_outcomes=policy.weight_outcomes,
        weight_objectives=policy.weight_objectives,
        weight_health=policy.weight_health,
        weight_agreement=policy.weight_agreement,
        green_from=policy.green_from,
        amber_from=policy.amber_from,
        on_track_tolerance=policy.on_track_tolerance,
        attainment_cap=policy.attainment_cap,
        trend_min_change=policy.trend_min_change,
        expiry_warning_days=policy.expiry_warning_days,
    )


class FirstOf(Func):
    """The first element of an array: `(ARRAY_AGG(… ORDER BY …))[1]`."""

    template = "(%(expressions)s)[1]"


def periods_missing(
    *, frequency: str, latest_reported: dt.date | None, since: dt.date | None, on: dt.date
) -> int:
    """Closed reporting periods up to `on` with no value after the latest one reported."""
    last_closed = Period.containing(on, frequency)
    if last_closed.end > on:
        last_closed = last_closed.previous()
    if latest_reported is not None:
        first_expected = Period.containing(latest_reported, frequency).next()
    elif since is not None:
        first_expected = Period.containing(since, frequency)
    else:
        return 0
    missing, period = 0, last_closed
    while period >= first_expected and missing < MAX_MISSING_PERIODS:
        missing += 1
        period = period.previous()
    return missing


def load_inputs(
    partnerships: list[dict],
    *,
    period_start: dt.date,
    period_end: dt.date,
) -> dict[int, scoring.ScorecardInput]:
    """The scoring inputs of each partnership, keyed by its id.

    `partnerships` are dicts with at least `id` and `start_date`.
    """
    ids = [p["id"] for p in partnerships]
    start_of = {p["id"]: p["start_date"] for p in partnerships}

    metrics = list(
        OutcomeMetric.objects.filter(objective__partnership_id__in=ids, is_active=True)
        .exclude(objective__status="abandoned")
        .values(
            "id",
            "name",
            "weight",
            "baseline_value",
            "target_value",
            "baseline_date",
            "target_date",
            "aggregation",
            "frequency",
            "created_at",
            partnership_id=F("objective__partnership_id"),
        )
        .order_by("id")
    )
    # One pass over the measurements up to the end of the period.
    since_baseline = Q(metric__baseline_date__isnull=True) | Q(
        period_start__gte=F("metric__baseline_date")
    )
    aggregates = {
        row["metric_id"]: row
        for row in Measurement.objects.filter(
            metric_id__in=[m["id"] for m in metrics], period_start__lte=period_end
        )
        .values("metric_id")
        .annotate(
            total=Sum("value", filter=since_baseline),
            latest=FirstOf(
                ArrayAgg("value", order_by="-period_start"),
                output_field=DecimalField(max_digits=14, decimal_places=4),
            ),
            latest_period=Max("period_start"),
        )
        .order_by()
    }
    metrics_by_partnership = defaultdict(list)
    for m in metrics:
        agg = aggregates.get(m["id"], {})
        since = m["baseline_date"] or start_of.get(m["partnership_id"]) or m["created_at"].date()
        metrics_by_partnership[m["partnership_id"]].append(
            scoring.MetricInput(
                id=m["id"],
                name=m["name"],
                weight=m["weight"],
                baseline=m["baseline_value"],
                target=m["target_value"],
                baseline_date=m["baseline_date"],
                target_date=m["target_date"],
                aggregation=m["aggregation"],
                total=agg.get("total"),
                latest=agg.get("latest"),
                periods_missing=periods_missing(
                    frequency=Frequency(m["frequency"]),
                    latest_reported=agg.get("latest_period"),
                    since=since,
                    on=period_end,
                ),
            )
        )

    objectives_by_partnership = defaultdict(list)
    for o in (
        Objective.objects.filter(partnership_id__in=ids)
        .values("id", "title", "status", "weight", "due_date", "partnership_id")
        .order_by("id")
    ):
        objectives_by_partnership[o["partnership_id"]].append(
            scoring.ObjectiveInput(o["id"], o["title"], o["status"], o["weight"], o["due_date"])
        )

    # The agreement in force at the end of the period that runs longest
    # (open-ended first), one per partnership.
    agreements = {
        a["partnership_id"]: scoring.AgreementInput(
            a["id"], a["title"], a["expiry_date"], a["notice_period_days"], a["auto_renewal"]
        )
        for a in Agreement.objects.in_force_on(period_end)
        .filter(partnership_id__in=ids)
        .order_by("partnership_id", F("expiry_date").desc(nulls_first=True), "id")
        .distinct("partnership_id")
        .values(
            "id", "title", "expiry_date", "notice_period_days", "auto_renewal", "partnership_id"
        )
    }

    overdue = defaultdict(list)
    for o in (
        Obligation.objects.filter(
            agreement__partnership_id__in=ids,
            agreement__status__in=SIGNED_STATUSES,
            due_date__lt=period_end,
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=period_end))
        .values("id", "description", "due_date", partnership_id=F("agreement__partnership_id"))
        .order_by("due_date", "id")
    ):
        overdue[o["partnership_id"]].append(
            scoring.ObligationInput(o["id"], o["description"], o["due_date"])
        )

    previous_period = Period.containing(period_start, Frequency.MONTHLY).previous().start
    previous = dict(
        Scorecard.objects.filter(partnership_id__in=ids, period_start=previous_period)
        .exclude(overall_score__isnull=True)
        .values_list("partnership_id", "overall_score")
    )

    return {
        pid: scoring.ScorecardInput(
            partnership_id=pid,
            period_end=period_end,
            metrics=metrics_by_partnership[pid],
            objectives=objectives_by_partnership[pid],
            agreement=agreements.get(pid),
            overdue_obligations=overdue[pid],
            health=None,
            previous_overall=previous.get(pid),
        )
        for pid in ids
    }
