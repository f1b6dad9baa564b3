"""Tasks a person waits on, or that nothing sends again, ride out a database
restart (`ops.retry.DATABASE_RETRY`): a large import's progress bar, an
export's, the read model's rebuild after a run (the assessment's own tasks:
tests/evaluation/test_assessment.py)."""

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

from dashboards.tasks import export_job_run, rebuild_read_model
from partnerships.tasks import import_job_run


@pytest.mark.parametrize("task", [import_job_run, export_job_run, rebuild_read_model])
def test_a_database_restart_does_not_use_up_the_retries(task):
    """Without them, a job whose worker met a restarting PostgreSQL stayed
    "checking" or "writing" for good, its page waiting on it."""
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
