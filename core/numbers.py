"""Numbers as Accord computes and shows them: one rounding rule everywhere.

Scores are stored to the cent and shown as whole numbers; progress and
attainment are fractions shown as whole percentages. Both round half up (the
rule people expect: 78.5 shows as 79), never Python's round-half-to-even, so a
page, an export and the PDF print the same figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
WHOLE = Decimal(1)
DASH = "—"


def plain_int(text) -> int | None:
    """`text` as a whole number when it is written with the digits 0-9 alone
    (an id or a count from a URL or a file), else None. `str.isdigit` is not
    that test: it takes "²", which int() refuses, and "٣", which it reads as 3."""
    text = str(text)
    return int(text) if text.isascii() and text.isdigit() else None


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def whole(value) -> Decimal | None:
    """A score (or any figure) rounded half up to a whole number."""
    number = _decimal(value)
    return None if number is None else number.quantize(WHOLE, rounding=ROUND_HALF_UP)


def whole_percent(fraction) -> Decimal | None:
    """A fraction (0.4945, or its text) as a whole percentage, half up: 49."""
    number = _decimal(fraction)
    return None if number is None else (number * HUNDRED).quantize(WHOLE, rounding=ROUND_HALF_UP)


def score_text(value) -> str:
    number = whole(value)
    return DASH if number is None else f"{number:f}"


def percent_text(fraction) -> str:
    number = whole_percent(fraction)
    return DASH if number is None else f"{number:f}%"
