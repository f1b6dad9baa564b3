"""A number typed as the reader's language writes it ("3,5" in French) is read
as that number in every form of Accord, never as another one.

The forms had `<input type="number">` for their decimals (a metric's baseline,
target and weight, an objective's weight, a party's contribution, the scoring
policy): Chromium drops a comma typed there unless its own interface language
writes one, so a French reader of an English browser who typed 3,5 saved 35.
They are text boxes now, read with the reader's decimal mark."""

import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

from core.forms import LocalDecimalField
from partnerships.forms_partnerships import MetricForm
from tests.factories import ObjectiveFactory


def accords_forms():
    """Every form class of Accord's own apps' `forms*` modules."""
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)):
            continue
        for module in pkgutil.iter_modules([config.path]):
            if not module.name.startswith("forms"):
                continue
            loaded = importlib.import_module(f"{config.name}.{module.name}")
            for _name, cls in inspect.getmembers(loaded, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == loaded.__name__:
                    yield cls


def test_every_decimal_a_person_types_is_read_in_their_language():
    decimals = [
        f"{form.__name__}.{name}"
        for form in accords_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DecimalField | forms.FloatField)
    ]
    assert "MetricForm.target_value" in decimals
    assert "PolicyForm.green_from" in decimals
    not_local = [
        name
        for form in accords_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DecimalField | forms.FloatField)
        and not isinstance(field, LocalDecimalField)
    ]
    assert not_local == []


def metric_typed(objective, **typed) -> dict:
    """The metric form's fields as a browser posts them, `typed` over a valid metric."""
    fields = {
        "name": "Referrals",
        "unit": "patients",
        "direction": "higher",
        "frequency": "quarterly",
        "aggregation": "sum",
        "weight": "1",
    }
    return {f"metric-{objective.pk}-{name}": value for name, value in (fields | typed).items()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("fr", "3,5", Decimal("3.5")),
        ("fr", "1 500,25", Decimal("1500.25")),
        ("es", "1.500,25", Decimal("1500.25")),
        ("pt", "0,75", Decimal("0.75")),
        ("en-gb", "3.5", Decimal("3.5")),
        ("es", "1.500", None),  # a thousand and a half, or one and a half: refused
        ("en-gb", "3,5", None),
    ],
)
def test_a_metrics_target_typed_with_the_readers_decimal_mark(language, typed, read):
    objective = ObjectiveFactory()
    data = metric_typed(objective, target_value=typed)
    with translation.override(language):
        form = MetricForm(data, objective=objective)
        form.is_valid()
        box = str(form["target_value"])
    if read is None:
        assert "target_value" in form.errors
    else:
        assert "target_value" not in form.errors, form.errors
        assert form.cleaned_data["target_value"] == read
    # A text box the browser leaves as typed, with the phone's decimal keyboard.
    assert 'type="text"' in box and 'inputmode="decimal"' in box


@pytest.mark.django_db
def test_a_value_stored_is_shown_with_the_readers_decimal_mark():
    objective = ObjectiveFactory()
    metric_form = MetricForm(objective=objective, initial={"target_value": Decimal("12.5")})
    with translation.override("fr"):
        assert 'value="12,5"' in str(metric_form["target_value"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        # A thousand and a half where the comma is the decimal mark, one and a
        # half elsewhere: the refusal says why, and how to write either.
        (
            "es",
            "1.500",
            "«1.500» se lee de dos maneras: escriba un número entero sin puntos (1500) "
            "o un decimal con coma (1,5).",
        ),
        ("en-gb", "3,5", "Enter a number, such as 12 or 3.5."),
        ("fr", "douze", "Saisissez un nombre, par exemple 12 ou 3,5."),
    ],
)
def test_a_decimal_refused_says_how_the_reader_writes_one(language, typed, message):
    objective = ObjectiveFactory()
    data = metric_typed(objective, target_value=typed)
    with translation.override(language):
        form = MetricForm(data, objective=objective)
        assert not form.is_valid()
        assert form.errors["target_value"] == [message]
        assert f'value="{typed}"' in str(form["target_value"])  # kept as typed
