"""How far a metric has come: the one rule the partnership page, the scorecard,
the dashboards and the PDF share. Plain values in, Decimals out.

A "latest value" metric stands at its latest measurement. A "sum of periods"
metric counts what was added since its baseline date on top of its baseline
(the baseline is where it stood before; each period adds to it), so its actual
value is `baseline + total`. Progress is then 0 at the baseline and 1 at the
target, for lower-is-better metrics too (their target lies below the baseline).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.numbers import ONE, ZERO, clamp

SUM, LATEST = "sum", "latest"


def actual_value(
    *, aggregation: str, baseline: Decimal | None, total: Decimal | None, latest: Decimal | None
) -> Decimal | None:
    """Where the metric stands, from what its measurements come to: the sum of
    those since the baseline date (`total`) or the latest one (`latest`)."""
    if aggregation == LATEST:
        return latest
    if total is None:
        return None
    return (baseline or ZERO) + total


def progress(*, baseline: Decimal, target: Decimal, actual: Decimal) -> Decimal:
    """How far from baseline to target: 0 at the baseline, 1 at the target.

    The same formula serves lower-is-better metrics: their target lies below the
    baseline, so the denominator is negative and a fall counts as progress.
    """
    span = target - baseline
    if span == 0:
        raise ValueError("a target equal to its baseline gives no progress")
    return (actual - baseline) / span


def progress_of(
    *,
    aggregation: str,
    baseline: Decimal | None,
    target: Decimal | None,
    total: Decimal | None,
    latest: Decimal | None,
) -> Decimal | None:
    """A metric's progress, or None without a baseline, a target or data."""
    if baseline is None or target is None:
        return None
    actual = actual_value(aggregation=aggregation, baseline=baseline, total=total, latest=latest)
    if actual is None:
        return None
    return progress(baseline=baseline, target=target, actual=actual)


def planned_progress(*, baseline_date, target_date, on: dt.date) -> Decimal:
    """The planned trajectory: linear from the baseline date to the target date."""
    if baseline_date is None or target_date is None:
        return ONE  # no dates: the target is due now
    if on <= baseline_date:
        return ZERO
    total_days = (target_date - baseline_date).days
    return clamp(Decimal((on - baseline_date).days) / Decimal(total_days), ZERO, ONE)
