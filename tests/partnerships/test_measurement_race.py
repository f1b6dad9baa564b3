"""Two writes recording the same empty period at once (the grid, the API): the
one that comes second is one over the first's value: refused as stale where the
grid showed the cell empty, refused naming that value where it named no version
(it never saw it), accepted where it repeats it; never an IntegrityError (a 500)."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from core.versioning import StaleVersion
from partnerships import services
from partnerships.models import Measurement
from tests.factories import partnership_with_data

JULY_2024 = dt.date(2024, 7, 1)


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def metric(alice):
    # Quarterly; the third quarter of 2024 has no value yet.
    partnership = partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2024, 1, 1))
    return partnership.objectives.get().metrics.get()


def save(metric, value, user, **kwargs):
    return services.measurement_save(
        metric=metric, period_start=JULY_2024, value=Decimal(value), entered_by=user, **kwargs
    )


def recorded_meanwhile(monkeypatch, metric, by, *, when):
    """Have another request record the period just after this write looked for
    it: committed before this write validates ("validating"), or only once it
    validated, its insert then meeting the unique index ("inserting").

    One connection plays both: the other value is written right after the
    look-up, and for "inserting" the validation does not see it, as it would
    not see another transaction's row not yet committed."""
    done = []
    look_up = services._locked_at

    def missing_the_other_write(metric_, period_start):
        found = look_up(metric_, period_start)
        if not done:
            done.append(
                Measurement.objects.create(
                    metric=metric, period_start=JULY_2024, value=Decimal(1), entered_by=by
                )
            )
        return found

    monkeypatch.setattr(services, "_locked_at", missing_the_other_write)
    if when == "inserting":
        validate_constraints = Measurement.validate_constraints

        def not_seeing_it(instance, exclude=None):
            if instance.pk is None:
                return None
            return validate_constraints(instance, exclude=exclude)

        monkeypatch.setattr(Measurement, "validate_constraints", not_seeing_it)
    return done


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["validating", "inserting"])
class TestRecordedMeanwhile:
    def test_a_second_write_naming_no_version_is_refused_naming_the_first(
        self, monkeypatch, metric, alice, bob, when
    ):
        """Bob's value is not written over (here his write is undone with
        alice's refused one, which played it: the threaded test below keeps it)."""
        recorded_meanwhile(monkeypatch, metric, bob, when=when)
        with pytest.raises(ValidationError) as refused:
            save(metric, 2, alice)
        assert refused.value.message_dict == {
            "version": [
                "A value is already recorded for this period (1, version 1); "
                "give its version to replace it."
            ]
        }

    def test_a_second_write_repeating_the_value_changes_nothing(
        self, monkeypatch, metric, alice, bob, when
    ):
        other = recorded_meanwhile(monkeypatch, metric, bob, when=when)
        measurement, saved = save(metric, 1, alice)
        assert saved == services.Saved.UNCHANGED
        (stored,) = Measurement.objects.filter(metric=metric, period_start=JULY_2024)
        assert stored.pk == measurement.pk == other[0].pk
        assert (stored.value, stored.entered_by, stored.version) == (Decimal(1), bob, 1)
        # Its history: bob's value alone; nothing of hers.
        events = [(event.value, event.entered_by_id) for event in stored.history.order_by("pk")]
        assert events == [(Decimal(1), bob.pk)]

    def test_a_grid_cell_shown_empty_is_refused_as_stale(
        self, monkeypatch, metric, alice, bob, when
    ):
        recorded_meanwhile(monkeypatch, metric, bob, when=when)
        with pytest.raises(StaleVersion) as refused:
            save(metric, 2, alice, expected_version=0)
        # What the grid shows her instead: bob's value.
        assert (refused.value.current.value, refused.value.current.entered_by) == (
            Decimal(1),
            bob,
        )

    def test_inside_a_callers_transaction_the_rest_goes_on(
        self, monkeypatch, metric, alice, bob, when
    ):
        """The API saves its rows in one transaction: the losing insert is
        undone alone, and the rows after it are saved."""
        recorded_meanwhile(monkeypatch, metric, bob, when=when)
        with transaction.atomic():
            save(metric, 1, alice)  # bob's value, repeated
            services.measurement_save(
                metric=metric,
                period_start=dt.date(2024, 4, 1),
                value=Decimal(3),
                entered_by=alice,
            )
        assert dict(metric.measurements.values_list("period_start", "value"))[JULY_2024] == 1
        assert metric.measurements.filter(period_start=dt.date(2024, 4, 1)).exists()


@pytest.mark.django_db
def test_any_other_refusal_is_raised_as_before(metric, alice):
    with pytest.raises(ValidationError, match="reported quarterly"):
        services.measurement_save(
            metric=metric, period_start=dt.date(2024, 8, 1), value=Decimal(2), entered_by=alice
        )
    assert not metric.measurements.filter(period_start=dt.date(2024, 8, 1)).exists()


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_recording_the_same_empty_period_at_once(metric, alice, bob):
    """Bob's write inserts the period and holds its transaction open; alice's
    finds no value, validates, and waits on the unique index for his; he
    commits: her insert is refused by the database, and her write, which named
    no version, is refused naming his value (never written over it unseen)."""
    pids, outcomes = {}, {}
    alice_started, bob_inserted = threading.Event(), threading.Event()

    def bob_writes():
        try:
            with transaction.atomic():
                outcomes["bob"] = save(metric, 1, bob)
                bob_inserted.set()
                alice_started.wait(timeout=30)
                deadline = time.monotonic() + 30
                while not _waiting_on_a_lock(pids["alice"]):
                    assert time.monotonic() < deadline, "alice's insert never waited"
                    time.sleep(0.02)
        except Exception as error:
            outcomes["bob"] = error
        finally:
            connections.close_all()

    def alice_writes():
        try:
            bob_inserted.wait(timeout=30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids["alice"] = cursor.fetchone()[0]
            alice_started.set()
            outcomes["alice"] = save(metric, 2, alice)
        except Exception as error:
            outcomes["alice"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=bob_writes), threading.Thread(target=alice_writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not isinstance(outcomes["bob"], Exception), outcomes["bob"]
    assert outcomes["bob"][1] == services.Saved.CREATED
    assert isinstance(outcomes["alice"], ValidationError), outcomes["alice"]
    assert list(outcomes["alice"].message_dict) == ["version"]
    stored = Measurement.objects.get(metric=metric, period_start=JULY_2024)
    assert (stored.value, stored.entered_by, stored.version) == (Decimal(1), bob, 1)
