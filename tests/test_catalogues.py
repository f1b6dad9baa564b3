"""Every translation catalogue of Accord is complete and compiles to what Django reads.

A message marked done (not fuzzy) with an empty translation would show an empty
label: it fails here. A fuzzy one is left out of the .mo, so English shows.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.management.commands.compile_translations import catalogues, compile_catalogue

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def _messages(po):
    with po.open("rb") as source:
        catalogue = read_po(source, locale=po.parent.parent.name)
    return catalogue, [m for m in catalogue if m.id and not m.fuzzy]


def _placeholders(text) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text or "")}


def test_there_are_catalogues_for_each_language_but_english():
    languages = {po.parent.parent.name for po in catalogues()}
    assert {"fr", "es", "pt"} <= languages


def _name(po) -> str:
    """health:fr for health/locale/fr/LC_MESSAGES/django.po."""
    return f"{po.parents[3].name}:{po.parents[1].name}"


@pytest.mark.parametrize("po", catalogues(), ids=_name)
def test_every_message_marked_done_has_its_translation_with_the_same_placeholders(po):
    catalogue, messages = _messages(po)
    problems = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"line {message.lineno}: empty translation of {ids[0]!r}")
            continue
        if len(strings) != catalogue.num_plurals and isinstance(message.id, tuple):
            problems.append(
                f"line {message.lineno}: {len(strings)} forms, not {catalogue.num_plurals}"
            )
        wanted = _placeholders(ids[-1])
        for string in strings:
            if _placeholders(string) - wanted or (wanted - _placeholders(string) and len(ids) == 1):
                problems.append(f"line {message.lineno}: placeholders differ in {string!r}")
    assert not problems, "\n".join(problems)


def test_a_fuzzy_or_empty_translation_falls_back_to_english(tmp_path):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Partners"\nmsgstr "Partenaires"\n\n'
        '#, fuzzy\nmsgid "Agreements"\nmsgstr "Accords approximatifs"\n\n'
        'msgid "Metrics"\nmsgstr ""\n',
        encoding="utf-8",
    )
    with compile_catalogue(po).open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Partners") == "Partenaires"
    assert translations.gettext("Agreements") == "Agreements"
    assert translations.gettext("Metrics") == "Metrics"


TRANSLATING = {"gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "_"}
PROJECT = Path(__file__).resolve().parent.parent


def _calls_inside_fstrings(tree) -> list[int]:
    """Lines of translation calls written inside an f-string's braces."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in TRANSLATING
                ):
                    lines.append(inner.lineno)
    return lines


def test_no_string_is_marked_for_translation_where_makemessages_cannot_see_it():
    # xgettext reads no call inside an f-string: its message drops out of the
    # catalogues at the next `make messages`, and the page shows it in English
    # ("Nothing to show." in an empty chart's table did).
    hidden = {}
    for path in PROJECT.glob("*/**/*.py"):
        parts = path.relative_to(PROJECT).parts
        if parts[0] in {".venv", "node_modules", "tests"} or "migrations" in parts:
            continue
        lines = _calls_inside_fstrings(ast.parse(path.read_text(), str(path)))
        if lines:
            hidden[str(path.relative_to(PROJECT))] = lines
    assert hidden == {}


def test_every_constraint_of_ours_names_its_refusal_in_the_readers_language():
    """A constraint's message is shown next to a field (a form's or the admin's
    `validate_constraints`): a plain string stays English in every language."""
    from django.apps import apps
    from django.conf import settings
    from django.utils.functional import Promise

    ours = [
        model
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).is_relative_to(settings.BASE_DIR)
    ]
    english = [
        f"{model._meta.label}.{constraint.name}"
        for model in ours
        for constraint in model._meta.constraints
        if constraint.violation_error_message
        and constraint.violation_error_message != constraint.default_violation_error_message
        and not isinstance(constraint.violation_error_message, Promise)
    ]
    assert len(ours) > 20
    assert english == []
