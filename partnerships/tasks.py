"""Celery tasks: a thin interface that calls a service."""

import logging

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def expire_agreements():
    """Daily: agreements past their expiry date become expired."""
    count = services.agreements_expire(today=timezone.localdate())
    logger.info("Marked %d agreement(s) expired", count)
    return count


@shared_task(acks_late=True)
def import_job_run(job_id: int):
    """A large import file: checked and saved here, so no request waits on it."""
    # Imported here: the service imports this module to send the task.
    from .import_jobs import import_job_run

    import_job_run(job_id=job_id)
