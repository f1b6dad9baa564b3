"""Reads for the evaluation pages, each a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from partnerships.models import (
    SIGNED_STATUSES,
    Agreement,
    Measurement,
    Objective,
    Obligation,
    OutcomeMetric,
)

from .models import Scorecard, ScoringPolicy

MEASUREMENTS_SHOWN = 6


def active_policy() -> ScoringPolicy:
    """The scoring policy in force: the latest published version (`policy_publish`
    keeps exactly one active)."""
    return ScoringPolicy.objects.get(is_active=True)


def expiry_warning_days() -> int:
    """How many days ahead an agreement counts as near expiry: the one window of the
    scorecard's flag, the home page, the portfolio tile, early warning and reminders.
    It is the active policy's, so publishing a new version moves them all."""
    return (
        ScoringPolicy.objects.filter(is_active=True)
        .values_list("expiry_warning_days", flat=True)
        .get()
    )


def scorecard_evidence(card: Scorecard, user) -> dict:
    """What a reviewer needs beside a scorecard: the previous one (of those
    `user` may open), the metrics with their latest measurements, the
    objectives, the agreement and the history."""
    previous = (
        Scorecard.objects.visible_to(user)
        .filter(partnership_id=card.partnership_id, period_start__lt=card.period_start)
        .order_by("-period_start")
        .first()
    )
    metrics = list(
        OutcomeMetric.objects.filter(objective__partnership_id=card.partnership_id)
        .select_related("objective")
        .order_by("objective__title", "name")
    )
    values = defaultdict(list)
    for m in Measurement.objects.filter(
        metric__in=metrics, period_start__lte=card.period_end
    ).order_by("metric_id", "-period_start"):
        if len(values[m.metric_id]) < MEASUREMENTS_SHOWN:
            values[m.metric_id].append(m)
    results = {r["id"]: r for r in card.metric_results}
    metric_rows = [
        {"metric": m, "measurements": values[m.pk][::-1], "result": results.get(m.pk)}
        for m in metrics
    ]
    agreement = (
        Agreement.objects.in_force_on(card.period_end)
        .filter(partnership_id=card.partnership_id)
        .order_by("-expiry_date")
        .first()
    )
    overdue = list(
        Obligation.objects.filter(
            agreement__partnership_id=card.partnership_id,
            agreement__status__in=SIGNED_STATUSES,
            due_date__lt=card.period_end,
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=card.period_end))
        .select_related("agreement")
    )
    return {
        "previous": previous,
        "metric_rows": metric_rows,
        "objectives": Objective.objects.filter(partnership_id=card.partnership_id).select_related(
            "owner"
        ),
        "agreement": agreement,
        "overdue_obligations": overdue,
        "events": card.events.select_related("actor"),
    }
