"""A value saved and a start date moved past its period at the same instant:
whichever commits second is refused, so no value is ever stranded before the
partnership's start (`services.hold_run`).

Each test holds one write open in this thread's transaction while the other
runs on a second connection in its own thread, and commits only once that one
waits on a lock (or has finished, which, without the lock, it would).
"""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from partnerships import services
from partnerships.models import Measurement, Partnership
from tests.factories import MetricFactory, ObjectiveFactory, PartnershipFactory

AUGUST = dt.date(2026, 8, 1)
SEPTEMBER = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def metric(alice):
    partnership = PartnershipFactory(owner=alice, start_date=None)
    return MetricFactory(objective=ObjectiveFactory(partnership=partnership), frequency="monthly")


def in_a_thread(action) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run():
        try:
            with transaction.atomic():
                outcome.append(action())
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_until_blocked_or_done(thread: threading.Thread) -> None:
    """Until the other connection waits on a lock, or its thread has ended."""
    for _ in range(200):
        if not thread.is_alive():
            return
        with connection.cursor() as cursor:
            # A transaction reads the statistics views as they were at its
            # first look, unless told to look again.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("The other write neither waited nor ended.")


def save_august(metric, user):
    return services.measurement_save(
        metric=metric, period_start=AUGUST, value=Decimal(1), entered_by=user
    )


def start_in_september(metric):
    partnership = Partnership.objects.get(pk=metric.objective.partnership_id)
    return services.partnership_update(partnership=partnership, start_date=SEPTEMBER)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_start_moved_while_a_value_is_saved_waits_and_is_refused(alice, metric):
    with transaction.atomic():
        save_august(metric, alice)
        thread, outcome = in_a_thread(lambda: start_in_september(metric))
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, ValidationError)
    assert "start_date" in result.message_dict
    assert Partnership.objects.get(pk=metric.objective.partnership_id).start_date is None
    assert Measurement.objects.filter(metric=metric, period_start=AUGUST).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_value_saved_while_the_start_moves_waits_and_is_refused(alice, metric):
    with transaction.atomic():
        start_in_september(metric)
        thread, outcome = in_a_thread(lambda: save_august(metric, alice))
        wait_until_blocked_or_done(thread)
    thread.join(timeout=30)

    (result,) = outcome
    assert isinstance(result, ValidationError)
    assert "ended before the partnership started" in " ".join(result.message_dict["period_start"])
    assert Partnership.objects.get(pk=metric.objective.partnership_id).start_date == SEPTEMBER
    assert not Measurement.objects.filter(metric=metric).exists()
