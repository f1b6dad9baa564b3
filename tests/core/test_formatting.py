"""LocalNumbers writes numbers exactly as Django's floatformat and number_format
would in the reader's language, which the dashboards' tables relied on."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.test import override_settings
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import example, given
from hypothesis import strategies as st

from core.formatting import LocalNumbers

LANGUAGES = ["en-gb", "fr", "es", "pt"]


@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, places=None)
    | st.decimals(min_value=-(10**6), max_value=10**6, places=6),
    language=st.sampled_from(LANGUAGES),
)
@example(value=Decimal("-0.001"), language="fr")
@example(value=Decimal("2.005"), language="en-gb")
@example(value=Decimal("-2.005"), language="pt")
@example(value=Decimal("1E+3"), language="es")
@example(value=Decimal("0.1234567890123456789012345678901"), language="fr")
@example(value=Decimal("1E+250"), language="en-gb")
# 29 digits once rounded: abs() cut the last back to 28 (".5", not ".50").
@example(value=Decimal("100000000000000000000000000.5"), language="en-gb")
def test_places_is_floatformat_to_two_decimals(value, language):
    with translation.override(language):
        assert LocalNumbers().places(value, 2) == floatformat(value, "-2")


@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    language=st.sampled_from(LANGUAGES),
)
@example(value=-0.05, language="fr")
@example(value=1e-05, language="en-gb")
@example(value=2.56, language="es")
def test_tenths_is_number_format_to_one_decimal(value, language):
    with translation.override(language):
        assert LocalNumbers().tenths(value) == number_format(value, 1)


def test_none_reads_as_floatformat_reads_it():
    assert LocalNumbers().places(None, 2) == floatformat(None, "-2") == ""


@pytest.mark.parametrize("value", [Decimal("1234567.891"), 1234567.891])
def test_thousands_grouped_by_the_settings_are_left_to_django(value):
    with override_settings(USE_THOUSAND_SEPARATOR=True), translation.override("fr"):
        numbers = LocalNumbers()
        if isinstance(value, Decimal):
            assert numbers.places(value, 2) == floatformat(value, "-2")
        else:
            assert numbers.tenths(value) == number_format(value, 1)
