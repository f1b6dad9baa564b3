"""A health check opened and the partnership's end date moved before it, or
the partnership ended, at the same instant: whichever commits second is
refused, so no round is ever stranded after the end (`round_open` holds the
run as a value's save does: `partnerships.services.hold_run`); so is a round
written around the service, or an end written around it (health/0016's
trigger holds the run too).

As in tests/partnerships/test_start_date_race.py, one write is held open in
this thread's transaction while the other runs on a second connection, and
commits only once that one waits on a lock (or has finished, which, without
the lock, it would).
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import refusals
from health.models import Round, RoundState
from partnerships import services
from partnerships.models import Partnership
from tests.factories import PartnershipFactory
from tests.health.builders import open_round, shipped_instrument
from tests.partnerships.test_start_date_race import in_a_thread, wait_until_blocked_or_done

OPENED = dt.date(2026, 2, 2)
THE_DAY_BEFORE = dt.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def march_2026():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def partnership(alice):
    return PartnershipFactory(owner=alice, end_date=None)


def open_on_the_2nd(partnership, by):
    return open_round(
        Partnership.objects.get(pk=partnership.pk),
        by=by,
        opened_on=OPENED,
        closes_on=dt.date(2026, 3, 31),
    )


def end_the_day_before(partnership):
    return services.partnership_update(
        partnership=Partnership.objects.get(pk=partnership.pk), end_date=THE_DAY_BEFORE
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_end_moved_while_a_round_opens_waits_and_is_refused(alice, partnership):
    with transaction.atomic():
        open_on_the_2nd(partnership, alice)
        thread, outcome = in_a_thread(lambda: end_the_day_before(partnership))
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, ValidationError)
    assert result.error_dict["end_date"][0].code == "health_checks_after_end"
    assert Partnership.objects.get(pk=partnership.pk).end_date is None
    assert Round.objects.filter(partnership=partnership, opened_on=OPENED).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_round_opened_while_the_end_moves_waits_and_is_refused(alice, partnership):
    with transaction.atomic():
        end_the_day_before(partnership)
        thread, outcome = in_a_thread(lambda: open_on_the_2nd(partnership, alice))
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, ValidationError)
    assert "This partnership ended on 1 February 2026" in " ".join(result.message_dict["opened_on"])
    assert Partnership.objects.get(pk=partnership.pk).end_date == THE_DAY_BEFORE
    assert not Round.objects.filter(partnership=partnership).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_round_opened_while_the_partnership_ends_waits_and_is_refused(alice, partnership):
    # Ended on the day the round would open: its date alone would let it in.
    with transaction.atomic():
        services.partnership_change_stage(
            partnership=partnership, stage="completed", reason="Done", by=alice, end_date=OPENED
        )
        thread, outcome = in_a_thread(lambda: open_on_the_2nd(partnership, alice))
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, ValidationError)
    assert result.messages == ["This partnership has ended: its health is no longer checked."]
    assert Partnership.objects.get(pk=partnership.pk).stage == "completed"
    assert not Round.objects.filter(partnership=partnership).exists()


# A round written around `round_open` (a script, `bulk_create`) holds the run
# all the same: migration health/0016's trigger takes the partnership's row
# FOR SHARE, as `hold_run` does. Without it, each write checked the other's
# rows as committed before it, saw none, and both committed.


def a_round_written_around_the_service(partnership, by):
    return Round.objects.create(
        partnership_id=partnership.pk,
        instrument=shipped_instrument(),
        opened_on=OPENED,
        closes_on=dt.date(2026, 3, 31),
        opened_by=by,
        state=RoundState.OPEN,
    )


def an_end_written_around_the_service(partnership):
    Partnership.objects.filter(pk=partnership.pk).update(end_date=THE_DAY_BEFORE)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_end_written_while_a_round_is_written_waits_and_is_refused(alice, partnership):
    with transaction.atomic():
        a_round_written_around_the_service(partnership, alice)
        thread, outcome = in_a_thread(lambda: an_end_written_around_the_service(partnership))
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, IntegrityError)
    assert refusals.constraint_name(result) == "partnership_ends_after_its_rounds"
    assert Partnership.objects.get(pk=partnership.pk).end_date is None
    assert Round.objects.filter(partnership=partnership, opened_on=OPENED).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_round_written_while_the_end_moves_waits_and_is_refused(alice, partnership):
    # The end moved by the service, which takes the row FOR UPDATE.
    with transaction.atomic():
        end_the_day_before(partnership)
        thread, outcome = in_a_thread(
            lambda: a_round_written_around_the_service(partnership, alice)
        )
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, IntegrityError)
    assert refusals.constraint_name(result) == "round_within_run"
    assert Partnership.objects.get(pk=partnership.pk).end_date == THE_DAY_BEFORE
    assert not Round.objects.filter(partnership=partnership).exists()
