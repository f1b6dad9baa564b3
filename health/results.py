"""What a round's answers come to: plain values in, results out.

No database here, so each rule can be checked against a worked example:

- a side's mean for a factor is the sum of its ratings of the factor's
  statements over their number, to two places;
- a side's result is shown only with at least RESPONDENT_THRESHOLD respondents;
- the gap is how far apart the two sides are (always positive);
- a factor's overall mean gives each side shown the same weight, whatever its
  number of respondents, so a large team on one side does not drown the other;
- the change is the overall mean now less the overall mean of the last round;
- the band places a mean against the instrument: a strength from `strength_from`,
  a concern below `concern_below`, borderline in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
THRESHOLD = 3  # health.models.RESPONDENT_THRESHOLD; kept here to keep this module pure

OURS, PARTNER = "ours", "partner"


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def mean_of(total: int | Decimal, count: int) -> Decimal | None:
    if not count:
        return None
    return to_cents(Decimal(total) / Decimal(count))


def shown(respondents: int, threshold: int = THRESHOLD) -> bool:
    return respondents >= threshold


def gap(ours: Decimal | None, partner: Decimal | None) -> Decimal | None:
    if ours is None or partner is None:
        return None
    return abs(ours - partner)


def overall(ours: Decimal | None, partner: Decimal | None) -> Decimal | None:
    sides = [mean for mean in (ours, partner) if mean is not None]
    if not sides:
        return None
    return to_cents(sum(sides) / len(sides))


def change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    if now is None or before is None:
        return None
    return now - before


def band(mean: Decimal | None, *, strength_from: Decimal, concern_below: Decimal) -> str:
    if mean is None:
        return ""
    if mean >= strength_from:
        return "strength"
    if mean < concern_below:
        return "concern"
    return "borderline"


@dataclass(frozen=True)
class SideTotal:
    """A side's ratings of one factor in one round, as the database sums them."""

    side: str
    code: str
    total: int
    ratings: int


@dataclass(frozen=True)
class FactorResult:
    code: str
    name: str
    ours: Decimal | None  # None: nobody answered, or too few to show
    partner: Decimal | None
    gap: Decimal | None
    overall: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    band: str


def side_means(
    totals: Iterable[SideTotal], respondents: dict[str, int], threshold: int = THRESHOLD
) -> dict[tuple[str, str], Decimal]:
    """(side, factor code) → mean, for the sides with enough respondents to show."""
    return {
        (t.side, t.code): mean_of(t.total, t.ratings)
        for t in totals
        if t.ratings and shown(respondents.get(t.side, 0), threshold)
    }


def factor_results(
    factors: list[tuple[str, str]],
    means: dict[tuple[str, str], Decimal],
    previous: dict[str, Decimal],
    *,
    strength_from: Decimal,
    concern_below: Decimal,
) -> list[FactorResult]:
    """One row per factor (code, name), in the instrument's order."""
    rows = []
    for code, name in factors:
        ours, partner = means.get((OURS, code)), means.get((PARTNER, code))
        now = overall(ours, partner)
        rows.append(
            FactorResult(
                code=code,
                name=name,
                ours=ours,
                partner=partner,
                gap=gap(ours, partner),
                overall=now,
                previous=previous.get(code),
                change=change(now, previous.get(code)),
                band=band(now, strength_from=strength_from, concern_below=concern_below),
            )
        )
    return rows
