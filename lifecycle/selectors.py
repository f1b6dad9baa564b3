"""Reads that several pages and services share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from core.queries import AnyOf
from evaluation.codes import HEALTH_FLAGS, FlagCode
from evaluation.models import Scorecard
from evaluation.selectors import active_policy
from health.models import Factor
from health.selectors import latest_published_instrument
from partnerships.models import Agreement, Partnership, Stage

from .rules import Evidence, Policy


def _quoted(flags: list[dict], wanted) -> tuple[dict, ...]:
    """The flags of the kinds wanted, as the evidence quotes them (a phrase)."""
    return tuple(
        {key: flag[key] for key in ("code", "params", "message") if key in flag}
        for flag in flags
        if wanted(flag.get("code", ""))
    )


def watched_partnerships():
    """The partnerships early warning watches: the active ones (a struggling one
    is already known to be in trouble)."""
    return Partnership.objects.filter(stage=Stage.ACTIVE)


def warning_policy() -> Policy:
    """The early warning's thresholds: the active scoring policy's, so a new
    version of the policy moves the warnings with the scorecards."""
    policy = active_policy()
    return Policy(
        health_drop=policy.warning_health_drop,
        outcomes_drop=policy.warning_outcomes_drop,
        expiry_days=policy.expiry_warning_days,
        signals_needed=policy.warning_signals_needed,
    )


def warning_evidence(
    partnership_ids: list[int], *, today: dt.date, expiry_days: int
) -> dict[int, Evidence]:
    """The evidence for each partnership, from its two latest scorecards and its
    agreements expiring soon: two queries however many partnerships. Early, so
    before a reviewer approves them; never one a reviewer returned as wrong
    (`Scorecard.objects.reliable`)."""
    latest_two = (
        Scorecard.objects.reliable(provisional=True)
        .filter(AnyOf(F("partnership_id"), partnership_ids))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("partnership_id"), order_by=F("period_start").desc()
            )
        )
        .filter(rank__lte=2)
        .order_by()  # not the default's join to every partnership for its title
        .values(
            "partnership_id",
            "rank",
            "period_start",
            "health_score",
            "outcomes_score",
            "flags",
        )
    )
    cards = defaultdict(dict)
    for card in latest_two:
        cards[card["partnership_id"]][card["rank"]] = card
    expiring = defaultdict(list)
    for title, partnership_id, expiry in (
        Agreement.objects.expiring_within(expiry_days, on=today)
        .order_by("expiry_date", "pk")  # along its index, not by each partnership's title
        .values_list("title", "partnership_id", "expiry_date")
    ):
        expiring[partnership_id].append((title, expiry))

    evidence = {}
    for partnership_id in partnership_ids:
        latest = cards[partnership_id].get(1)
        previous = cards[partnership_id].get(2) or {}
        flags = latest["flags"] if latest else []
        evidence[partnership_id] = Evidence(
            period_start=latest["period_start"] if latest else None,
            previous_period_start=previous.get("period_start"),
            health=latest["health_score"] if latest else None,
            previous_health=previous.get("health_score"),
            outcomes=latest["outcomes_score"] if latest else None,
            previous_outcomes=previous.get("outcomes_score"),
            health_flags=_quoted(flags, HEALTH_FLAGS.__contains__),
            off_track=_quoted(flags, {FlagCode.METRIC_OFF_TRACK}.__contains__),
            not_reported=_quoted(flags, {FlagCode.NOT_REPORTED}.__contains__),
            expiring=tuple(expiring[partnership_id]),
        )
    return evidence


def latest_factors():
    """The factors of the latest published instrument: what lessons are coded against."""
    return Factor.objects.filter(instrument=latest_published_instrument()).order_by(
        "position", "pk"
    )
