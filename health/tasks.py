"""Celery tasks for health checks: thin, taking ids and calling the services."""

import logging

from django.utils import timezone

from ops.retry import database_task

from . import services

logger = logging.getLogger(__name__)

# A rerun is harmless (each email is recorded as sent before it is sent,
# core/mail.py), so a mail server that did not answer (OSError covers smtplib's
# errors) or a database restart (ops.retry) is simply retried, for some three
# hours; what still fails stays unsent, shown on the round's page and swept
# again by the daily task.
RETRY = {"also_retry_for": (OSError,), "max_retries": 40}


@database_task(**RETRY)
def send_invitation(respondent_id: int):
    return services.invitation_send(respondent_id=respondent_id)


@database_task(**RETRY)
def send_reminder(respondent_id: int):
    return services.reminder_send(respondent_id=respondent_id)


@database_task(**RETRY)
def run_health_checks():
    """Daily (beat): close, open and remind as the schedule says."""
    counts = services.health_checks_run(today=timezone.localdate())
    logger.info("Health checks: %s", counts)
    return counts
