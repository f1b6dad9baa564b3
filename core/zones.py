"""Time zones as a reader looks for them: by country and city, in their language.

A time zone is stored by its IANA name ("Europe/London"), which no reader of
French, Spanish or Portuguese would look for under "Europe". It is shown as
CLDR names its country and city in the reader's language ("Royaume-Uni —
Londres", "Estados Unidos — Nueva York"), through Babel.
"""

from __future__ import annotations

import zoneinfo
from functools import cache, lru_cache

from babel.core import get_global
from babel.dates import get_timezone_location
from django.utils import translation
from django.utils.translation import gettext

from core.formatting import cldr_names
from core.text import sort_key

# Names in the system's zone database that are no place's zone: "localtime" is
# whatever the server is set to, "Factory" a placeholder whose clocks read "-00".
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def time_zone_names() -> frozenset[str]:
    """Every zone a person, a partner or a file may name, by its IANA name: read
    from the system's zone files once (some 10 ms), never for each row or field."""
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def _canonical(zone: str) -> str:
    # "US/Eastern", "EST5EDT" and "America/New_York" are one zone under three
    # names (CLDR's aliases): the list offers it once, by the last.
    return get_global("zone_aliases").get(zone, zone)


def time_zone_name(zone: str) -> str:
    """`zone` as the reader's language names its place ("Royaume-Uni — Londres");
    one of no country (UTC, Etc/GMT+5) by its own name."""
    return _name(zone, translation.get_language())


def _territory(zone: str) -> str | None:
    territory = get_global("zone_territories").get(_canonical(zone))
    # "001" is the world's, "ZZ" an unknown region's (Etc/UTC): no country's.
    return None if territory in ("001", "ZZ") else territory


@lru_cache(maxsize=4096)
def _name(zone: str, language: str | None) -> str:
    territory = _territory(zone)
    if territory is None:
        return zone.replace("_", " ")
    locale = cldr_names(language)
    return gettext("%(country)s — %(city)s") % {
        "country": locale.territories.get(territory, territory),
        "city": get_timezone_location(zone, locale=locale, return_city=True),
    }


def time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """Every time zone once, named in the reader's language (`time_zone_name`)
    and sorted as they would look for it, by country then city; the zones of no
    country after them. The value is the IANA name, stored as it is. `current`,
    a zone chosen under another of its names, is offered too, so that a form
    shows it chosen."""
    choices = _choices(translation.get_language())
    if current and current in time_zone_names() and current not in {value for value, _ in choices}:
        choices = sorted(
            [*choices, (current, time_zone_name(current))], key=lambda choice: _order(*choice)
        )
    return choices


@lru_cache(maxsize=16)
def _choices(language: str | None) -> list[tuple[str, str]]:
    names = time_zone_names()
    zones = {zone for zone in names if _canonical(zone) == zone or _canonical(zone) not in names}
    return sorted(((zone, _name(zone, language)) for zone in zones), key=lambda c: _order(*c))


def _order(zone: str, name: str) -> tuple[bool, str]:
    return (_territory(zone) is None, sort_key(name))
