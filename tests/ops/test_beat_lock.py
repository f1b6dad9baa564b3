"""One beat at a time (ops/beat_lock.py): a second beat waits as a standby and
takes over when the first dies; a beat cut off from the database takes the
schedule again, or stops if a standby took it meanwhile."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ops.beat_lock import BeatLock, Hold
from ops.models import Heartbeat
from tests.ops.faults import wait_for
from tests.workers import ROOT, database_url


@pytest.fixture
def locks():
    made = []

    def make():
        made.append(BeatLock())
        return made[-1]

    yield make
    for lock in made:
        lock.release()


def cut_off(lock: BeatLock) -> None:
    """What a database restart does to beat's connection: the backend is ended
    (and waited for: its session locks end with it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [lock.backend_pid])
        assert cursor.fetchone()[0], "the backend did not end within 10 s"


@pytest.mark.django_db
def test_while_one_beat_holds_the_schedule_a_second_cannot_take_it(locks):
    first, second = locks(), locks()

    assert first.try_acquire() is Hold.HELD
    assert second.try_acquire() is Hold.LOST
    assert first.check() is Hold.HELD

    first.release()  # the first beat stops
    assert second.try_acquire() is Hold.HELD


@pytest.mark.django_db
def test_a_beat_cut_off_from_the_database_takes_the_schedule_again_if_free(locks):
    beat = locks()
    assert beat.try_acquire() is Hold.HELD

    cut_off(beat)

    assert beat.check() is Hold.HELD
    assert locks().try_acquire() is Hold.LOST


@pytest.mark.django_db
def test_a_beat_cut_off_while_a_standby_took_the_schedule_learns_it_lost_it(locks):
    beat, standby = locks(), locks()
    assert beat.try_acquire() is Hold.HELD

    cut_off(beat)
    assert standby.try_acquire() is Hold.HELD

    assert beat.check() is Hold.LOST


class Beat:
    """A real `celery -A config beat`, its output in a file."""

    def __init__(self):
        self.log = Path(tempfile.mkdtemp()) / "beat.log"
        # A Redis database of its own: anything it schedules reaches no test's worker.
        redis_url = re.sub(r"/\d+$", "/9", settings.REDIS_URL)
        env = os.environ | {"DATABASE_URL": database_url(), "REDIS_URL": redis_url}
        with self.log.open("w") as log:  # the process keeps its own copy of the file
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        shutil.rmtree(self.log.parent)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_beat_waits_as_a_standby_and_takes_over_when_the_first_dies():
    Heartbeat.objects.filter(name="beat").delete()
    first = Beat()
    second = None
    try:
        wait_for(
            lambda: Heartbeat.objects.filter(name="beat").exists(),
            timeout=90,
            what="the first beat's heartbeat",
        )
        second = Beat()
        wait_for(
            lambda: "waits as a standby" in second.output(),
            timeout=90,
            what="the second beat standing by",
        )
        assert second.process.poll() is None
        assert "took over" not in second.output()

        first.process.kill()  # SIGKILL: its connection, and so its lock, ends with it
        Heartbeat.objects.filter(name="beat").delete()

        wait_for(
            lambda: "took over the schedule" in second.output(),
            timeout=60,
            what="the standby taking over",
        )
        wait_for(
            lambda: Heartbeat.objects.filter(name="beat").exists(),
            timeout=30,
            what="the new beat's heartbeat",
        )
        assert second.process.poll() is None
    finally:
        first.stop()
        if second is not None:
            print(second.output()[-3000:])
            second.stop()
