"""The instrument library in the admin: published versions are read-only."""

import pytest
from django.urls import reverse

from health import services
from health.models import Factor, Instrument, Statement
from tests.health.builders import shipped_instrument
from tests.locks import second_while_first_commits

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["adam", "superuser"])
def admin_client(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


def test_a_published_instrument_opens_read_only_and_a_change_is_refused(admin_client):
    shipped = shipped_instrument()
    url = reverse("admin:health_instrument_change", args=[shipped.pk])

    page = admin_client.get(url)
    refused = admin_client.post(url, {"name": "Renamed", "version": 1})

    assert page.status_code == 200 and b"Save" not in page.content
    assert refused.status_code == 403
    shipped.refresh_from_db()
    assert shipped.name == "Partnership health check"


def test_new_version_makes_a_draft_that_can_be_edited_then_published(admin_client):
    shipped = shipped_instrument()
    changelist = reverse("admin:health_instrument_changelist")

    admin_client.post(changelist, {"action": "new_version", "_selected_action": [shipped.pk]})

    draft = Instrument.objects.get(version=2)
    assert draft.published_at is None
    page = admin_client.get(reverse("admin:health_instrument_change", args=[draft.pk]))
    assert b"Save" in page.content
    statement = Statement.objects.filter(factor__instrument=draft).first()
    factor_page = admin_client.get(
        reverse("admin:health_factor_change", args=[statement.factor_id])
    )
    assert factor_page.status_code == 200 and b"Save" in factor_page.content

    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.published_at is not None
    assert (
        admin_client.post(
            reverse("admin:health_instrument_change", args=[draft.pk]), {"name": "x", "version": 2}
        ).status_code
        == 403
    )


def test_administrators_keep_the_library(client, adam):
    client.force_login(adam)
    assert client.get(reverse("admin:health_instrument_add")).status_code == 200
    client.post(
        reverse("admin:health_instrument_add"),
        {
            "name": "Short check",
            "version": 1,
            "strength_from": "4",
            "concern_below": "3",
            "factors-TOTAL_FORMS": "0",
            "factors-INITIAL_FORMS": "0",
        },
    )
    assert Instrument.objects.get(name="Short check").published_at is None


def test_a_malformed_translation_is_named_next_to_its_field_and_nothing_is_added(admin_client):
    draft = services.instrument_new_version(instrument=shipped_instrument())
    factors = Factor.objects.count()

    response = admin_client.post(
        reverse("admin:health_factor_add"),
        {
            "instrument": draft.pk,
            "position": "10",
            "code": "pace",
            "name": "Pace",
            "translations": '["fr", 1]',
            "statements-TOTAL_FORMS": "1",
            "statements-INITIAL_FORMS": "0",
            "statements-0-position": "0",
            "statements-0-text": "Things move at a good pace.",
            "statements-0-translations": '{"fr": "Les choses avancent bien.", "xx": "?"}',
        },
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["translations"][0].startswith("Give the translations as language codes")
    statements = response.context["inline_admin_formsets"][0].formset
    assert statements.errors[0]["translations"] == [
        "Not a language Accord offers: xx (it offers en, fr, es, pt)."
    ]
    page = response.content.decode()
    assert "Give the translations as language codes" in page
    assert "Les choses avancent bien." in page  # what was typed is kept
    assert Factor.objects.count() == factors


def as_posted(page) -> dict:
    """The change page's form and inlines as the browser would post them back."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = (
                "" if value is None else form[name].field.prepare_value(value)
            )
    return data


@pytest.mark.parametrize(
    ("typed", "shown"),
    [('{"fr": "Con\\u0000fiance"}', "Con\\u0000fiance"), ('{"fr": "Conf\\ud800"}', "Conf\\ud800")],
)
def test_a_translation_that_is_no_text_is_refused_next_to_it_not_a_500(admin_client, typed, shown):
    """A NUL or half of a character (a lone \\ud800) typed in the JSON: PostgreSQL
    refused to store it, and the half could not be shown back on the page."""
    draft = services.instrument_new_version(instrument=shipped_instrument())
    factor = draft.factors.first()
    before = factor.translations
    url = reverse("admin:health_factor_change", args=[factor.pk])

    response = admin_client.post(url, as_posted(admin_client.get(url)) | {"translations": typed})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["translations"] == [
        "A translation holds a character that is no text (a null character, or half of one): fr."
    ]
    assert shown in response.content.decode()
    factor.refresh_from_db()
    assert factor.translations == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_version_another_administrator_makes_at_the_same_moment_is_said_in_words(
    client, adam
):
    """Both number theirs after the latest version, 2; the admin's waits on
    the other's and is refused in the check's words, on the list, not with a
    server error; one draft is made, its factors and statements copied once."""
    shipped = shipped_instrument()
    client.force_login(adam)
    changelist = reverse("admin:health_instrument_changelist")
    answers = []

    refused = second_while_first_commits(
        lambda: services.instrument_new_version(instrument=shipped),
        lambda: answers.append(
            client.post(
                changelist,
                {"action": "new_version", "_selected_action": [shipped.pk]},
                follow=True,
            )
        ),
    )

    assert refused is None
    (answer,) = answers
    assert answer.status_code == 200
    assert [str(message) for message in answer.context["messages"]] == [
        f"{shipped}: This instrument already has a version with this number."
    ]
    draft = Instrument.objects.get(name__iexact=shipped.name, version=2)
    assert Instrument.objects.filter(name__iexact=shipped.name).count() == 2
    assert draft.factors.count() == shipped.factors.count()
    assert Statement.objects.filter(factor__instrument=draft).count() == (
        Statement.objects.filter(factor__instrument=shipped).count()
    )
