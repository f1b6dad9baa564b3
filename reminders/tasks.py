"""Celery tasks for reminders: thin, taking ids and calling the services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from notifications.services import EmailNotSent
from ops.outbox import outbox_enqueue

from . import services

logger = logging.getLogger(__name__)

# A rerun is harmless (nothing is stored or emailed twice), so a task that met a
# database hiccup or a mail server that did not answer is simply run again.
RETRY = {
    "acks_late": True,
    "autoretry_for": (EmailNotSent, OperationalError, InterfaceError),
    "retry_backoff": 60,
    "retry_backoff_max": 60 * 60,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_daily_reminders():
    """Daily (beat): `services.reminders_daily_run`."""
    run = services.reminders_daily_run(today=timezone.localdate())
    logger.info("Reminders stored: %s", run.stored)
    if run.resent:
        logger.info("Emailed %d reminder(s) an earlier attempt could not send", run.resent)
    if run.digests:
        logger.info("Emailed %d daily digest(s)", run.digests)
    return run.stored


@shared_task(**RETRY)
def remind_scorecard_returned(event_id: int):
    """Queued once a return commits (`evaluation.hooks.scorecard_returned`)."""
    return services.scorecard_returned_notify(event_id=event_id)


def queue_scorecard_returned(*, event_id: int) -> None:
    # Through the outbox: sent straight to a broker that is away, the task was
    # lost (the failure only logged), and the owners never heard of the return.
    outbox_enqueue(task_name=remind_scorecard_returned.name, kwargs_list=[{"event_id": event_id}])
