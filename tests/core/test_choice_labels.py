"""`get_FOO_display()` of every Accord model: what Django's says, for each choice
and a value that is none, in each language, at a fraction of the cost."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from core.models import ChoiceLabels

OURS = {
    "accounts", "api", "audit", "calendars", "core", "dashboards", "evaluation", "health",
    "lifecycle", "notifications", "ops", "partnerships",
}  # fmt: skip


def our_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OURS and not model._meta.proxy
    ]


def choice_fields():
    return [
        pytest.param(model, field, id=f"{model.__name__}.{field.name}")
        for model in our_models()
        for field in model._meta.concrete_fields
        if field.choices
    ]


def test_every_model_of_ours_shows_its_labels_this_way():
    assert our_models()
    assert [m.__name__ for m in our_models() if not issubclass(m, ChoiceLabels)] == []


@pytest.mark.parametrize(("model", "field"), choice_fields())
def test_each_label_is_djangos(model, field):
    display = getattr(model, f"get_{field.name}_display")
    values = [choice for choice, _label in field.flatchoices][:40]
    for language in ("en-gb", "fr", "pt"):
        with translation.override(language):
            for value in [*values, "no-such-choice", None]:
                instance = model()
                try:
                    setattr(instance, field.attname, value)
                except ValidationError:  # a time zone field takes only a time zone
                    continue
                expected = models.Model._get_FIELD_display(instance, field)
                assert display(instance) == expected, (language, value)


def test_it_translates_only_the_label_it_shows(monkeypatch):
    from partnerships.models import OrganisationType, Partner

    partner = Partner(organisation_type=OrganisationType.values[-1])
    partner.get_organisation_type_display()  # the field's choices read once
    with translation.override(None):  # no language: the label's own words
        msgid = str(OrganisationType.labels[-1])
    with translation.override("fr"):
        french = str(OrganisationType.labels[-1])
    asked = []
    real = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda m: asked.append(m) or real(m))
    with translation.override("fr"):
        shown = partner.get_organisation_type_display()
    assert asked == [msgid]
    assert shown == french != msgid
    # Django's own asks for every label of the field's choices.
    asked.clear()
    with translation.override("fr"):
        models.Model._get_FIELD_display(partner, Partner._meta.get_field("organisation_type"))
    assert len(asked) >= len(OrganisationType.values)
