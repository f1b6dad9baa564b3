"""What the readiness endpoint checks: each function answers None when the
dependency is fine, else a short reason fit for a public answer (no host names,
no error texts, nothing about the data)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection

from .heartbeats import heartbeats_fresh, stale_after
from .outbox import broker_reachable

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Readiness: database unreachable: %s", error)
        # A broken connection is not reused by the next check.
        connection.close()
        return "unreachable"
    return None


def check_cache() -> str | None:
    # The cache never fails a page (core/cache.py), so ask it directly.
    is_reachable = getattr(cache, "is_reachable", None)
    if is_reachable is not None and not is_reachable():
        return "unreachable"
    return None


def check_broker() -> str | None:
    return None if broker_reachable() else "unreachable"


def _check_heartbeat(prefix: str, what: str) -> str | None:
    try:
        fresh = heartbeats_fresh(prefix)
    except DatabaseError:
        connection.close()
        return "unknown (database unreachable)"
    if not fresh:
        return f"no {what} heartbeat in the last {int(stale_after().total_seconds())} s"
    return None


def check_worker() -> str | None:
    return _check_heartbeat("worker:", "worker")


def check_beat() -> str | None:
    return _check_heartbeat("beat", "beat")


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
    "beat": check_beat,
}
