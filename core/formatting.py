"""How dates and counts read in Accord's messages, in one place."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format


def _spelt(name: str, default: str) -> str:
    # The active language's own format when it spells the month out (French
    # "j F Y", Spanish "j \d\e F \d\e Y"); British English abbreviates it
    # ("j M Y"), so the full one is used there.
    spelt = get_format(name)
    return spelt if "F" in spelt else default


def day(date: dt.date) -> str:
    """`7 March 2026`, `7 mars 2026`, `7 de marzo de 2026`: as the active language writes it."""
    return date_format(date, _spelt("DATE_FORMAT", "j F Y"))


def month(date: dt.date) -> str:
    """`March 2026`, `marzo de 2026`: a reporting period or an assessment's month."""
    return date_format(date, _spelt("YEAR_MONTH_FORMAT", "F Y"))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def link(viewname: str, *args) -> str:
    """The record's page, or no link while that page does not exist."""
    try:
        return reverse(viewname, args=args)
    except NoReverseMatch:
        return ""
