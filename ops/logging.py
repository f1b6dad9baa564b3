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
