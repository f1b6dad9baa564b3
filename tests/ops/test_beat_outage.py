"""Beat while PostgreSQL is away: one warning when it goes, a reminder every five
minutes, one line when it is back; nothing sent meanwhile, what fell due sent
once afterwards, and every run sent recorded (ops/heartbeats.py's BeatScheduler)."""

import datetime as dt
import logging
import time

import pytest
import time_machine
from celery import current_app
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core.outage import Outage
from ops.heartbeats import BeatScheduler
from ops.models import Heartbeat
from tests.ops.faults import postgres_down, wait_for
from tests.ops.test_beat_lock import Beat

PROBE = "Probe the schedule"
START = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)


def refused() -> Exception:
    return ConnectionRefusedError("connection to server failed: Connection refused\n\tIs it up?")


class TestOutage:
    def test_it_says_once_that_it_went_and_once_that_it_is_back(self, caplog):
        outage = Outage("Database", logging.getLogger("test"), meanwhile="nothing is sent")
        with caplog.at_level(logging.INFO), time_machine.travel(START, tick=False) as clock:
            for _ in range(12):  # a minute of failed ticks, every 5 s
                outage.failed(refused())
                clock.shift(5)
            assert outage.answered()
            assert not outage.answered()  # the next answer is not news

        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
            (
                "WARNING",
                "Database unreachable since 2026-12-02 01:00:00 UTC (ConnectionRefusedError: "
                "connection to server failed: Connection refused): nothing is sent; "
                "retrying until it answers",
            ),
            (
                "INFO",
                "Database reachable again, after 1 min 0 s "
                "(unreachable since 2026-12-02 01:00:00 UTC)",
            ),
        ]

    def test_a_long_outage_is_recalled_every_five_minutes(self, caplog):
        outage = Outage("Database", logging.getLogger("test"), meanwhile="nothing is sent")
        with caplog.at_level(logging.INFO), time_machine.travel(START, tick=False) as clock:
            outage.failed(refused())
            clock.shift(dt.timedelta(minutes=4, seconds=59))
            outage.failed(refused())
            assert len(caplog.records) == 1  # not yet
            clock.shift(1)
            outage.failed(refused())
            clock.shift(dt.timedelta(minutes=5))
            outage.failed(refused())
            clock.shift(dt.timedelta(hours=2))
            outage.answered()
            clock.shift(60)
            outage.failed(refused())  # a new outage: said again

        assert [r.getMessage()[:60] for r in caplog.records] == [
            "Database unreachable since 2026-12-02 01:00:00 UTC (Connecti",
            "Database still unreachable, for 5 min 0 s (since 2026-12-02 ",
            "Database still unreachable, for 10 min 0 s (since 2026-12-02",
            "Database reachable again, after 2 h 10 min (unreachable sinc",
            "Database unreachable since 2026-12-02 03:11:00 UTC (Connecti",
        ]
        assert [r.levelname for r in caplog.records] == ["WARNING"] * 3 + ["INFO", "WARNING"]


def probe_every(seconds: int, **fields) -> PeriodicTask:
    """A schedule of the test's own (the task is one beat may name; nothing runs it)."""
    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    return PeriodicTask.objects.create(
        name=PROBE, task="ops.tasks.relay_outbox", interval=every, **fields
    )


def sent(output: str) -> int:
    return output.count(f"Sending due task {PROBE} ")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_beat_cut_off_from_the_database_says_so_once_and_catches_up_once():
    Heartbeat.objects.filter(name="beat").delete()
    probe = probe_every(10)
    beat = Beat()
    try:
        wait_for(lambda: sent(beat.output()) >= 1, timeout=90, what="the probe sent")
        connection.close()
        with postgres_down() as postgres:
            before = len(beat.output())
            time.sleep(25)  # five ticks, and more than twice the probe's interval
            while_down = beat.output()[before:]
            postgres.start()
        warnings = [line for line in while_down.splitlines() if " WARNING " in line]
        assert len(warnings) == 1, while_down
        assert "Database unreachable since " in warnings[0]
        assert "retrying until it answers" in warnings[0]
        assert "Traceback" not in while_down and " ERROR " not in while_down, while_down
        assert sent(while_down) == 0  # every task needs the database: none sent to fail

        wait_for(lambda: "Database reachable again" in beat.output(), timeout=30, what="the line")
        back = beat.output().index("Database reachable again")
        # The probe fell due meanwhile: sent as soon as the database is back.
        wait_for(lambda: sent(beat.output()[back:]) >= 1, timeout=10, what="the probe sent")
        output = beat.output()
        assert beat.process.poll() is None, output
        assert "Traceback" not in output and " ERROR " not in output, output
        assert output.count("Database reachable again") == 1

        # Each run sent is recorded, once: none forgotten (sent again), none counted unsent.
        wait_for(
            lambda: PeriodicTask.objects.get(pk=probe.pk).total_run_count == sent(beat.output()),
            timeout=10,
            what="every run recorded",
        )
        wait_for(
            lambda: Heartbeat.objects.filter(name="beat").exists(),
            timeout=30,
            what="beat's heartbeat again",
        )
    finally:
        print(beat.output()[-3000:])
        beat.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_sent_as_the_database_went_is_recorded_once_it_is_back():
    PeriodicTask.objects.update(enabled=False)
    # Not due again for a day: the tick below sends nothing.
    probe = probe_every(24 * 3600, last_run_at=timezone.now())
    scheduler = BeatScheduler(app=current_app)
    try:
        scheduler.reserve(scheduler.schedule[PROBE])  # sent: its run is to be recorded
        with postgres_down():
            scheduler.sync()  # beat's periodic sync meets the outage
        connection.close()

        scheduler.tick()  # the database answers again

        probe.refresh_from_db()
        assert probe.total_run_count == 1
        assert probe.last_run_at > timezone.now() - dt.timedelta(minutes=1)
    finally:
        scheduler.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_that_fell_due_hours_into_an_outage_is_sent_once_it_is_back():
    # The night's backup was due at 01:30; the database answers again at 04:30.
    due = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    crontab = CrontabSchedule.objects.create(minute=due.minute, hour=due.hour, timezone="UTC")
    PeriodicTask.objects.create(
        name=PROBE,
        task="ops.tasks.scheduled_backup",
        crontab=crontab,
        last_run_at=due - dt.timedelta(days=1),
    )

    schedule = BeatScheduler(app=current_app, lazy=True).schedule  # read as it is back

    assert schedule[PROBE].is_due().is_due
