"""Numbers as Accord computes and shows them: one rounding rule everywhere.

Scores are stored to the cent and shown as whole numbers; progress and
attainment are fractions shown as whole percentages. Both round half up (the
rule people expect: 78.5 shows as 79), never Python's round-half-to-even, so a
page, an export and the PDF print the same figure.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_percent

from core import formatting

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
WHOLE = Decimal(1)
DASH = "—"


def plain_int(text) -> int | None:
    """`text` as a whole number when it is written with the digits 0-9 alone
    (an id or a count from a URL or a file), else None. `str.isdigit` is not
    that test: it takes "²", which int() refuses, and "٣", which it reads as 3."""
    text = str(text)
    return int(text) if text.isascii() and text.isdigit() else None


# A whole number as a person or a client writes one: an optional sign and the
# digits 0-9, spaces around, and a decimal point followed by zeros at most
# ("12.0", as a spreadsheet writes a count). int() reads far more: "1_000" and
# the digits of every script ("٣" as 3, "３" as 3), which named another record
# than the one meant, or saved a figure no one typed in those digits.
PLAIN_WHOLE = re.compile(r"\s*([+-]?\d+)(?:\.0*)?\s*", re.ASCII)


def parse_whole(text: str) -> int | None:
    """The whole number written, or None if it is not one written with the
    digits 0-9. The one reading of typed whole numbers: the pages' fields
    (`core.forms.PlainIntegerField`) and the API's (`api.serializers.PlainIntegerField`)."""
    match = PLAIN_WHOLE.fullmatch(text)
    return int(match[1]) if match else None


# A number as a person types one: an optional sign, the digits 0-9 and one
# decimal point. Decimal() reads far more, none of which anyone means as a
# measurement or a target: "1_000", "1e3", "NaN", "Infinity", and the digits of
# every script ("١٢", "１２"), which a page, the export and the PDF would then
# show as other digits than those typed. re.ASCII: \d is 0-9 alone.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
# Spaces group thousands in every language Accord speaks ("1 500", "1 500,25").
SPACES = re.compile(r"[ \u00a0\u202f]")
# With a decimal comma: "12,5", "-0,75", "1 234,5", "1.234,5".
DECIMAL_COMMA = re.compile(r"[+-]?\d+(?:[.]\d{3})*,\d+", re.ASCII)
# Digits grouped in thousands by points and nothing after: 1.234 is a
# thousand and more where the comma is the decimal mark, one and a bit elsewhere.
GROUPED_BY_POINTS = re.compile(r"[+-]?\d{1,3}(?:[.]\d{3})+", re.ASCII)


def reads_two_ways(text: str, *, decimal_comma: bool) -> bool:
    """`text` is digits grouped by points ("1.500") where the comma is the
    decimal mark: refused by `parse_decimal`, and worth saying why."""
    return decimal_comma and bool(GROUPED_BY_POINTS.fullmatch(SPACES.sub("", text.strip())))


def parse_decimal(text: str, *, decimal_comma: bool = False) -> Decimal | None:
    """The number a person typed, or None if it is not one written as people
    write numbers, or could be read two ways. The one reading of typed numbers:
    the pages' fields (`core.forms.LocalDecimalField`), the API's
    (`api.serializers.PlainDecimalField`) and the imports.

    A decimal point always reads; a decimal comma only where the reader's
    language or the file uses one (`decimal_comma`), with thousands grouped by
    points or spaces ("1.234,5"). Elsewhere a comma is refused, since 1,5 and
    1,500 are read differently in different countries; with a decimal comma,
    so is 1.234 (a thousand and more, or one and a bit)."""
    text = SPACES.sub("", text.strip())
    if decimal_comma and DECIMAL_COMMA.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif reads_two_ways(text, decimal_comma=decimal_comma):
        return None
    return Decimal(text) if PLAIN_DECIMAL.fullmatch(text) else None


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
    return percents()(fraction)


def percents():
    """`percent_text` for a table of them: its language read once, not per
    number. A whole percentage with its sign as the reader's language writes it
    (CLDR): "79%" in English and Portuguese, "79\u00a0%" in French and Spanish,
    whose space never breaks the number from its sign."""
    before, after = _percent_affixes(formatting.cldr_locale())

    def text(fraction) -> str:
        number = whole_percent(fraction)
        return DASH if number is None else f"{before}{number:f}{after}"

    return text


@lru_cache(maxsize=32)
def _percent_affixes(locale) -> tuple[str, str]:
    """What the language writes before and after a percentage's digits, read
    from CLDR once per language: Babel's formatting costs ~40 µs a number, and
    a dashboard shows a few hundred."""
    before, _, after = format_percent(Decimal(1), locale=locale).partition("100")
    return before, after
