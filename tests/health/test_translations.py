from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.utils import translation

import health
from health.models import LANGUAGES, Statement

LOCALE = Path(health.__file__).parent / "locale"


def _text(value):
    """A message's id or translation; a plural one (a list or tuple of forms) as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("language", ["fr", "es", "pt"])
def test_the_compiled_catalogue_matches_its_po_file_and_translates_everything(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as po, (folder / "django.mo").open("rb") as mo:
        source, compiled = read_po(po, locale=language), read_mo(mo)
    wanted = {_text(m.id): _text(m.string) for m in source if m.id}
    forms = [text if isinstance(text, tuple) else (text,) for text in wanted.values()]
    assert all(all(texts) for texts in forms), "every message has its translation"
    assert {_text(m.id): _text(m.string) for m in compiled if m.id} == wanted, (
        "run `manage.py compile_translations` after editing the .po"
    )
    with translation.override(language):
        assert translation.gettext("Send my answers") == wanted["Send my answers"]


@pytest.mark.django_db
def test_every_shipped_statement_and_factor_is_translated_to_each_language():
    for language, _name in LANGUAGES[1:]:
        for statement in Statement.objects.select_related("factor"):
            assert statement.translations.get(language), (language, statement.text)
            assert statement.factor.translations.get(language), (language, statement.factor.code)
