"""Dates in tables, chart axes and badges read as each language abbreviates its
months (CLDR, through Babel), not Django's "M", which wrote "Déc", "Dic" and
"Dez" in every language."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core import formatting

DAY = dt.date(2026, 12, 1)
# 23:30 UTC on 30 November is 00:30 on 1 December for a reader in Paris.
MOMENT = dt.datetime(2026, 11, 30, 23, 30, 5, tzinfo=dt.UTC)
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("language", "short_date", "short_month", "weekday"),
    [
        ("en-gb", "1 Dec 2026", "Dec 2026", "Tue 1 Dec"),
        ("fr", "1 déc. 2026", "déc. 2026", "mar. 1 déc."),
        ("es", "1 dic 2026", "dic 2026", "mar, 1 dic"),
        ("pt", "1 de dez. de 2026", "dez. de 2026", "ter., 1 de dez."),
    ],
)
def test_each_language_abbreviates_its_months_its_own_way(
    language, short_date, short_month, weekday
):
    with translation.override(language):
        assert formatting.short_date(DAY) == short_date
        assert formatting.short_month(DAY) == short_month
        assert formatting.weekday_date(DAY) == weekday


@pytest.mark.parametrize(
    ("language", "expected", "with_seconds"),
    [
        ("en-gb", "1 Dec 2026, 00:30", "1 Dec 2026, 00:30:05"),
        ("fr", "1 déc. 2026 00:30", "1 déc. 2026 00:30:05"),
    ],
)
def test_a_moment_reads_in_the_readers_time_zone(language, expected, with_seconds):
    with translation.override(language), timezone.override(PARIS):
        assert formatting.short_datetime(MOMENT) == expected
        assert formatting.short_datetime(MOMENT, seconds=True) == with_seconds
        # The day of a moment is the reader's day, not UTC's.
        assert formatting.short_date(MOMENT) == formatting.short_date(DAY)


def test_the_filters_say_what_the_functions_say_and_nothing_for_no_value():
    template = Template(
        "{{ day|short_date }}|{{ day|short_month }}|{{ day|weekday_date }}|"
        "{{ moment|short_datetime }}|{{ moment|short_datetime:'seconds' }}|"
        "{{ day|long_date }}|{{ day|long_month }}|{{ none|short_date }}{{ none|long_month }}"
    )
    with translation.override("es"), timezone.override(PARIS):
        html = template.render(Context({"day": DAY, "moment": MOMENT, "none": None}))
    assert html == (
        "1 dic 2026|dic 2026|mar, 1 dic|1 dic 2026, 0:30|1 dic 2026, 0:30:05|"
        "1 de diciembre de 2026|diciembre de 2026|"
    )


def test_a_language_babel_does_not_know_falls_back_to_the_sites():
    with translation.override("xx"):
        assert formatting.short_date(DAY) == "1 Dec 2026"


def test_no_template_writes_a_month_with_djangos_date_filter():
    """A month named by `|date` ("M", "F", "N", "E", "b") reads "Déc" or
    "diciembre 2026": pages name months through the filters above."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("**/templates/**/*"):
        if ".venv" in path.parts or "node_modules" in path.parts or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
            for format_ in re.findall(r"\|date:[\"']([^\"']*)[\"']|{% now [\"']([^\"']*)", line):
                format_ = "".join(format_)
                if set(format_) & set("MFNEb"):
                    offenders.append(f"{path.relative_to(root)}:{number}: {format_}")
    assert offenders == []


def test_a_moment_put_in_a_partners_zone_stays_there():
    """`now|timezone:partner.time_zone` on the partner dashboard: the partner's
    day, not the reader's (23:30 in London is 12:30 the next day in Auckland)."""
    template = Template(
        "{% load tz %}{{ moment|timezone:'Pacific/Auckland'|weekday_date }}|"
        "{{ moment|timezone:'Pacific/Auckland'|short_datetime }}|{{ moment|weekday_date }}"
    )
    with translation.override("en-gb"), timezone.override(ZoneInfo("Europe/London")):
        html = template.render(Context({"moment": MOMENT}))
    assert html == "Tue 1 Dec|1 Dec 2026, 12:30|Mon 30 Nov"


def test_what_is_not_a_date_reads_as_nothing_as_with_djangos_date_filter():
    template = Template(
        "{{ text|short_date }}{{ zero|short_month }}{{ text|short_datetime }}"
        "{{ day|short_datetime }}{{ text|long_date }}{{ zero|long_month }}"
    )
    assert template.render(Context({"text": "2026-12-01", "zero": 0, "day": DAY})) == ""


@pytest.mark.parametrize(
    ("language", "day", "month"),
    [
        ("en-gb", "1 December 2026", "December 2026"),
        # A bare "en" (a health-check respondent's) is English as the site writes it.
        ("en", "1 December 2026", "December 2026"),
        ("fr", "1 décembre 2026", "décembre 2026"),
        ("es", "1 de diciembre de 2026", "diciembre de 2026"),
        # Portuguese writes its months in small letters (Django's wrote "Dezembro").
        ("pt", "1 de dezembro de 2026", "dezembro de 2026"),
    ],
)
def test_a_day_and_a_month_in_a_sentence_are_spelt_out(language, day, month):
    with translation.override(language):
        assert formatting.day(DAY) == day
        assert formatting.month(DAY) == month


def test_each_period_is_formatted_once_however_often_a_page_writes_it(monkeypatch):
    """A partnership dashboard writes the same three dozen months on each of its
    metrics' axes and tables: CLDR formats each once, not hundreds of times a
    page (the formatting was a tenth of the dashboard's time)."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(args[0])
        return format_date(*args, **kwargs)

    format_date = formatting.format_date
    monkeypatch.setattr(formatting, "format_date", counted)
    formatting._formatted.cache_clear()
    months = [dt.date(2025, month, 1) for month in range(1, 13)]
    with translation.override("fr"):
        french = [formatting.short_month(month) for month in months * 20]
    with translation.override("en-gb"):
        english = [formatting.short_month(month) for month in months * 20]
    # Once per month and language, and each language keeps its own words.
    assert len(calls) == 24
    assert french[:2] == ["janv. 2025", "févr. 2025"] and english[:2] == ["Jan 2025", "Feb 2025"]
    assert french[12:14] == french[:2] and english[12:14] == english[:2]
