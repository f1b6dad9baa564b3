"""How dates, counts and numbers read in Accord's messages and tables, in one place."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, match_skeleton
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import get_format, number_format


def day(date: dt.date) -> str:
    """`7 March 2026`, `7 mars 2026`, `7 de marzo de 2026`, `7 de março de 2026`: a day
    in a sentence, as the active language writes it (CLDR's long date)."""
    return format_date(date, format="long", locale=cldr_locale())


def month(date: dt.date) -> str:
    """`March 2026`, `marzo de 2026`, `março de 2026`: a reporting period or an
    assessment's month (Django's capitalised the month in Portuguese)."""
    return _compact(date, LONG_MONTH)


# --- compact dates: tables, chart axes, badges --------------------------------------
#
# The month abbreviated as each language abbreviates it, from CLDR (Babel):
# "1 Dec 2026", "1 déc. 2026", "1 dic 2026", "1 de dez. de 2026". Django's "M"
# capitalises a three-letter English stem in every language ("Déc", "Dic",
# "Dez"), which French, Spanish and Portuguese never write.
SHORT_DATE = "yMMMd"
SHORT_MONTH = "yMMM"
WEEKDAY_DATE = "MMMEd"
LONG_MONTH = "yMMMM"
# "Q1 2026", "T1 2026", "1.º trimestre de 2026": a quarter as each language writes
# it short (Portugal spells it out: CLDR's pt_PT; Brazil's "T1 de 2026" is not
# how Portugal writes it).
SHORT_QUARTER = "yQQQ"


def cldr_locale(language: str | None = None) -> Locale:
    """Babel's CLDR locale of `language` (by default the reader's): the names
    of languages and currencies, the patterns of dates, as that language has them."""
    return _locale(translation.get_language() if language is None else language)


# Accord's Portuguese is Portugal's, CLDR's "pt" Brazil's. Names are read from
# Portugal's CLDR ("Quénia", "Nova Iorque", "3.º trimestre de 2025"); the compact
# dates keep "pt"'s month names ("1 de dez. de 2026"), where Portugal's CLDR
# writes digits ("1/12/2026").
_NAMES_FROM = {"pt": "pt-pt"}


def cldr_names(language: str | None = None) -> Locale:
    """The CLDR locale the reader's language names places and quarters from:
    `cldr_locale`'s, but Portugal's for Portuguese."""
    language = translation.get_language() if language is None else language
    return _locale(_NAMES_FROM.get(language, language))


@lru_cache(maxsize=32)
def _locale(language: str | None) -> Locale:
    site = settings.LANGUAGE_CODE
    language = language or site
    # A bare "en" is English as the site writes it ("7 March", not "March 7").
    if language == site.split("-")[0]:
        language = site
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(site))


@lru_cache(maxsize=128)
def _pattern(language: str | None, skeleton: str):
    locale = _locale(language)
    skeletons = locale.datetime_skeletons
    if skeleton not in skeletons:
        skeleton = match_skeleton(skeleton, skeletons)
    return locale, skeletons[skeleton]


def _compact(value, skeleton: str, *, language: str | None = None) -> str:
    # As Django's `date`, nothing for no value or for what is not a date.
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return _formatted(value, skeleton, language or translation.get_language())


# A dashboard writes the same few dozen periods hundreds of times (each metric's
# axis and table, the history's): CLDR's formatting of one is the same every time.
@lru_cache(maxsize=4096)
def _formatted(value: dt.date, skeleton: str, language: str | None) -> str:
    locale, pattern = _pattern(language, skeleton)
    return format_date(value, format=pattern, locale=locale)


def _local(value: dt.datetime) -> dt.datetime:
    """As Django's `date` filter shows a moment: in the reader's time zone,
    unless it was put in another on purpose (`{{ now|timezone:partner.time_zone }}`:
    Django's `timezone` filter marks it so)."""
    if not timezone.is_aware(value) or getattr(value, "convert_to_local_time", True) is False:
        return value
    return timezone.localtime(value)


