"""The window of dates Accord takes from a person: one rule for every form and service.

A date typed far outside any real use (9999-12-31, 0201 for 2021) is a slip of
the keyboard, and one that reached the database made pages that walk period by
period towards it answer 500. Every date field people fill in (start and end,
effective and expiry, due, baseline and target dates) takes `validate_plausible`;
every month picker takes `validate_closed_month`, as a month still running (or
to come) has no figures to show yet; the day something has already happened
(a partnership's end, once it has ended) takes `validate_not_after_today`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from .formatting import day, month

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 50


def latest_plausible(today: dt.date | None = None) -> dt.date:
    """The last day of the year fifty years from now."""
    today = today or timezone.localdate()
    return dt.date(today.year + YEARS_AHEAD, 12, 31)


def validate_plausible(value: dt.date | None) -> None:
    if value is None:
        return
    latest = latest_plausible()
    if not EARLIEST <= value <= latest:
        raise ValidationError(
            gettext("Give a date from %(earliest)s to %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST.year, "latest": latest.year},
        )


def _last_closed_month(today: dt.date | None = None) -> dt.date:
    """The first day of the month before this one."""
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def validate_closed_month(value: dt.date | None) -> None:
    """A month from January 2000 to the last one that has ended."""
    if value is None:
        return
    latest = _last_closed_month()
    if not EARLIEST <= value <= latest:
        raise ValidationError(
            gettext("Choose a month from %(earliest)s to %(latest)s, the last one that has ended."),
            code="month_not_closed",
            # In the reader's words ("janvier 2000"): strftime's %B is always English.
            params={"earliest": month(EARLIEST), "latest": month(latest)},
        )


def validate_not_after_today(value: dt.date | None, message: str | None = None) -> None:
    """A day that has come: today at the latest, the reader's today (the active
    time zone: someone east of the server may end a partnership on their own
    today). `message` says what the date is, with `%(today)s` for today.

    A rule of forms and services, never a CHECK: a constraint cannot read today
    (and one that could would refuse a row as the calendar moved on)."""
    if value is None:
        return
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            message or gettext("Give today's date or an earlier one (today is %(today)s)."),
            code="after_today",
            params={"today": day(today)},
        )
