import datetime as dt

import pytest
from django.utils import translation

from partnerships.periods import Period, is_period_start, last_closed_period, periods_between


@pytest.mark.parametrize(
    ("day", "frequency", "start", "end", "label"),
    [
        (dt.date(2026, 11, 22), "monthly", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "Nov 2026"),
        (
            dt.date(2026, 11, 22),
            "quarterly",
            dt.date(2026, 10, 1),
            dt.date(2026, 12, 31),
            "Q4 2026",
        ),
        (dt.date(2026, 2, 28), "quarterly", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Q1 2026"),
        (dt.date(2026, 7, 1), "semiannual", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "H2 2026"),
        (dt.date(2024, 2, 29), "annual", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024"),
        (dt.date(2024, 2, 10), "monthly", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Feb 2024"),
    ],
)
def test_the_period_containing_a_day(day, frequency, start, end, label):
    period = Period.containing(day, frequency)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_the_last_closed_quarter_crosses_the_year():
    assert last_closed_period(dt.date(2026, 2, 3), "quarterly").label == "Q4 2025"


def test_next_and_previous_walk_whole_periods():
    q4 = Period(dt.date(2025, 10, 1), "quarterly")
    assert q4.next().start == dt.date(2026, 1, 1)
    assert q4.next().previous() == q4


def test_periods_between_includes_both_ends():
    first = Period(dt.date(2025, 1, 1), "quarterly")
    assert [p.label for p in periods_between(first, first.next().next())] == [
        "Q1 2025",
        "Q2 2025",
        "Q3 2025",
    ]


def test_a_period_must_start_on_its_first_day():
    assert not is_period_start(dt.date(2026, 2, 1), "quarterly")
    with pytest.raises(ValueError):
        Period(dt.date(2026, 2, 1), "quarterly")


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        ("en-gb", "Q1 2025", "Q4 2025"),
        ("fr", "T1 2025", "T4 2025"),
        ("es", "T1 2025", "T4 2025"),
        # As Portugal writes it (CLDR's pt_PT), not Brazil's "T4 de 2025".
        ("pt", "1.º trimestre de 2025", "4.º trimestre de 2025"),
    ],
)
def test_a_quarter_is_named_in_the_readers_language(language, first, last):
    with translation.override(language):
        assert Period(dt.date(2025, 1, 1), "quarterly").label == first
        assert Period(dt.date(2025, 10, 1), "quarterly").label == last


@pytest.mark.parametrize(
    ("language", "january", "december"),
    [
        ("en-gb", "Jan 2025", "Dec 2025"),
        ("fr", "janv. 2025", "déc. 2025"),
        ("es", "ene 2025", "dic 2025"),
        ("pt", "jan. de 2025", "dez. de 2025"),
    ],
)
def test_a_month_is_named_in_the_readers_language_not_in_digits(language, january, december):
    with translation.override(language):
        assert Period(dt.date(2025, 1, 1), "monthly").label == january
        assert Period(dt.date(2025, 12, 1), "monthly").label == december


def test_a_quarter_named_in_portuguese_does_not_change_portuguese_dates():
    """Portugal's CLDR names the quarter; a day and a month keep their month's
    name ("1 de dez. de 2026"), which Portugal's CLDR would write 1/12/2026."""
    from core.formatting import short_date, short_month

    with translation.override("pt"):
        assert short_date(dt.date(2026, 12, 1)) == "1 de dez. de 2026"
        assert short_month(dt.date(2026, 12, 1)) == "dez. de 2026"


def test_a_half_year_is_named_from_the_catalogue():
    with translation.override("en-gb"):
        assert Period(dt.date(2025, 1, 1), "semiannual").label == "H1 2025"


@pytest.mark.parametrize(
    ("start", "frequency", "code"),
    [
        (dt.date(2025, 1, 1), "monthly", "2025-01"),
        (dt.date(2025, 12, 1), "monthly", "2025-12"),
        (dt.date(2025, 1, 1), "quarterly", "Q1 2025"),
        (dt.date(2025, 10, 1), "quarterly", "Q4 2025"),
        (dt.date(2025, 7, 1), "semiannual", "H2 2025"),
        (dt.date(2025, 1, 1), "annual", "2025"),
    ],
)
@pytest.mark.parametrize("language", ["en-gb", "fr", "es", "pt"])
def test_a_periods_code_is_the_same_in_every_language(start, frequency, code, language):
    with translation.override(language):
        assert Period(start, frequency).code == code
