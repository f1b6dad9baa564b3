"""A dependency that stops answering, said once in the log rather than at each try.

Standard library only: the cache (core/cache.py) uses it, as do beat and the
workers (ops/).
"""

from __future__ import annotations

import datetime as dt
import logging


class Outage:
    """A dependency called over and over (beat's tick, a worker's heartbeat,
    the cache on every page) that stops answering: one warning when it goes (what, since when, what
    happens meanwhile), a one-line reminder every `remind_every` seconds while
    it stays away, and one line when it answers again. Logging each failed try
    instead filled a night's log with thousands of identical tracebacks, and
    buried the one line that mattered."""

    def __init__(
        self, what: str, logger: logging.Logger, *, meanwhile: str, remind_every: float = 300
    ) -> None:
        self.what, self.logger, self.meanwhile = what, logger, meanwhile
        self.remind_every = remind_every
        self.since: dt.datetime | None = None
        self._reminded: dt.datetime | None = None

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> None:
        now = dt.datetime.now(dt.UTC)
        if self.since is None:
            self.since = self._reminded = now
            self.logger.warning(
                "%s unreachable since %s (%s: %s): %s; retrying until it answers",
                self.what,
                _moment(now),
                type(error).__name__,
                (str(error).strip().splitlines() or [""])[0],
                self.meanwhile,
            )
        elif (now - self._reminded).total_seconds() >= self.remind_every:
            self._reminded = now
            self.logger.warning(
                "%s still unreachable, for %s (since %s); retrying",
                self.what,
                _duration(now - self.since),
                _moment(self.since),
            )

    def answered(self) -> bool:
        """Whether this answer ends an outage (and says so)."""
        if self.since is None:
            return False
        self.logger.info(
            "%s reachable again, after %s (unreachable since %s)",
            self.what,
            _duration(dt.datetime.now(dt.UTC) - self.since),
            _moment(self.since),
        )
        self.since = self._reminded = None
        return True


def _moment(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(span: dt.timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
