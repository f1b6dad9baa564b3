"""An obligation is done on a day that has come: a completion typed a year
ahead would end its reminders today (they ask only for open obligations)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from partnerships.forms_agreements import ObligationForm
from partnerships.models import Obligation
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize("completed_on", [None, TODAY - dt.timedelta(days=1), TODAY])
def test_a_completion_up_to_today_is_kept(completed_on):
    obligation = Obligation(
        agreement=AgreementFactory(),
        description="Annual report",
        due_date=dt.date(2026, 12, 1),
        completed_on=completed_on,
    )
    obligation.full_clean()


@pytest.mark.parametrize("completed_on", [TODAY + dt.timedelta(days=1), dt.date(2030, 1, 1)])
def test_a_completion_still_to_come_is_refused_next_to_its_field(completed_on):
    obligation = Obligation(
        agreement=AgreementFactory(),
        description="Annual report",
        due_date=dt.date(2026, 12, 1),
        completed_on=completed_on,
    )
    with pytest.raises(ValidationError) as refused:
        obligation.full_clean()
    assert "is still to come" in refused.value.message_dict["completed_on"][0]

    form = ObligationForm(
        {
            "description": "Annual report",
            "due_date": "2026-12-01",
            "completed_on": completed_on.isoformat(),
        },
        party_rows=[],
    )
    assert not form.is_valid()
    assert "is still to come" in form.errors["completed_on"][0]
    assert form["completed_on"].value() == completed_on.isoformat()


# An obligation's description is a line: the reminders' subjects (email headers,
# which cannot hold a line break), the calendar's summaries and the lists show it.


def test_a_description_typed_over_several_lines_is_kept_on_one():
    form = ObligationForm(
        {"description": "Annual report\r\nBcc: someone@example.org", "due_date": "2026-12-01"},
        party_rows=[],
    )
    assert form.is_valid(), form.errors
    obligation = form.save(commit=False)
    obligation.agreement = AgreementFactory()
    obligation.full_clean()
    obligation.save()

    obligation.refresh_from_db()
    assert obligation.description == "Annual report Bcc: someone@example.org"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("\u200b", "This field cannot be blank."),
        ("Report \u202edue", "reorder the text around them"),
    ],
)
def test_a_description_that_shows_nothing_or_reorders_its_text_is_refused(typed, said):
    form = ObligationForm({"description": typed, "due_date": "2026-12-01"}, party_rows=[])
    assert not form.is_valid()
    assert said in form.errors["description"][0]
    assert form["description"].value() == typed
