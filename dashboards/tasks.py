"""Celery tasks of the dashboards: thin, calling the services."""

import logging

from ops.retry import database_task

logger = logging.getLogger(__name__)


# A database restart while the file is written: the job, still under way, is
# written again once it is back (the page's progress bar waits meanwhile).
@database_task
def export_job_run(job_id: int):
    """A portfolio export too large for a request: written here."""
    # Imported here: the service imports the outbox, which sends this task by name.
    from .export_jobs import export_job_run

    export_job_run(job_id=job_id)


@database_task
def expire_export_jobs():
    """Daily (beat): exports asked for more than a week ago are deleted, files and all."""
    from .export_jobs import export_jobs_expire

    count = export_jobs_expire()
    logger.info("Deleted %d expired export(s)", count)
    return count


@database_task
def rebuild_read_model():
    """The portfolio's read model written anew after a change that names no
    partnership (a run finishing, the day's expiries); then the cached
    portfolios, computed from the rows it replaced, are left behind."""
    from .cache import bump_generation
    from .readmodel import rebuild_if_built

    if rebuild_if_built():
        bump_generation()
