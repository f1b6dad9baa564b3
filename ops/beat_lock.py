"""One beat at a time, whatever is started.

Two beats would send every scheduled task twice (two backups, two reminder
runs). A second beat started against the same database (a rolling deploy, a
second machine, a hand-started one) waits as a standby instead, and takes over
within seconds when the first stops or dies.

The lock is PostgreSQL's session advisory lock, held on a connection of beat's
own, apart from Django's (which beat closes and opens again as it goes): it
ends with that connection, so a beat killed outright frees it at once. A
database restart ends it too: beat checks it with each heartbeat and takes it
again, or, if a standby took it meanwhile, stops; its supervisor starts it
again, as a standby.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import time

from django.db import connections

from core.outage import Outage

logger = logging.getLogger(__name__)

# pg_advisory_lock's key: one bigint (apart from the two-key chain locks).
LOCK_NAME = "accord.beat"
STANDBY_POLL_SECONDS = 5.0


class Hold(enum.Enum):
    HELD = "held"
    LOST = "lost"  # another beat holds it now
    UNKNOWN = "unknown"  # the database cannot be reached: nobody can take it meanwhile


class BeatLock:
    def __init__(self, alias: str = "default", *, database: Outage | None = None) -> None:
        self.alias = alias
        self.connection = None
        # The driver's own errors: this connection is not wrapped by Django.
        self.errors = connections[alias].Database.Error
        # Says once that the database is away, and when it is back (beat
        # passes its own, so one outage is one warning whoever meets it).
        self.database = database or Outage(
            "Database", logger, meanwhile="this beat cannot tell whether it may take the schedule"
        )

    def _cursor(self):
        if self.connection is None or self.connection.closed:
            wrapper = connections[self.alias]
            self.connection = wrapper.get_new_connection(wrapper.get_connection_params())
            self.connection.autocommit = True
        return self.connection.cursor()

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(self.errors):
                self.connection.close()
        self.connection = None

    @property
    def backend_pid(self) -> int | None:
        return None if self.connection is None else self.connection.get_backend_pid()

    def try_acquire(self) -> Hold:
        """HELD if this beat holds the lock now, LOST if another does, UNKNOWN
        if the database cannot be reached."""
        try:
            with self._cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [LOCK_NAME])
                held = cursor.fetchone()[0]
        except self.errors as error:
            self.database.failed(error)
            self._drop()
            return Hold.UNKNOWN
        self.database.answered()
        return Hold.HELD if held else Hold.LOST

    def check(self) -> Hold:
        """Whether this beat still holds the lock. A session lock lasts as long
        as its connection: while that answers, it is held; once it is gone (a
        database restart, a terminated backend), the lock is taken again if free."""
        if self.connection is not None and not self.connection.closed:
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return Hold.HELD
            except self.errors:
                self._drop()
        return self.try_acquire()

    def wait(self, *, poll: float = STANDBY_POLL_SECONDS) -> None:
        """Return once this beat holds the lock: at once if no other beat runs."""
        standby = False
        while (hold := self.try_acquire()) is not Hold.HELD:
            if hold is Hold.LOST and not standby:
                logger.warning(
                    "Another beat holds the schedule: "
                    "this one waits as a standby and takes over when it is free"
                )
                standby = True
            time.sleep(poll)
        if standby:
            logger.warning("This beat took over the schedule")

    def release(self) -> None:
        """Let go of the schedule: unlocked here, before the connection closes,
        since a closed connection's backend ends (and frees its locks) a moment
        later, in its own time; a standby's next try finds the lock free."""
        if self.connection is not None and not self.connection.closed:
            with contextlib.suppress(self.errors), self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_all()")
        self._drop()
