"""Celery tasks for reminders: thin, taking ids and calling the services."""

import logging

from django.utils import timezone

from notifications.services import EmailNotSent
from ops.outbox import outbox_enqueue
from ops.retry import database_task

from . import services

logger = logging.getLogger(__name__)

# A rerun is harmless (nothing is stored or emailed twice), so a task that met a
# database restart (ops.retry) or a mail server that did not answer is simply
# run again: every 5 minutes at most, for some three hours, the mail server's
# outage being the longer; what is still owed then, the next day's run sends.
RETRY = {"also_retry_for": (EmailNotSent,), "max_retries": 40}


@database_task(**RETRY)
def send_daily_reminders():
    """Daily (beat): `services.reminders_daily_run`."""
    run = services.reminders_daily_run(today=timezone.localdate())
    logger.info("Reminders stored: %s", run.stored)
    if run.resent:
        logger.info("Emailed %d reminder(s) an earlier attempt could not send", run.resent)
    if run.digests:
        logger.info("Emailed %d daily digest(s)", run.digests)
    return run.stored


@database_task(**RETRY)
def remind_scorecard_returned(event_id: int):
    """Queued once a return commits (`evaluation.hooks.scorecard_returned`)."""
    return services.scorecard_returned_notify(event_id=event_id)


def queue_scorecard_returned(*, event_id: int) -> None:
    # Through the outbox: sent straight to a broker that is away, the task was
    # lost (the failure only logged), and the owners never heard of the return.
    outbox_enqueue(task_name=remind_scorecard_returned.name, kwargs_list=[{"event_id": event_id}])
