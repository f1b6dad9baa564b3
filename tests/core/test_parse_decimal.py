"""One reading of a number a person typed (`core.numbers.parse_decimal`): the
grid, the forms, the API and the imports take "12.5", and none of what Python's
Decimal also takes ("1_000", "1e3", "NaN", "١٢")."""

from decimal import Decimal

import pytest

from core.numbers import parse_decimal

REFUSED_EVERYWHERE = ["1_000", "1e3", "1E3", "NaN", "nan", "Infinity", "-inf", "١٢", "１２"]


@pytest.mark.parametrize(
    ("text", "decimal_comma", "number"),
    [
        ("12.5", False, Decimal("12.5")),
        ("1 500", False, Decimal("1500")),
        ("12,5", False, None),  # 12.5 or 125? not without a decimal comma
        ("1,500", False, None),
        ("12,5", True, Decimal("12.5")),
        ("12,345", True, Decimal("12.345")),
        ("-0,75", True, Decimal("-0.75")),
        ("1.234,5", True, Decimal("1234.5")),
        ("1\u00a0234,5", True, Decimal("1234.5")),
        ("12.5", True, Decimal("12.5")),
        ("1.234", True, None),  # a thousand and more, or one and a bit
        ("12,5,0", True, None),
        ("a dozen", True, None),
        # The edges of a plain number: a sign, a point at either end, one point.
        ("+3", False, Decimal("3")),
        ("-3", False, Decimal("-3")),
        (".5", False, Decimal("0.5")),
        ("5.", False, Decimal("5")),
        ("1.2.3", False, None),
        ("--3", False, None),
        (".", False, None),
        ("", False, None),
        # Decimal() reads these; a person does not mean them.
        *[(text, comma, None) for text in REFUSED_EVERYWHERE for comma in (False, True)],
        ("١٢,٥", True, None),
        ("1_000,5", True, None),
    ],
)
def test_it_reads_a_number_as_people_write_one(text, decimal_comma, number):
    assert parse_decimal(text, decimal_comma=decimal_comma) == number
