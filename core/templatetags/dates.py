"""Compact dates in pages, in the reader's language: `{{ agreement.expiry_date|short_date }}`.

The filters of `core.formatting` (CLDR's abbreviations, through Babel): a
table's day, a chart's month, a moment with its time. Like Django's `date`,
they show a moment in the reader's time zone (or the one `|timezone:` put it
in) and nothing for no value or for what is not a date.
"""

import datetime as dt

from django import template

from core import formatting, zones

register = template.Library()


@register.filter(expects_localtime=True)
def short_date(value):
    """`1 Dec 2026`, `1 déc. 2026`, `1 dic 2026`, `1 de dez. de 2026`."""
    return formatting.short_date(value)


@register.filter(expects_localtime=True)
def short_month(value):
    """`Dec 2026`, `déc. 2026`."""
    return formatting.short_month(value)


@register.filter(expects_localtime=True)
def weekday_date(value):
    """`Tue 1 Dec`, `mar. 1 déc.`."""
    return formatting.weekday_date(value)


@register.filter(expects_localtime=True)
def short_datetime(value, arg=""):
    """`1 Dec 2026, 17:30`; `|short_datetime:"seconds"` adds the seconds."""
    return formatting.short_datetime(value, seconds=arg == "seconds")


@register.filter(expects_localtime=True)
def long_date(value):
    """`1 December 2026`, `1 de diciembre de 2026`: a day in a sentence."""
    return formatting.day(value) if isinstance(value, dt.date) else ""


@register.filter
def iso_day(value):
    """A day kept in JSON ("2026-12-01") as a date, for the filters above, which
    read anything else as nothing (as Django's `date` does); None if it is not one."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@register.filter(expects_localtime=True)
def long_month(value):
    """`December 2026`, `diciembre de 2026`: a scorecard's or a run's month."""
    return formatting.month(value)


@register.filter
def time_zone_name(value):
    """`Royaume-Uni — Londres` for Europe/London (a name or a ZoneInfo): where
    a time zone is, as the reader's language names it (`core.zones`)."""
    return zones.time_zone_name(str(value)) if value else ""
