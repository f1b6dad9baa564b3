"""Codes for places, languages and money, from maintained sources where they exist.

Countries come from django-countries (ISO 3166-1), currencies and language names
from Babel's CLDR data (ISO 4217, ISO 639). CLDR as shipped by Babel has no
territory containment, so the continent of each country is kept here, following
the GeoNames continent codes.
"""

import datetime as dt
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import list_currencies
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.text import sort_key


class Continent(models.TextChoices):
    AFRICA = "AF", _("Africa")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North America")
    SOUTH_AMERICA = "SA", _("South America")
    OCEANIA = "OC", _("Oceania")
    ANTARCTICA = "AN", _("Antarctica")


_CONTINENT_COUNTRIES = {
    Continent.AFRICA: (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS "
        "LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG "
        "YT ZA ZM ZW"
    ),
    Continent.ASIA: (
        "AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW "
        "KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE"
    ),
    Continent.EUROPE: (
        "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT "
        "JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK"
    ),
    Continent.NORTH_AMERICA: (
        "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ "
        "MS MX NI PA PM PR SV SX TC TT US VC VG VI"
    ),
    Continent.SOUTH_AMERICA: "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
    Continent.OCEANIA: (
        "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS"
    ),
    Continent.ANTARCTICA: "AQ BV GS HM TF",
}

CONTINENT_OF_COUNTRY = {
    code: continent for continent, codes in _CONTINENT_COUNTRIES.items() for code in codes.split()
}


def continent_of(country_code: str) -> Continent | None:
    return CONTINENT_OF_COUNTRY.get(str(country_code).upper())


def countries_in(continent: str) -> list[str]:
    return _CONTINENT_COUNTRIES[Continent(continent)].split()


@cache
def currency_codes() -> frozenset[str]:
    # Babel lists historic currencies too (DEM); only ones still issued by a
    # territory are offered, plus the common supranational ones.
    return frozenset(list_currencies())


def currency_choices() -> list[tuple[str, str]]:
    """Each currency by its code and its name in the reader's language ("EUR — euro")."""
    return _currency_choices(translation.get_language())


@lru_cache(maxsize=16)
def _currency_choices(language: str | None) -> list[tuple[str, str]]:
    names = formatting.cldr_names(language).currencies
    return sorted((code, f"{code} — {names.get(code, code)}") for code in currency_codes())


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 languages: the two-letter codes CLDR names."""
    return frozenset(code for code in Locale("en").languages if len(code) == 2 and code.isalpha())


def language_choices() -> list[tuple[str, str]]:
    """The ISO 639-1 languages, named and sorted in the reader's language
    ("croate", "tchèque" for a French reader)."""
    return _language_choices(translation.get_language())


@lru_cache(maxsize=16)
def _language_choices(language: str | None) -> list[tuple[str, str]]:
    names = language_names(language)
    return sorted(((code, names[code]) for code in language_codes()), key=lambda c: sort_key(c[1]))


@lru_cache(maxsize=16)
def language_names(language: str | None) -> dict[str, str]:
    """Each ISO 639-1 code's name in `language` (English where CLDR has none)."""
    english = Locale("en").languages
    names = formatting.cldr_names(language).languages
    return {code: names.get(code) or english.get(code, code) for code in language_codes()}


def language_name(code: str) -> str:
    """A language's name in the reader's language."""
    return language_names(translation.get_language()).get(code, code)


class SharedHours(NamedTuple):
    """The office hours every side has in common on one day, as UTC instants."""

    start: dt.datetime
    end: dt.datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def shared_working_hours(
    zones: Iterable[str | ZoneInfo],
    *,
    on: dt.date,
    start: dt.time = dt.time(9),
    end: dt.time = dt.time(17),
) -> SharedHours | None:
    """When the office hours (`start`–`end` local time, on the date `on`) of all
    the given time zones overlap, or None if they do not. Daylight saving time
    is that of the date given, so the answer can differ between January and July.
    """
    windows = []
    for zone in zones:
        zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))
        windows.append(
            (
                dt.datetime.combine(on, start, tzinfo=zone).astimezone(dt.UTC),
                dt.datetime.combine(on, end, tzinfo=zone).astimezone(dt.UTC),
            )
        )
    if not windows:
        return None
    latest_start = max(window[0] for window in windows)
    earliest_end = min(window[1] for window in windows)
    if latest_start >= earliest_end:
        return None
    return SharedHours(latest_start, earliest_end)
