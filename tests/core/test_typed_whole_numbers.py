"""One reading of a whole number typed on a page or sent to the API
(`core.numbers.parse_whole`): the digits 0-9, never what Python's int() also
reads ("٣" and "３" as 3, "1_000" as 1000)."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.forms import LocalDecimalField, PlainIntegerField
from core.numbers import parse_whole
from health.models import Cadence
from tests.factories import PartnershipFactory

OTHER_DIGITS = ["٣", "３", "۳", "1_000", "١٢", "１２"]


@pytest.mark.parametrize(
    ("text", "number"),
    [("12", 12), (" 12 ", 12), ("+12", 12), ("-3", -3), ("0", 0), ("12.0", 12), ("12.", 12)],
)
def test_the_digits_0_to_9_read(text, number):
    assert parse_whole(text) == number


@pytest.mark.parametrize("text", [*OTHER_DIGITS, "12.5", "1e3", "1 000", "", "twelve", "0x1f"])
def test_nothing_else_does(text):
    assert parse_whole(text) is None


def _our_forms() -> list[type[forms.BaseForm]]:
    """Every form class of Accord's own apps, their modules imported."""
    ours = [
        config.name
        for config in apps.get_app_configs()
        # A virtualenv inside the checkout (make install's .venv) holds others'.
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(config.path).parts
    ]
    for name in ours:
        package = importlib.import_module(name)
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.startswith(("forms", "filters", "versioning")):
                importlib.import_module(f"{name}.{module.name}")
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in ours:
            found.append(cls)
    return found


def test_every_number_field_of_our_forms_reads_as_the_api_reads():
    """A form that draws a model's whole number or decimal as Django makes it
    (without `formfield_callback = local_numbers`), or declares Django's own
    IntegerField, would take "٣" as 3 again."""
    plain = []
    for form in _our_forms():
        for name, field in form.base_fields.items():
            # Django's DecimalField is an IntegerField too.
            ours = LocalDecimalField if isinstance(field, forms.DecimalField) else PlainIntegerField
            if isinstance(field, forms.IntegerField) and not isinstance(field, ours):
                plain.append(f"{form.__module__}.{form.__name__}.{name}")
    assert plain == []
    # The test sees the forms it guards: the cadence's, the agreement's and a version.
    names = {f"{form.__name__}.{name}" for form in _our_forms() for name in form.base_fields}
    assert {"CadenceForm.every_months", "AgreementForm.notice_period_days"} <= names


@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_a_form_refuses_other_digits_next_to_the_field(typed):
    field = PlainIntegerField(min_value=0)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [
        "Enter a whole number written with the digits 0 to 9, such as 12."
    ]


@pytest.mark.parametrize("language", ["fr", "es", "pt"])
def test_a_thousand_grouped_by_a_point_is_refused_where_the_comma_is_the_decimal_mark(language):
    # "1.000" is a thousand in French, Spanish and Portuguese; Chromium's number
    # box sends it as typed, and it was saved as 1.
    field = PlainIntegerField(min_value=0)
    with translation.override(language), pytest.raises(forms.ValidationError) as refused:
        field.clean("1.000")
    assert refused.value.error_list[0].code == "reads_two_ways"
    with translation.override(language):
        assert field.clean("1000") == 1000
        assert field.clean("12.0") == 12  # a spreadsheet's count, as before


def test_in_english_a_point_and_zeros_still_end_a_whole_number():
    with translation.override("en-gb"):
        assert PlainIntegerField().clean("1.000") == 1


@pytest.mark.parametrize(("language", "typed"), [("fr", "2,5"), ("es", "2,5"), ("en-gb", "2.5")])
def test_a_decimal_still_reads_with_the_readers_mark(language, typed):
    with translation.override(language):
        assert str(LocalDecimalField().clean(typed)) == "2.5"


@pytest.mark.parametrize("typed", ["٢,٥", "２,５", "2_5,5"])
def test_but_not_in_other_digits(typed):
    with translation.override("fr"), pytest.raises(forms.ValidationError):
        LocalDecimalField().clean(typed)


@pytest.mark.django_db
class TestThePage:
    """The health-check schedule: alice owns the partnership."""

    @pytest.mark.parametrize("typed", ["٣", "３", "1_2"])
    def test_a_count_in_other_digits_is_refused_and_kept(self, client, alice, typed):
        partnership = PartnershipFactory(owner=alice)
        client.force_login(alice)
        response = client.post(
            reverse("health:cadence", args=[partnership.pk]),
            {"every_months": typed, "open_for_days": "14"},
        )
        assert response.status_code == 400
        assert response.context["cadence_form"]["every_months"].errors == [
            "Enter a whole number written with the digits 0 to 9, such as 12."
        ]
        assert f'value="{typed}"' in response.content.decode()
        assert not Cadence.objects.filter(partnership=partnership).exists()

    def test_the_same_count_in_the_digits_0_to_9_is_saved(self, client, alice):
        partnership = PartnershipFactory(owner=alice)
        client.force_login(alice)
        response = client.post(
            reverse("health:cadence", args=[partnership.pk]),
            {"every_months": "3", "open_for_days": " 14 "},
        )
        assert response.status_code == 302
        cadence = Cadence.objects.get(partnership=partnership)
        assert (cadence.every_months, cadence.open_for_days) == (3, 14)
