"""How dates and counts read in Accord's messages, in one place."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse


def day(date: dt.date) -> str:
    """`7 March 2026`."""
    return f"{date.day} {date:%B %Y}"


def month(date: dt.date) -> str:
    """`March 2026`: a reporting period or an assessment's month."""
    return f"{date:%B %Y}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def link(viewname: str, *args) -> str:
    """The record's page, or no link while that page does not exist."""
    try:
        return reverse(viewname, args=args)
    except NoReverseMatch:
        return ""
