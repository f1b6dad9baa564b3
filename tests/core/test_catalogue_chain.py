"""Translations are looked up without walking catalogues that cannot translate
(core.catalogues), and translate exactly as before."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from core.catalogues import header_only

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _chain(language):
    link, links = trans_real.translation(language), []
    while link is not None:
        links.append(link)
        link = link._fallback
    return links


def _messages(translation_):
    """Every message any link of the chain knows, singular ones as plain strings."""
    seen = set()
    link = translation_
    while link is not None:
        catalogue = getattr(link, "_catalog", None)
        if catalogue is not None:
            keys = catalogue.keys() if hasattr(catalogue, "keys") else []
            seen |= {key for key in keys if isinstance(key, str) and key}
        link = link._fallback
    return sorted(seen)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_link_of_a_chain_is_a_header_only_catalogue(language):
    links = _chain(language)
    assert not [link for link in links if header_only(link)]
    # The untrimmed British English chain did have them: the test sees them.
    untrimmed = trans_real.DjangoTranslation("en-gb")
    assert any(header_only(link) for link in _walk(untrimmed))


def _walk(translation_):
    link = translation_
    while link is not None:
        yield link
        link = link._fallback


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_translates_as_through_the_untrimmed_chain(language):
    trimmed = trans_real.translation(language)
    untrimmed = trans_real.DjangoTranslation(language)
    messages = _messages(untrimmed) + ["A message no catalogue has", "Dashboard", "Partners"]
    assert len(messages) > 500
    for message in messages:
        assert trimmed.gettext(message) == untrimmed.gettext(message), message
    for singular, plural in [("%(count)s partnership", "%(count)s partnerships")]:
        for n in (1, 2, 5):
            assert trimmed.ngettext(singular, plural, n) == untrimmed.ngettext(singular, plural, n)


def test_french_still_translates_and_falls_back_to_british_english():
    with translation.override("fr"):
        assert translation.gettext("Dashboard") == "Tableau de bord"
        assert translation.gettext("A message no catalogue has") == "A message no catalogue has"
    # A country's name through django-countries, whose own fallback link stays.
    from django_countries import countries

    with translation.override("fr"):
        assert countries.name("DE") == "Allemagne"
    with translation.override("en-gb"):
        assert countries.name("DE") == "Germany"
