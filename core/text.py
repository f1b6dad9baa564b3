"""Names as people type them: the characters that make one look like another,
or like nothing, kept out.

A name is found, sorted, compared for duplicates and shown in lists and
pickers. A zero-width space typed alone made a partner with an empty-looking
name; two spaces where one was meant made a second "Hôpital Saint-Louis" beside
the first; a right-to-left override (U+202E) shows "gnirts" as "string",
the trick of "Trojan Source" (CVE-2021-42574).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# Embeddings, overrides and isolates: they reorder the text around them. The
# marks Arabic and Hebrew names may carry (U+200E, U+200F) are not among them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"\s+")


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


def tidy_name(text: str) -> str:
    """`text` as a name is kept: each run of white space one space, and white
    space and invisible format characters (zero-width space, BOM) dropped from
    both ends; inside, joiners that shape a script stay. Its letters are
    composed (NFC): "ô" pasted as "o" and a combining circumflex, as macOS and
    some PDFs hand it over, looks the same and is the same name, not a second
    partner beside the first."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text))
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def shows_nothing(text: str) -> bool:
    """Whether `text` would read as blank: white space and invisible format
    characters alone (what `str.strip`, and so a form, lets through)."""
    return not tidy_name(text)


def name_problem(text: str) -> str:
    """Why `text` (tidied) cannot be a name, or ""."""
    if BIDI_CONTROLS.intersection(text):
        return gettext(
            "A name cannot hold the characters that reorder the text around them "
            "(right-to-left overrides and isolates)."
        )
    if text and not any(unicodedata.category(char)[0] in "LNS" for char in text):
        return gettext("A name needs at least one letter or digit.")
    return ""


def tidy_name_of(instance, field: str) -> str:
    """Tidy the name in `instance.<field>` in place (`tidy_name`) and say why it
    cannot be kept, or "": one of invisible characters alone reads as blank (the
    field's own message), one with overrides is refused (`name_problem`). An
    empty one is left to the field's own check. For a model's `clean`, which
    every door (the pages, the imports, the API) passes through."""
    typed = getattr(instance, field) or ""
    name = tidy_name(typed)
    setattr(instance, field, name)
    if typed and not name:
        return str(instance._meta.get_field(field).error_messages["blank"])
    return name_problem(name)


def refuse_unshown_name(instance, field: str) -> None:
    """`tidy_name_of`, refused as a ValidationError of that field."""
    if problem := tidy_name_of(instance, field):
        raise ValidationError({field: problem})


def half_a_character(text: str) -> bool:
    """Whether `text` holds half of a character: a lone surrogate, which JSON
    writes as "\\ud800" and Python reads as it comes. No text holds one: no page
    can be written with it in UTF-8, and PostgreSQL cannot store it."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def sort_key(name: str) -> str:
    """How a list of names in the reader's language is sorted: without case or
    accents, so "Égypte" and "édition" sort among the e's, not after the z's."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
