"""A factor's and a statement's translations: a text for each language a health
check is answered in, as the answer page reads them (`name_in`, `text_in`)."""

import pytest
from django.core.exceptions import ValidationError

from health import services
from health.models import Statement
from tests.health.builders import shipped_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return services.instrument_new_version(instrument=shipped_instrument())


def rows_of(draft):
    factor = draft.factors.first()
    return [factor, Statement.objects.filter(factor=factor).first()]


@pytest.mark.parametrize(
    ("translations", "said"),
    [
        pytest.param(["fr", 1], "language codes with their texts", id="a list"),
        pytest.param("Confiance", "language codes with their texts", id="a text"),
        pytest.param(None, "language codes with their texts", id="null"),
        pytest.param([], "language codes with their texts", id="an empty list"),
        pytest.param({"fr": 3}, "Give each translation its text: fr.", id="a number"),
        pytest.param({"fr": "Confiance", "es": " "}, "its text: es.", id="a blank text"),
        pytest.param({"fr": "\u200b\u200b"}, "its text: fr.", id="invisible characters"),
        pytest.param({"fr": ["Confiance"]}, "its text: fr.", id="a list as text"),
        pytest.param(
            {"xx": "Confiance"},
            "Not a language Accord offers: xx (it offers en, fr, es, pt).",
            id="unknown",
        ),
        pytest.param({"en-gb": "Trust"}, "Not a language Accord offers: en-gb (", id="a variant"),
        # A NUL or half of a character (a JSON "\\ud800"): PostgreSQL refused
        # them in the admin's save, a 500.
        pytest.param({"fr": "Conf\x00iance"}, "no text (a null character", id="a NUL"),
        pytest.param({"es": "Confianza", "fr": "Conf\ud800"}, "half of one): fr.", id="a half"),
    ],
)
def test_a_malformed_translation_is_refused_at_its_field(draft, translations, said):
    for row in rows_of(draft):
        row.translations = translations

        with pytest.raises(ValidationError) as refused:
            row.full_clean()

        assert list(refused.value.message_dict) == ["translations"], row
        assert said in refused.value.message_dict["translations"][0], row


def test_a_text_in_any_language_accord_offers_is_accepted(draft):
    for row in rows_of(draft):
        row.translations = {"fr": "Confiance", "es": "Confianza", "pt": "Confiança"}
        row.full_clean()
        row.translations = {}
        row.full_clean()
