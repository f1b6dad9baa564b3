"""Translations without the empty links of their fallback chain.

Django loads a language's catalogues through Python's `gettext`, which for
British English (`en_GB`) also loads each package's plain `en` catalogue and
chains it behind as a fallback. Those `en` catalogues hold only their header:
they can translate nothing. Yet a message with no British translation (nearly
every message of Accord, which is written in British English) walked all of
them, a look-up each — six links, some 9 µs a message against 3 µs without,
on pages that ask for a few hundred messages (the dashboards).

`install()` (from `CoreConfig.ready`) wraps Django's `translation()` so each
translation it builds has those header-only links taken out, once. Nothing that
can translate is dropped: the language's own catalogues, Django's fallback to
the site's language (French → British English) and any fallback another
package puts in (django-countries' `EmptyFallbackTranslator`) stay in order.
"""

from __future__ import annotations

from gettext import GNUTranslations, NullTranslations

from django.utils.translation import trans_real

_TRIMMED = "_accord_trimmed"


def header_only(link: NullTranslations) -> bool:
    """A plain gettext catalogue whose only entry is its header (the "" message)."""
    return type(link) is GNUTranslations and all(key == "" for key in link._catalog)


def without_empty_fallbacks(translation: NullTranslations) -> NullTranslations:
    """`translation`, its chain of fallbacks relinked past header-only catalogues."""
    link = translation
    while link is not None:
        following = link._fallback
        while following is not None and header_only(following):
            following = following._fallback
        link._fallback = following
        link = following
    return translation


def install() -> None:
    """Trim each translation Django builds, the first time it is asked for."""
    original = trans_real.translation
    if getattr(original, _TRIMMED, False):
        return

    def translation(language):
        built = original(language)  # Django keeps one per language
        if not getattr(built, _TRIMMED, False):
            without_empty_fallbacks(built)
            setattr(built, _TRIMMED, True)
        return built

    setattr(translation, _TRIMMED, True)
    # trans_real's own callers (activate, its default and fallback
    # translations) look the name up in the module when they call it.
    trans_real.translation = translation
