"""Celery tasks: a thin interface that calls a service."""

import logging

from django.utils import timezone

from ops.retry import database_task

from . import services

logger = logging.getLogger(__name__)


@database_task
def expire_agreements():
    """Daily: agreements past their expiry date become expired."""
    count = services.agreements_expire(today=timezone.localdate())
    logger.info("Marked %d agreement(s) expired", count)
    return count


# A database restart while the file is checked or saved (one transaction, so
# nothing half saved): the job, still under way, runs again once it is back,
# where it had stayed "checking" for good, its page waiting on it.
@database_task
def import_job_run(job_id: int):
    """A large import file: checked and saved here, so no request waits on it."""
    # Imported here: the service imports this module to send the task.
    from .import_jobs import import_job_run

    import_job_run(job_id=job_id)
