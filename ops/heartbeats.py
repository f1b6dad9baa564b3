"""Signs of life of the Celery worker(s) and beat, for the readiness check.

Each worker writes `worker:<hostname>` from a thread of its own (ops/workers.py:
a task queued behind a long assessment would say nothing about the worker);
beat writes `beat` from its scheduler's tick. Both every EVERY seconds, to the database,
which outlives a Redis outage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time

from celery.beat import SchedulingError
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import Error, close_old_connections, connection, transaction
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from core.outage import Outage

from .beat_lock import BeatLock, Hold
from .models import Heartbeat
from .outbox import broker_reachable, outbox_enqueue

logger = logging.getLogger(__name__)

EVERY = 15


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ACCORD_HEARTBEAT_STALE_SECONDS", 60))


def heartbeat_record(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def heartbeats_fresh(prefix: str) -> list[Heartbeat]:
    return list(
        Heartbeat.objects.filter(
            name__startswith=prefix, seen_at__gte=timezone.now() - stale_after()
        )
    )


class BeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, recording each tick (at most every EVERY s).

    A task that falls due while the broker is away goes to the outbox (ops/outbox.py),
    which the relay sends once it is back: Celery's beat would log the failure and
    move the schedule on, so the night's backup, or the month's assessment, would
    simply not happen. Beat's tasks take keyword arguments only (config/schedules.py
    checks them against the task); one with positional arguments is not kept.

    While the database is away beat sends nothing: every task needs it, so one
    sent then would fail in the worker and count as run. Each task that falls due
    meanwhile is sent once the database answers again (its last run, still the
    one before, makes it due), and a run sent just before the outage stays to
    be recorded until it is: recorded late, never lost, so never sent twice.
    django-celery-beat would log a traceback each tick (every 5 s), forget the
    run it failed to record, and stop beat altogether at its five-minute reload;
    here the outage is one warning, a reminder every five minutes, and one line
    when it ends (core/outage.py's Outage).
    """

    _last_beat = 0.0
    _lock: BeatLock | None = None
    _setup_pending = False

    def __init__(self, *args, **kwargs):
        self.database = Outage(
            "Database",
            logger,
            meanwhile="beat sends no scheduled task until it answers, then each one "
            "that fell due meanwhile, once",
        )
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        # Beat started while the database is away: its tick reads the schedule
        # once it answers, rather than beat dying at start (and again at each restart).
        if self._database_answers():
            super().setup_schedule()
        else:
            self._setup_pending = True

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        try:
            return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        except SchedulingError:
            if entry.args or broker_reachable():
                raise
            with transaction.atomic():
                outbox_enqueue(
                    task_name=entry.task,
                    kwargs_list=[dict(entry.kwargs or {})],
                    queue=(entry.options or {}).get("queue"),
                )
            logger.warning(
                "Broker unreachable: %s (%s) kept in the outbox, sent when it is back",
                entry.name,
                entry.task,
            )
            return None

    def tick(self, *args, **kwargs):
        if not self._database_answers():
            return self.max_interval
        if self._setup_pending:
            self._setup_pending = False
            super().setup_schedule()
        now = time.monotonic()
        if now - self._last_beat >= EVERY:
            self._keep_the_schedule()
            try:
                heartbeat_record("beat")
            except Error as error:
                self._database_lost(error)
                return self.max_interval
            self._last_beat = now
        return super().tick(*args, **kwargs)

    def _database_answers(self) -> bool:
        try:
            close_old_connections()  # one a restart cut is dropped, and opened again
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Error as error:
            self._database_lost(error)
            return False
        if self.database.answered():
            # The runs sent before it went are recorded first, and this beat
            # checks it still holds the schedule before it sends anything.
            self.sync()
            self._last_beat = 0.0
        return True

    def _database_lost(self, error: Error) -> None:
        close_old_connections()
        self.database.failed(error)

    def sync(self):
        """Record the runs sent since the last sync. django-celery-beat's own
        takes each run off its list before saving it, so the one a database
        error interrupts is forgotten, and read back later as not run: sent twice."""
        if self.database.down:
            return
        try:
            close_old_connections()
            for name in list(self._dirty):
                # One no longer scheduled (or never read) has nothing to record.
                entry = (self._schedule or {}).get(name)
                with contextlib.suppress(ObjectDoesNotExist):
                    if entry is not None:
                        entry.save()
                self._dirty.discard(name)
        except Error as error:
            self._database_lost(error)

    def enabled_models_qs(self):
        # django-celery-beat reads only the crontabs within two hours of now
        # (for schedules of thousands; Accord's are a dozen): the night's backup,
        # due during an outage that outlasted that, was read back without it,
        # and skipped. All of them, so each is sent once the database is back.
        return self.Model.objects.enabled()

    def all_as_schedule(self):
        # Read again over runs not yet recorded, the schedule would hold their
        # previous run, and send them again.
        if self._schedule is not None and self._dirty:
            return self._schedule
        try:
            return super().all_as_schedule()
        except Error as error:
            self._database_lost(error)
            if not self._schedule:
                self._initial_read = True  # read at the next tick that reaches it
                return {}
            return self._schedule

    def _keep_the_schedule(self) -> None:
        """One beat at a time (ops/beat_lock.py): the first tick waits, as a
        standby, until no other beat holds the schedule; later ones stop this
        beat if another took it while its connection was cut."""
        if self._lock is None:
            self._lock = BeatLock(database=self.database)
            self._lock.wait()
        elif self._lock.check() is Hold.LOST:
            logger.error(
                "Another beat took the schedule while this one was cut off from the "
                "database: this one stops (started again, it waits as a standby)"
            )
            raise SystemExit(1)

    def close(self):
        super().close()
        if self._lock is not None:
            self._lock.release()
