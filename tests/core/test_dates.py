"""One window for the dates people type: every form that takes one refuses
9999-12 (a slip of the keyboard) with the same message, beside the field."""

import datetime as dt

import pytest
import time_machine

from core.dates import validate_closed_month, validate_plausible
from dashboards.forms import PartnershipFilterForm
from evaluation.forms import QueueFilterForm, RunStartForm
from health.forms import RoundOpenForm
from lifecycle.forms import ConfirmWarningForm, NextStepForm
from partnerships.forms_agreements import AgreementForm, ObligationForm
from partnerships.forms_partnerships import (
    MeasurementCellForm,
    MetricForm,
    ObjectiveForm,
    PartnershipForm,
    StageChangeForm,
)
from tests.factories import ObjectiveFactory, PartnershipFactory

DATE_MESSAGE = "Give a date from 2000 to 2075."
MONTH_MESSAGE = "Choose a month from January 2000 to October 2025, the last one that has ended."


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    "day", [dt.date(2000, 1, 1), dt.date(2025, 11, 5), dt.date(2075, 12, 31), None]
)
def test_a_date_inside_the_window_is_taken(day):
    validate_plausible(day)


@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(2076, 1, 1), dt.date(9999, 12, 31)])
def test_a_date_outside_the_window_is_refused(day):
    with pytest.raises(Exception, match="Give a date from 2000 to 2075"):
        validate_plausible(day)


def test_the_last_month_taken_is_the_last_that_has_ended():
    validate_closed_month(dt.date(2025, 10, 1))
    with pytest.raises(Exception, match="October 2025"):
        validate_closed_month(dt.date(2025, 11, 1))


def field_errors(form, name) -> list[str]:
    form.is_valid()
    return form.errors.get(name, [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "fields"),
    [
        (PartnershipForm, ["start_date", "end_date"]),
        (StageChangeForm, ["end_date"]),
        (NextStepForm, ["due_on"]),
        (ConfirmWarningForm, ["recovery_by"]),
        (RoundOpenForm, ["closes_on"]),
        (MeasurementCellForm, ["period_start"]),
    ],
)
def test_every_date_field_refuses_a_date_far_ahead(form_class, fields):
    form = form_class(dict.fromkeys(fields, "9999-12-31"))
    for name in fields:
        assert field_errors(form, name) == [DATE_MESSAGE], name


@pytest.mark.django_db
def test_the_partnership_forms_with_a_prefix_or_a_parent_refuse_it_too(alice):
    partnership = PartnershipFactory(owner=alice)
    objective = ObjectiveFactory(partnership=partnership)
    far = "9999-12-31"
    prefix = f"metric-{objective.pk}"
    metric = MetricForm(
        {f"{prefix}-baseline_date": far, f"{prefix}-target_date": far}, objective=objective
    )
    assert field_errors(metric, "baseline_date") == [DATE_MESSAGE]
    assert DATE_MESSAGE in field_errors(metric, "target_date")
    assert field_errors(ObjectiveForm({"objective-due_date": far}), "due_date") == [DATE_MESSAGE]
    agreement = AgreementForm({"effective_date": far, "expiry_date": far}, partnership=partnership)
    assert field_errors(agreement, "effective_date") == [DATE_MESSAGE]
    assert DATE_MESSAGE in field_errors(agreement, "expiry_date")
    obligation = ObligationForm({"due_date": far, "completed_on": far}, party_rows=[])
    assert field_errors(obligation, "due_date") == [DATE_MESSAGE]
    assert DATE_MESSAGE in field_errors(obligation, "completed_on")


@pytest.mark.django_db
def test_the_month_pickers_refuse_a_month_far_ahead(erin):
    far = PartnershipFilterForm({"period": "9999-12"}, user=erin)
    assert field_errors(far, "period") == [MONTH_MESSAGE]
    assert field_errors(QueueFilterForm({"period": "9999-12-01"}), "period") == [MONTH_MESSAGE]
    assert field_errors(RunStartForm({"period_start": "9999-12-01"}), "period_start") == [
        "Choose one of the last 24 months that have ended, as offered."
    ]
    assert PartnershipFilterForm({"period": "2025-10"}, user=erin).is_valid()
