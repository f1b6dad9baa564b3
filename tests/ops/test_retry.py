"""Tasks a person waits on, or that nothing sends again, ride out a database
restart (`ops.retry.DATABASE_RETRY`): an assessment's chunks and the month's
scheduled start, a large import's progress bar, an export's, the read
model's rebuild after a run."""

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

from dashboards.tasks import export_job_run, rebuild_read_model
from evaluation.tasks import assess_chunk, assess_last_month
from partnerships.tasks import import_job_run


@pytest.mark.parametrize(
    "task", [assess_chunk, assess_last_month, import_job_run, export_job_run, rebuild_read_model]
)
def test_a_database_restart_does_not_use_up_the_retries(task):
    """The month's assessment is sent once by beat, and a chunk given up is
    only swept again fifteen minutes later; without retries, a job whose worker
    met a restarting PostgreSQL stayed "checking" or "writing" for good, its
    page waiting on it. The retries outlast a restart or a failover (some
    minutes), whatever the draw of a jitter."""
    assert OperationalError in task.autoretry_for and InterfaceError in task.autoretry_for
    waits = [
        get_exponential_backoff_interval(
            factor=task.retry_backoff,
            retries=attempt,
            maximum=task.retry_backoff_max,
            full_jitter=task.retry_jitter,
        )
        for attempt in range(task.max_retries)
    ]
    assert not task.retry_jitter  # with it, every wait may be drawn as 0 s
    assert waits[0] <= 10
    assert sum(waits) >= 10 * 60
