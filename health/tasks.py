"""Celery tasks for health checks: thin, taking ids and calling the services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)

# A rerun is harmless (each email is sent once, under a row lock), so a mail
# server that did not answer (OSError covers smtplib's errors) or a database
# hiccup is simply retried; what still fails stays unsent, shown on the
# round's page and swept again by the daily task.
RETRY = {
    "acks_late": True,
    "autoretry_for": (OSError, OperationalError, InterfaceError),
    "retry_backoff": 60,
    "retry_backoff_max": 60 * 60,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_invitation(respondent_id: int):
    return services.invitation_send(respondent_id=respondent_id)


@shared_task(**RETRY)
def send_reminder(respondent_id: int):
    return services.reminder_send(respondent_id=respondent_id)


@shared_task(**RETRY)
def run_health_checks():
    """Daily (beat): close, open and remind as the schedule says."""
    counts = services.health_checks_run(today=timezone.localdate())
    logger.info("Health checks: %s", counts)
    return counts