def short_date(value) -> str:
    """`1 Dec 2026`, `1 déc. 2026`: a day in a table or a badge."""
    return _compact(value, SHORT_DATE)


def short_month(value) -> str:
    """`Dec 2026`, `déc. 2026`: a month on a chart's axis or in a table."""
    return _compact(value, SHORT_MONTH)


def short_quarter(value) -> str:
    """`Q1 2026`, `T1 2026`, `1.º trimestre de 2026`: the quarter a day falls in,
    in a table, a chart or a sentence (as Portugal names it, `cldr_names`)."""
    language = translation.get_language()
    return _compact(value, SHORT_QUARTER, language=_NAMES_FROM.get(language, language))


def weekday_date(value) -> str:
    """`Tue 1 Dec`, `mar. 1 déc.`: a day this week, as a clock beside it says."""
    return _compact(value, WEEKDAY_DATE)


def short_datetime(value, *, seconds: bool = False) -> str:
    """`1 Dec 2026, 17:30`, `1 déc. 2026 17:30`: a moment, in the reader's time zone."""
    if not isinstance(value, dt.datetime):
        return ""
    moment = _local(value)
    locale = cldr_locale()
    time = format_time(moment, format="medium" if seconds else "short", locale=locale)
    return locale.datetime_formats["short"].format(time, short_date(moment.date()))


def typed_number(value: Decimal) -> str:
    """`12,5` (French), `12.5`: a decimal as a person types it, with the reader's
    decimal mark: 12.5 rather than 12.5000, 20 rather than 2E+1 (a grid's cell,
    a field's old and new value, a change in a record's history)."""
    return f"{value.normalize():f}".replace(".", get_format("DECIMAL_SEPARATOR"))


def grouped(count: int) -> str:
    """`10,000`, `10 000`, `10.000`: a count of rows or records as the reader's
    language groups its thousands (Django's formats), where a bare 10000 is
    hard to read at a glance."""
    return number_format(count, force_grouping=True)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def link(viewname: str, *args) -> str:
    """The record's page, or no link while that page does not exist."""
    try:
        return reverse(viewname, args=args)
    except NoReverseMatch:
        return ""


# Django's floatformat and number_format look up the language and its formats
# for every number; a table of a few hundred of them reads them once instead.
_LONGEST = 200  # digits: floatformat writes longer numbers as they come


class LocalNumbers:
    """Numbers written as Django's `floatformat` and `number_format` write them
    in the language active when this is made, character for character, for a
    table's worth at a time. Where the settings group thousands, or a number
    is out of the ordinary, Django's own functions answer."""

    def __init__(self):
        self.mark = get_format("DECIMAL_SEPARATOR")
        # Thousands grouped: leave every number to Django.
        self.plain = not settings.USE_THOUSAND_SEPARATOR

    def places(self, value, places: int) -> str:
        """`floatformat(value, -places)`: whole numbers bare, others to `places`
        decimals rounded half up ("" for None, as floatformat's)."""
        if value is None:
            return ""
        if not (self.plain and isinstance(value, Decimal) and value.is_finite()):
            return floatformat(value, -places)
        _sign, digits, exponent = value.as_tuple()
        if len(digits) + abs(exponent) > _LONGEST:
            return floatformat(value, -places)
        if value == value.to_integral_value():
            return str(int(value))
        # Precision enough for every digit kept, as floatformat's.
        context = Context(prec=max(getcontext().prec, places + len(digits) - exponent + 1))
        rounded = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, context)
        # copy_abs, not abs(): abs() rounds to the context's 28 digits again.
        text = f"{rounded.copy_abs():f}".replace(".", self.mark)
        return f"-{text}" if rounded < 0 else text

    def tenths(self, value: float) -> str:
        """`number_format(value, 1)` of a float: cut (not rounded) to one decimal."""
        text = repr(value)
        if not self.plain or "e" in text or "n" in text:  # 1e-05, inf, nan
            return number_format(value, 1)
        whole, _, decimals = text.partition(".")
        return f"{whole}{self.mark}{(decimals or '0')[:1]}"
