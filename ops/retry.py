"""How every Celery task rides out a database restart or failover: one rule,
which every task of Accord's apps is declared with (`@database_task`);
tests/ops/test_retry.py fails for a task registered without it.

A task already queued when PostgreSQL goes away fails in the worker with an
OperationalError (or an InterfaceError on a connection the restart cut). It is
sent again after 5, 10, 20 … 300 s, some fifteen minutes in all, without
jitter. Celery's default (1 s doubling, with "full jitter", five times) gave up
within seconds: a PostgreSQL restart of half a minute lost the month's
scheduled assessment, which beat sends once, and the day's reminders, early
warnings and expiries, which beat sends once a day.

Each task is acknowledged late (settings.CELERY_TASK_ACKS_LATE says so for
all; the base says it again, as the rule relies on it): the message leaves the
broker only once the task has finished, or once its retry, a message of its
own, is queued. A worker that dies meanwhile leaves it to be delivered again.
So a task may run twice: each must be safe to run again (it finds its work
done, or does it anew), which is why Accord's tasks take ids and upsert.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

DATABASE_ERRORS = (OperationalError, InterfaceError)


class DatabaseTask(Task):
    """The base of every Accord task (through `database_task`)."""

    acks_late = True
    autoretry_for = DATABASE_ERRORS
    retry_backoff = 5
    retry_backoff_max = 300
    retry_jitter = False
    max_retries = 8


def database_task(function=None, *, also_retry_for: tuple = (), **options):
    """`shared_task` with the rule above: `@database_task`, or
    `@database_task(also_retry_for=(EmailNotSent,), max_retries=…)` for a task
    that also waits out a failure of its own (a mail server away). Options are
    Celery's; a `base` must itself be a DatabaseTask."""
    base = options.setdefault("base", DatabaseTask)
    if not issubclass(base, DatabaseTask):
        raise TypeError(f"{base.__name__} must be a subclass of ops.retry.DatabaseTask")
    if "autoretry_for" in options:
        raise TypeError("Name the errors a task also retries for in also_retry_for")
    options["autoretry_for"] = base.autoretry_for + tuple(also_retry_for)
    decorate = shared_task(**options)
    return decorate(function) if function is not None else decorate
