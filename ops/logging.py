"""Log formats and filters, wired in config/settings.py (LOGGING).

Imported by the logging configuration before the apps are ready: standard
library only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

# LogRecord attributes that are not extras a caller passed.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


READINESS_PATH = "/-/ready"


class ExpectedRefusalFilter(logging.Filter):
    """A refusal the application meant (403, 404, 400, 405) stays one line:
    Django logs it with the exception that produced it, whose traceback says
    nothing a reader needs. Real errors (5xx) keep theirs. A 503 from the
    readiness endpoint is its answer, not an error of its own: a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        request = getattr(record, "request", None)
        if status == 503 and getattr(request, "path", None) == READINESS_PATH:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class AsWarningFilter(logging.Filter):
    """Records of the logger it is set on are warnings, whatever level they were
    logged at. Django logs a request naming a host not in ALLOWED_HOSTS as an
    ERROR (django.security.DisallowedHost): the scanners that probe every
    address on the internet send thousands a day, and the log's errors, which
    someone should read, were mostly theirs. Refused with a 400 all the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        # Its logger let it through as an error: at LOG_LEVEL=ERROR it is dropped now.
        return logging.getLogger(record.name).isEnabledFor(record.levelno)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the extras that
    can be shown as JSON, and the traceback as one string if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in entry:
                entry[name] = value if _plain(value) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def _plain(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


class Outage:
    """A dependency polled over and over (beat's tick, a worker's heartbeat)
    that stops answering: one warning when it goes (what, since when, what
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
