"""How dates and counts read in Accord's messages, in one place."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import dateformat


def day(date: dt.date) -> str:
    """`7 March 2026`, the month named in the active language (`7 mars 2026`)."""
    return dateformat.format(date, "j F Y")


def month(date: dt.date) -> str:
    """`March 2026`: a reporting period or an assessment's month, in the active language."""
    return dateformat.format(date, "F Y")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def link(viewname: str, *args) -> str:
    """The record's page, or no link while that page does not exist."""
    try:
        return reverse(viewname, args=args)
    except NoReverseMatch:
        return ""
