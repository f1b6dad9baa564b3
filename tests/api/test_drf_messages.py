"""DRF's messages read as Accord writes them: in Portugal's Portuguese, not
Brazil's, and in French and Portuguese where DRF has none (config/drf_messages.py
marks them for Accord's own catalogue, which Django reads before DRF's)."""

import gettext
from pathlib import Path

import django
import pytest
from django.utils import translation
from rest_framework import exceptions, fields, pagination, relations, serializers, validators

from config.drf_messages import MESSAGES
from core.management.commands.compile_translations import compile_catalogue
from tests.api.test_writes import new_metric

pytestmark = pytest.mark.django_db

# The DRF classes Accord's API answers through: every exception, the fields its
# serializers are made of, a related record, the uniqueness rules, the page.
FIELDS = (
    fields.Field,
    fields.CharField,
    fields.IntegerField,
    fields.DecimalField,
    fields.ChoiceField,
    fields.ListField,
    fields.DictField,
    fields.DateField,
    fields.DateTimeField,
    fields.BooleanField,
    relations.PrimaryKeyRelatedField,
    serializers.Serializer,
    serializers.ListSerializer,
)
RULES = (
    validators.UniqueValidator,
    validators.UniqueTogetherValidator,
    validators.ProhibitSurrogateCharactersValidator,
)


def _msgid(message) -> str:
    with translation.override(None):
        return str(message)


def drf_messages() -> set[str]:
    found = set()
    for name in dir(exceptions):
        error = getattr(exceptions, name)
        if isinstance(error, type) and issubclass(error, exceptions.APIException):
            found.add(_msgid(error.default_detail))
    found |= {
        _msgid(exceptions.Throttled.extra_detail_singular),
        _msgid(exceptions.Throttled.extra_detail_plural),
    }
    for field in FIELDS:
        found |= {_msgid(message) for message in field.default_error_messages.values()}
    found |= {_msgid(rule.message) for rule in RULES}
    found.add(_msgid(pagination.PageNumberPagination.invalid_page_message))
    return found


def django_translates() -> set[str]:
    """Messages Django's own Portuguese catalogue has: Portugal's already."""
    folder = Path(django.__file__).parent / "conf" / "locale"
    ours = gettext.GNUTranslations((folder / "pt" / "LC_MESSAGES" / "django.mo").open("rb"))
    return {key for key in ours._catalog if isinstance(key, str)}


def test_every_drf_message_the_api_answers_with_is_marked_for_our_catalogue():
    """A DRF upgrade that adds or rewords one fails here: mark the new one."""
    assert set(MESSAGES) == drf_messages() - django_translates()


@pytest.fixture
def portuguese_of_ours(settings, tmp_path):
    """A catalogue of Accord's own (LOCALE_PATHS) with one European translation,
    as locale/pt will hold it: `make messages` puts the marked messages there."""
    folder = tmp_path / "pt" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "A valid number is required."\nmsgstr "Introduza um número válido."\n',
        encoding="utf-8",
    )
    compile_catalogue(po)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def test_a_translation_in_our_catalogue_wins_over_drfs_brazilian_one(
    client_for, alice, ours, portuguese_of_ours
):
    objective = ours.objectives.get()
    response = client_for(alice).post(
        "/api/v1/metrics/",
        new_metric(objective, baseline_value="0", target_value="1e3"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="pt",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"target_value": ["Introduza um número válido."]}


def test_an_api_error_in_portuguese_reads_as_portugal_writes_it(client_for, alice, ours):
    """With the catalogues as shipped: DRF's Brazilian "Um número válido é
    necessário." and "Você não tem permissão…" are not what a reader in Portugal
    is told."""
    objective = ours.objectives.get()
    client = client_for(alice)
    invalid = client.post(
        "/api/v1/metrics/",
        new_metric(objective, baseline_value="0", target_value="1e3"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="pt",
    )
    page = client.get("/api/v1/partners/", {"page": 99}, HTTP_ACCEPT_LANGUAGE="pt")

    assert invalid.json()["errors"] == {"target_value": ["Introduza um número válido."]}
    with translation.override("pt"):
        assert translation.gettext("You do not have permission to perform this action.") == (
            "Não tem permissão para executar esta ação."
        )
        assert translation.gettext("This field may not be blank.") == (
            "Este campo não pode estar vazio."
        )
    assert page.status_code == 404
    assert page.json()["detail"] == "Página inválida."
