"""Signs of life of the Celery worker(s) and beat, for the readiness check.

Each worker writes `worker:<hostname>` from a thread of its own (ops/workers.py:
a task queued behind a long assessment would say nothing about the worker);
beat writes `beat` from its scheduler's tick. Both every EVERY seconds, to the database,
which outlives a Redis outage.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from celery.beat import SchedulingError
from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

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
    """

    _last_beat = 0.0
    _lock: BeatLock | None = None

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
        now = time.monotonic()
        if now - self._last_beat >= EVERY:
            self._keep_the_schedule()
            try:
                heartbeat_record("beat")
                self._last_beat = now
            except DatabaseError as error:
                logger.warning("Beat heartbeat not written: %s", type(error).__name__)
                close_old_connections()
        return super().tick(*args, **kwargs)

    def _keep_the_schedule(self) -> None:
        """One beat at a time (ops/beat_lock.py): the first tick waits, as a
        standby, until no other beat holds the schedule; later ones stop this
        beat if another took it while its connection was cut."""
        if self._lock is None:
            self._lock = BeatLock()
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
