import os

import pghistory
from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun

from ops.workers import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("accord")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker says it is alive, for /-/ready.
app.steps["worker"].add(WorkerHeartbeat)


@setup_logging.connect
def _log_as_settings_say(**kwargs):
    """Worker and beat log as the web does: settings.LOGGING (LOG_LEVEL,
    ACCORD_LOG_FORMAT) to standard error. Without a receiver here Celery replaces
    the root logger's handler with its own text format and level (--loglevel),
    so ACCORD_LOG_FORMAT=json said nothing of the worker's and beat's lines."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# A task's writes are history with the task's name and run as their context,
# as a page's are with its user. Signals rather than a base class: they reach
# every task, those with a base of their own too, and their failure handlers.
_history_contexts: dict[str, pghistory.context] = {}


@task_prerun.connect
def _enter_history_context(task_id=None, task=None, **kwargs):
    context = pghistory.context(task=task.name, task_id=task_id)
    context.__enter__()
    _history_contexts[task_id] = context


@task_postrun.connect
def _leave_history_context(task_id=None, **kwargs):
    context = _history_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
