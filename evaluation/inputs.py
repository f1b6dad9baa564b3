"""Loading what the scoring needs, for many partnerships at once.

A fixed number of queries per chunk, whatever its size: the measurements are
aggregated in PostgreSQL (with the metrics they belong to), everything else
comes as plain values and is grouped here. No query per partnership or per
metric. Ids go to PostgreSQL as one array parameter (`= ANY(%s)`), not as a list
of thousands of parameters for Django to prepare one by one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from django.db.models import F, Q
from django.utils import timezone

from core.queries import AnyOf
from health.selectors import shown_rounds_by_partnership
from partnerships.models import (
    SIGNED_STATUSES,
    Agreement,
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
    """The policy row as the plain values the scoring functions take."""
    return scoring.Policy(
        **{field.name: getattr(policy, field.name) for field in dataclasses.fields(scoring.Policy)}
    )


def _period_index(day: dt.date, months: int) -> int:
    """The period containing `day`, as the month number (year * 12 + month - 1)
    of its first month; periods of one frequency are `months` apart."""
    month = day.year * 12 + day.month - 1
    return month - (day.month - 1) % months


def _last_closed_index(on: dt.date, months: int) -> int:
    """The latest period of `months` months that has ended by `on` (inclusive)."""
    index = _period_index(on, months)
    after = index + months  # the month after the period
    if dt.date(after // 12, after % 12 + 1, 1) - dt.timedelta(days=1) > on:
        index -= months
    return index


def periods_missing(
    *, frequency: str, latest_reported: dt.date | None, since: dt.date | None, on: dt.date
) -> int:
    """Closed reporting periods up to `on` with no value after the latest one reported."""
    months = Frequency(frequency).months
    return _missing(months, _last_closed_index(on, months), latest_reported, since)


def _missing(months: int, last_closed: int, latest_reported, since) -> int:
    """`periods_missing` in month arithmetic, with the last closed period given."""
    if latest_reported is not None:
        first_expected = _period_index(latest_reported, months) + months
    elif since is not None:
        first_expected = _period_index(since, months)
    else:
        return 0
    if last_closed < first_expected:
        return 0
    return min((last_closed - first_expected) // months + 1, MAX_MISSING_PERIODS)


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
    if not ids:
        return {}
    start_of = {p["id"]: p["start_date"] for p in partnerships}

    objectives_by_partnership = defaultdict(list)
    partnership_of_objective = {}  # the objectives whose metrics count: not abandoned
    for oid, title, status, weight, due_date, pid in (
        Objective.objects.filter(AnyOf(F("partnership_id"), ids))
        .order_by("id")
        .values_list("id", "title", "status", "weight", "due_date", "partnership_id")
    ):
        objectives_by_partnership[pid].append(
            scoring.ObjectiveInput(oid, title, status, weight, due_date)
        )
        if status != "abandoned":
            partnership_of_objective[oid] = pid

    # The metrics, each with what its measurements up to the end of the period
    # come to: the sum since the baseline, the latest value and its period.
    # Correlated subqueries read each metric's rows through the index on
    # (metric, period_start): no sort, no hash of the chunk's measurements.
    metrics = (
        OutcomeMetric.objects.filter(
            AnyOf(F("objective_id"), list(partnership_of_objective)), is_active=True
        )
        .with_measured(until=period_end)
        .order_by("id")
        .values_list(
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
            "objective_id",
            "total",
            "latest",
            "latest_period",
        )
    )
    last_closed = {}  # frequency: (months, index of the last closed period)
    metrics_by_partnership = defaultdict(list)
    for (
        mid, name, weight, baseline, target, baseline_date, target_date,
        aggregation, frequency, created_at, objective_id, total, latest, latest_period,
    ) in metrics:  # fmt: skip
        pid = partnership_of_objective[objective_id]
        if frequency not in last_closed:
            months = Frequency(frequency).months
            last_closed[frequency] = (months, _last_closed_index(period_end, months))
        months, closed = last_closed[frequency]
        since = baseline_date or start_of.get(pid) or created_at.date()
        metrics_by_partnership[pid].append(
            scoring.MetricInput(
                id=mid,
                name=name,
                weight=weight,
                baseline=baseline,
                target=target,
                baseline_date=baseline_date,
                target_date=target_date,
                aggregation=aggregation,
                total=total,
                latest=latest,
                periods_missing=_missing(months, closed, latest_period, since),
            )
        )

    # The agreement in force at the end of the period that runs longest
    # (open-ended first), one per partnership.
    agreements = {
        pid: scoring.AgreementInput(aid, title, expiry_date, notice_period_days, auto_renewal)
        for aid, title, expiry_date, notice_period_days, auto_renewal, pid in (
            Agreement.objects.in_force_on(period_end)
            .filter(AnyOf(F("partnership_id"), ids))
            .order_by("partnership_id", F("expiry_date").desc(nulls_first=True), "id")
            .distinct("partnership_id")
            .values_list(
                "id", "title", "expiry_date", "notice_period_days", "auto_renewal", "partnership_id"
            )
        )
    }

    overdue = defaultdict(list)
    for oid, description, due_date, pid in (
        Obligation.objects.filter(
            AnyOf(F("agreement__partnership_id"), ids),
            agreement__status__in=SIGNED_STATUSES,
            due_date__lt=period_end,
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=period_end))
        .values_list("id", "description", "due_date", "agreement__partnership_id")
        .order_by("due_date", "id")
    ):
        overdue[pid].append(scoring.ObligationInput(oid, description, due_date))

    previous_period = Period.containing(period_start, Frequency.MONTHLY).previous().start
    previous = dict(
        Scorecard.objects.filter(AnyOf(F("partnership_id"), ids), period_start=previous_period)
        .exclude(overall_score__isnull=True)
        .order_by()  # not the default's join to every partnership for its title
        .values_list("partnership_id", "overall_score")
    )

    health = health_inputs(ids, period_end=period_end)

    return {
        pid: scoring.ScorecardInput(
            partnership_id=pid,
            period_end=period_end,
            metrics=metrics_by_partnership[pid],
            objectives=objectives_by_partnership[pid],
            agreement=agreements.get(pid),
            overdue_obligations=overdue[pid],
            health=health.get(pid),
            previous_overall=previous.get(pid),
        )
        for pid in ids
    }


def health_inputs(ids: list[int], *, period_end: dt.date) -> dict[int, scoring.HealthInput]:
    """Each partnership's latest health check closed by the end of the period whose
    results may be shown, with the round before it for the changes. One query."""
    closed_before = dt.datetime.combine(
        period_end + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    inputs = {}
    for pid, rounds in shown_rounds_by_partnership(ids, closed_before=closed_before).items():
        latest = rounds[0]
        previous = rounds[1].overall_means() if len(rounds) > 1 else {}
        means, overall = latest.means, latest.overall_means()
        inputs[pid] = scoring.HealthInput(
            round_id=latest.round_id,
            factors=[
                scoring.HealthFactorInput(
                    code=code,
                    name=name,
                    ours=means.get(("ours", code)),
                    partner=means.get(("partner", code)),
                    overall=overall.get(code),
                    previous=previous.get(code),
                    translations=latest.translations.get(code, {}),
                )
                for code, name in latest.factors.items()
            ],
        )
    return inputs
