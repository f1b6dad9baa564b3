"""How a Celery task rides out a database restart or failover."""

from django.db import InterfaceError, OperationalError

# Retries through a database restart or failover: 5, 10, 20 … 300 s, some
# fifteen minutes in all, without jitter. Celery's default (1 s doubling, with
# "full jitter", five times) gave up within seconds: a PostgreSQL restart of
# half a minute lost the month's scheduled assessment, which beat sends once,
# and left a chunk for the stalled-chunk sweep, fifteen minutes later. For a
# task that is safe to run again (it finds its work done, or does it anew).
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": False,
    "max_retries": 8,
}
