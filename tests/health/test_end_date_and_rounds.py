"""A health check belongs to its partnership's run (`Round.clean`), so the end
date is not moved before one, as it is not before a recorded value: refused by
every door (the edit page, the API's PATCH, a stage change, the admin), next to
the end date, saying how many and the day that keeps them all.

The rule lives with the rounds (`health.services.rounds_after_end`); the
partnerships' service asks it through `partnerships.hooks.end_date_moving`.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from api.tokens import token_create
from core import refusals
from health.models import Round, RoundState
from partnerships import services
from partnerships.models import Partnership, StageChange
from tests.factories import MeasurementFactory, MetricFactory, ObjectiveFactory, PartnershipFactory
from tests.forms import opened
from tests.health.builders import closed_round, open_round, shipped_instrument
from tests.partnerships.test_admin import as_posted
from tests.triggers import before_the_rule

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 1, 5)
LATEST = dt.date(2026, 2, 2)
ONE_AFTER = (
    "1 health check was opened after this date, on 2 February 2026: "
    "choose a date on or after that day."
)
TWO_AFTER = (
    "2 health checks were opened after this date, the latest on 2 February 2026: "
    "choose a date on or after that day."
)


@pytest.fixture(autouse=True)
def march_2026():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def checked(alice):
    """Started on 1 January 2025, no end date yet; health checks opened on
    5 January 2026 (closed) and 2 February 2026 (open)."""
    partnership = PartnershipFactory(owner=alice, title="Kept", start_date=dt.date(2025, 1, 1))
    closed_round(partnership, by=alice, opened_on=FIRST)
    open_round(partnership, by=alice, opened_on=LATEST, closes_on=dt.date(2026, 3, 31))
    return Partnership.objects.get(pk=partnership.pk)


def stored(partnership) -> Partnership:
    return Partnership.objects.get(pk=partnership.pk)


@pytest.mark.parametrize(
    ("end", "refusal"),
    [
        (FIRST - dt.timedelta(days=1), TWO_AFTER),  # before both
        (LATEST - dt.timedelta(days=1), ONE_AFTER),  # the day before the latest opened
        (LATEST, None),  # the day it opened is inside the run
        (LATEST + dt.timedelta(days=1), None),
    ],
)
def test_an_end_before_a_health_check_is_refused(checked, end, refusal):
    if refusal:
        with pytest.raises(ValidationError) as error:
            services.partnership_update(partnership=checked, end_date=end)
        assert error.value.message_dict == {"end_date": [refusal]}
        assert error.value.error_dict["end_date"][0].code == "health_checks_after_end"
        assert stored(checked).end_date is None
    else:
        services.partnership_update(partnership=checked, end_date=end)
        assert stored(checked).end_date == end
    assert Round.objects.filter(partnership=checked).count() == 2


def test_values_and_health_checks_after_it_are_both_said(alice, checked):
    metric = MetricFactory(objective=ObjectiveFactory(partnership=checked), frequency="monthly")
    MeasurementFactory(metric=metric, period_start=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as error:
        services.partnership_update(partnership=checked, end_date=dt.date(2026, 1, 31))
    assert error.value.message_dict == {
        "end_date": [
            "1 value is recorded for a period that begins after this date (Feb 2026): "
            "clear it first, or choose a date on or after 1 February 2026.",
            ONE_AFTER,
        ]
    }
    assert stored(checked).end_date is None


def test_a_start_after_a_health_check_is_not_refused(checked):
    # A prospect's health is worth checking before it starts (`Round.clean`).
    services.partnership_update(partnership=checked, start_date=dt.date(2026, 3, 1))
    assert stored(checked).start_date == dt.date(2026, 3, 1)


def stored_before_the_rule(partnership, end):
    """An end date before its rounds, as a row from before the trigger holds it
    (written with the triggers off, as a replica writes)."""
    with before_the_rule():
        Partnership.objects.filter(pk=partnership.pk).update(end_date=end)


def test_an_edit_keeping_a_stored_end_is_not_refused(checked):
    # A round opened after the end before this rule does not block an edit.
    stored_before_the_rule(checked, FIRST)
    services.partnership_update(partnership=stored(checked), end_date=FIRST, title="Renamed")
    assert stored(checked).title == "Renamed"


def test_the_edit_page_says_it_next_to_the_end_date_keeping_the_typing(client, alice, checked):
    client.force_login(alice)
    url = reverse("partnerships:partnership_edit", args=[checked.pk])
    typed = {
        "title": "Typed",
        "purpose": "clinical_exchange",
        "start_date": "2025-01-01",
        "end_date": "2026-02-01",
    }
    response = client.post(url, typed | opened(client, url))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"end_date": [ONE_AFTER]}
    assert form["end_date"].value() == "2026-02-01"
    assert form["title"].value() == "Typed"
    assert 'id="error_1_id_end_date"' in response.content.decode()
    assert (stored(checked).end_date, stored(checked).title) == (None, "Kept")


def test_a_patch_moving_the_end_before_a_health_check_is_refused(alice, checked):
    _, secret = token_create(user=alice, name="test", scope="read_write")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/partnerships/{checked.pk}/"
    etag = api.get(url)["ETag"]
    response = api.patch(url, {"end_date": "2026-02-01"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"end_date": [ONE_AFTER]}
    assert stored(checked).end_date is None
    response = api.patch(url, {"end_date": "2026-02-02"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert stored(checked).end_date == LATEST


def test_ending_the_partnership_before_its_health_checks_is_refused(alice, checked):
    with pytest.raises(ValidationError) as error:
        services.partnership_change_stage(
            partnership=checked, stage="completed", reason="Done", by=alice, end_date=FIRST
        )
    assert error.value.message_dict == {"end_date": [ONE_AFTER]}
    assert (stored(checked).stage, stored(checked).end_date) == ("active", None)
    assert not StageChange.objects.exists()


def test_the_admin_moves_no_end_date(client, superuser, checked):
    """The admin shows partnerships only (core.admin.ReadOnlyAdmin): a forged
    post of an earlier end date stores nothing."""
    client.force_login(superuser)
    url = reverse("admin:partnerships_partnership_change", args=[checked.pk])
    response = client.post(url, as_posted(checked, end_date="2026-01-04"))
    assert response.status_code == 403
    assert stored(checked).end_date is None


class TestTheDatabase:
    """Triggers hold the rule whatever writes the rows (migration health/0015)."""

    @pytest.mark.parametrize(
        ("end", "refused"),
        [(LATEST - dt.timedelta(days=1), True), (LATEST, False), (None, False)],
    )
    def test_an_end_written_around_the_service_before_a_round_is_refused(
        self, checked, end, refused
    ):
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                Partnership.objects.filter(pk=checked.pk).update(end_date=end)
            assert error.value.__cause__.diag.constraint_name == "partnership_ends_after_its_rounds"
            assert stored(checked).end_date is None
        else:
            Partnership.objects.filter(pk=checked.pk).update(end_date=end)
            assert stored(checked).end_date == end

    def test_a_stored_end_before_a_round_is_no_bar_to_other_writes(self, checked):
        stored_before_the_rule(checked, FIRST)
        Partnership.objects.filter(pk=checked.pk).update(end_date=FIRST, title="Renamed")
        assert (stored(checked).end_date, stored(checked).title) == (FIRST, "Renamed")

    @pytest.mark.parametrize(
        ("opened_on", "refused"),
        [(LATEST + dt.timedelta(days=1), True), (LATEST, False)],
    )
    def test_a_round_written_around_the_model_after_the_end_is_refused(
        self, alice, opened_on, refused
    ):
        partnership = PartnershipFactory(owner=alice, end_date=LATEST)
        row = Round(
            partnership=partnership,
            instrument=shipped_instrument(),
            opened_on=opened_on,
            closes_on=opened_on + dt.timedelta(days=21),
            opened_by=alice,
            state=RoundState.OPEN,
        )
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                Round.objects.bulk_create([row])
            assert error.value.__cause__.diag.constraint_name == "round_within_run"
            assert not Round.objects.exists()
        else:
            Round.objects.bulk_create([row])
            assert Round.objects.get().opened_on == LATEST

    def test_a_service_meeting_the_end_s_trigger_says_why_next_to_the_end_date(self, checked):
        # `core.refusals.said`, as `partnership_update` and a stage change save.
        with pytest.raises(ValidationError) as error, refusals.said():
            Partnership.objects.filter(pk=checked.pk).update(end_date=FIRST)
        assert error.value.message_dict == {
            "end_date": ["Health checks were opened after this date: choose a later date."]
        }
        assert stored(checked).end_date is None

    def test_a_service_meeting_the_round_s_trigger_says_why_next_to_its_day(self, alice):
        # `core.refusals.said`, as `round_open` saves.
        partnership = PartnershipFactory(owner=alice, end_date=LATEST)
        row = Round(
            partnership=partnership,
            instrument=shipped_instrument(),
            opened_on=LATEST + dt.timedelta(days=1),
            closes_on=LATEST + dt.timedelta(days=22),
            opened_by=alice,
            state=RoundState.OPEN,
        )
        with pytest.raises(ValidationError) as error, refusals.said():
            row.save()
        assert error.value.message_dict == {
            "opened_on": [
                "The partnership ended before this day: a health check opened after "
                "its end rates nothing of it."
            ]
        }
        assert not Round.objects.exists()
