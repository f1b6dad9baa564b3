"""Sentences composed when something is computed and read later, each time in
its reader's language.

A scorecard's flags, an early warning's evidence and an assessment run's skip
reasons are put together by the worker once and read for years, by people who
read French, Spanish, Portuguese or English. So what is stored is a *phrase*: a
code and its parameters,

    {"code": "not_reported", "params": {"name": "Referrals", "count": 2}, "message": "…"}

and the sentence is made when it is read, in the active language, from the
wording the code's app keeps (a `Wording`). `message` is the English sentence,
stored beside it for readers that want the text as it was (the API's clients,
a search in the database) and as what a record older than phrases shows.

Parameters are JSON: text as it was written (names and titles are the users'
own), a whole number as it is (under `count` it also chooses the plural form),
`number(value, places)` and `date(value)`, shown in the reader's locale
("4,1", "9 janvier 2027"), and `name(text, translations)`, a name kept in
several languages (a health factor's "Trust", "Confiance"), shown in the
reader's where it has one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

from .formatting import day


def number(value: Decimal | float | int, places: int) -> dict:
    """A number shown with `places` decimals in the reader's locale."""
    return {"number": f"{Decimal(value):.{places}f}"}


def date(value: dt.date) -> dict:
    """A date shown as the reader's language writes a day (`9 January 2027`)."""
    return {"date": value.isoformat()}


def name(text: str, translations: Mapping[str, str] | None = None) -> dict | str:
    """A name with its translations by language code (`{"fr": "Confiance"}`),
    shown in the reader's language where it has one, else as written."""
    if not translations:
        return text
    return {"name": text, "names": dict(translations)}


def _shown(value):
    if isinstance(value, dict):
        if "name" in value:
            language = (translation.get_language() or "").split("-")[0]
            return value.get("names", {}).get(language) or value["name"]
        if "number" in value:
            digits = value["number"]
            places = len(digits.partition(".")[2])
            return formats.number_format(Decimal(digits), places, use_l10n=True)
        if "date" in value:
            return day(dt.date.fromisoformat(value["date"]))
    return value


def shown_memo():
    """A `shown` for `Wording.say` that writes each number and date once: an
    export writes the flags of thousands of scorecards in one language, and
    their dates and figures repeat (the same month, the same thresholds)."""
    memo: dict = {}

    def shown(value):
        if not isinstance(value, dict):
            return value
        key = tuple(value.items())
        try:
            return memo[key]
        except KeyError:
            text = memo[key] = _shown(value)
            return text
        except TypeError:  # a parameter that is not a number or a date
            return _shown(value)

    return shown


@functools.lru_cache(maxsize=4096)
def _english_day(iso: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return day(dt.date.fromisoformat(iso))


def _as_stored(value):
    # English as the worker writes it, once per flag of every scorecard: the
    # stored digits are already written the English way ("4.1", no grouping).
    if isinstance(value, dict):
        if "name" in value:
            return value["name"]
        if "number" in value:
            return value["number"]
        if "date" in value:
            return _english_day(value["date"])
    return value


class Wording:
    """The sentences of a set of codes: `{code: gettext_lazy(…) or ngettext_lazy(…, "count")}`.

    Wordings combine (`Wording(flags, {…})`) when one record quotes another's
    phrases, as an early warning quotes a scorecard's flags."""

    def __init__(self, *parts: Wording | Mapping):
        self.texts: dict = {}
        for part in parts:
            self.texts.update(part.texts if isinstance(part, Wording) else part)
        # The sentence of each (language, code, count), looked up once: a run
        # writes tens of thousands of flags in English and an export reads
        # them back in its reader's language, and looking each one up again
        # (through every catalogue) cost more than the scoring or the export.
        self._templates: dict[tuple, str] = {}

    def phrase(self, code: str, **params) -> dict:
        """The stored form: code, parameters and the English sentence."""
        phrase = {"code": str(code), "params": params}
        phrase["message"] = self.english(phrase)
        return phrase

    def say(self, phrase: Mapping, fallback: str | None = None, *, shown=_shown) -> str:
        """The sentence in the active language; a phrase stored before its app had
        a wording for it (no parameters, or a code unknown here) reads as stored."""
        code, params = phrase.get("code"), phrase.get("params")
        if code not in self.texts or params is None:
            return phrase.get("message", "") if fallback is None else fallback
        template = self._template(translation.get_language(), code, params.get("count"))
        return template % {name: shown(value) for name, value in params.items()}

    def english(self, phrase: Mapping) -> str:
        """The sentence in English (`LANGUAGE_CODE`), whatever the active language."""
        code, params = phrase.get("code"), phrase.get("params")
        if code not in self.texts or params is None:
            return phrase.get("message", "")
        template = self._template(settings.LANGUAGE_CODE, code, params.get("count"))
        return template % {name: _as_stored(value) for name, value in params.items()}

    def _template(self, language: str | None, code, count) -> str:
        key = (language, code, count)
        template = self._templates.get(key)
        if template is None:
            wording = self.texts[code]
            with translation.override(language):
                # A plural wording (`ngettext_lazy(…, "count")`) gives the form
                # for a count through `format`, its documented way to resolve
                # without interpolating; the wordings use no braces.
                template = str(wording) if count is None else wording.format(count=count)
            if len(self._templates) < 10_000:  # counts are small; bounded all the same
                self._templates[key] = template
        return template
