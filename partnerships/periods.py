"""Reporting periods: calendar months, quarters, half-years and years.

A period is named by its first day; the frequency says how long it is. Keeping
this arithmetic in one place lets measurements, scorecards and reminders agree
on what "the period just closed" means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import day, short_date, short_month, short_quarter


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every six months")
    ANNUAL = "annual", _("Annually")

    @property
    def months(self) -> int:
        return MONTHS[self]


# How many months each frequency's period lasts. A dictionary rather than
# `Frequency.months` where periods are walked: a dashboard steps through
# hundreds of them, and an enum's property costs several times a look-up.
MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    frequency: Frequency

    def __post_init__(self):
        if type(self.frequency) is not Frequency:
            object.__setattr__(self, "frequency", Frequency(self.frequency))
        if not is_period_start(self.start, self.frequency):
            raise ValueError(f"{self.start} does not start a {self.frequency.label.lower()} period")

    @classmethod
    def containing(cls, day: dt.date, frequency: str) -> Period:
        frequency = Frequency(frequency)
        month0 = (day.month - 1) // frequency.months * frequency.months
        return cls(dt.date(day.year, month0 + 1, 1), frequency)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return _add_months(self.start, MONTHS[self.frequency]) - dt.timedelta(days=1)

    def next(self) -> Period:
        return Period(_add_months(self.start, MONTHS[self.frequency]), self.frequency)

    def previous(self) -> Period:
        return Period(_add_months(self.start, -MONTHS[self.frequency]), self.frequency)

    @property
    def label(self) -> str:
        """The period as the reader's language names it, short, for a grid's
        heading, a chart's axis or a sentence: a month and a quarter from CLDR
        ("Mar 2026", "mars 2026"; "Q1 2026", "T1 2026", "1.º trimestre de 2026"),
        a half-year from the catalogues ("H2 2026", "S2 2026"), a year in digits.
        A file writes `code` instead."""
        year, month = self.start.year, self.start.month
        match self.frequency:
            case Frequency.MONTHLY:
                return short_month(self.start)
            case Frequency.QUARTERLY:
                return short_quarter(self.start)
            case Frequency.SEMIANNUAL:
                return gettext("H%(half)s %(year)s") % {"half": (month - 1) // 6 + 1, "year": year}
            case _:
                return str(year)

    @property
    def code(self) -> str:
        """The period as a file writes it, the same in every language, for a
        program to read or a person to import again: "2026-03", "Q1 2026",
        "H2 2026", "2026". Words (`label`) are for where a person reads."""
        year, month = self.start.year, self.start.month
        match self.frequency:
            case Frequency.MONTHLY:
                return f"{year}-{month:02d}"
            case Frequency.QUARTERLY:
                return f"Q{(month - 1) // 3 + 1} {year}"
            case Frequency.SEMIANNUAL:
                return f"H{(month - 1) // 6 + 1} {year}"
            case _:
                return str(year)

    def __str__(self):
        return self.label


def is_period_start(day: dt.date, frequency: str) -> bool:
    return day.day == 1 and (day.month - 1) % MONTHS[Frequency(frequency)] == 0


def named(first_day: dt.date, frequency: str) -> str:
    """The period a value of a metric of `frequency` starting on `first_day`
    is for, as the grid heads it ("Q2 2026"); the day itself ("1 May 2026")
    where it starts no period of that frequency (a value stored before the
    database held the rule, migration partnerships/0027)."""
    if first_day and is_period_start(first_day, frequency):
        return Period(first_day, frequency).label
    return short_date(first_day)


def last_closed_period(today: dt.date, frequency: str) -> Period:
    """The most recent period that ended before `today`."""
    return Period.containing(today, frequency).previous()


def periods_between(first: Period, last: Period) -> list[Period]:
    periods, current = [], first
    while current <= last:
        periods.append(current)
        current = current.next()
    return periods


def ended_before(period: Period, started: dt.date | None) -> bool:
    """Whether `period` ended before a partnership that started on `started`:
    its value measured something else, and cannot be recorded (`unrecordable`)
    nor left recorded when the start moves (`services.partnership_update`)."""
    return started is not None and period.end < started


def began_after(first_day: dt.date, ended: dt.date | None) -> bool:
    """Whether what began on `first_day` (a period, a health check) began after
    a partnership that ended on `ended` (its last day, inside its run): the
    mirror of `ended_before`. A period that straddles the end, as one that
    straddles the start, belongs to the run: its value measured the
    partnership for part of it."""
    return ended is not None and first_day > ended


def unrecordable(
    period: Period, *, started: dt.date | None, today: dt.date, ended: dt.date | None = None
) -> str:
    """Why a value cannot be recorded for `period`, or "" when it can.

    A period's value is known once the period is over, so the last one that can
    be recorded is the last closed one (a period that ended yesterday counts);
    and a value belongs to the partnership's run, from its start to its end
    date (both days inside): a period that ended before the partnership started,
    or began after it ended, measured something else. The one rule for the
    grid, the import, the API and every service; PostgreSQL holds the run's
    part whatever writes the rows (migration partnerships/0025, which says
    `Period.containing(...).end` in SQL as `partnerships_period_end`).
    """
    latest = last_closed_period(today, period.frequency)
    if period > latest:
        # Compared by start: `end` of a period in year 9999 is past what dates can hold.
        return gettext(
            "%(period)s has not ended yet: the latest period that can be recorded is %(latest)s."
        ) % {"period": period.label, "latest": latest.label}
    if ended_before(period, started):
        return gettext("%(period)s ended before the partnership started (%(day)s).") % {
            "period": period.label,
            "day": day(started),
        }
    if began_after(period.start, ended):
        return gettext("%(period)s began after the partnership ended (%(day)s).") % {
            "period": period.label,
            "day": day(ended),
        }
    return ""
