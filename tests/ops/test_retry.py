"""Every task rides out a database restart (`ops.retry.database_task`): a
task already queued when PostgreSQL goes away runs once it is back, where it
failed in the worker and was lost (the day's expiries, early warnings and
reminders are sent once a day by beat, the month's assessment once a month)."""

import datetime as dt
import threading
import time

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError, connection

from config.celery import app
from ops.retry import DatabaseTask, database_task
from partnerships.models import AgreementStatus
from partnerships.tasks import expire_agreements
from tests.factories import AgreementFactory
from tests.ops.faults import postgres_down, wait_for
from tests.workers import Worker, new_queue


def registered_tasks():
    """Every task of the app's registry but Celery's own (`celery.*`): a new
    task is checked without anyone adding it here."""
    app.loader.import_default_modules()
    return sorted(
        (task for name, task in app.tasks.items() if not name.startswith("celery.")),
        key=lambda task: task.name,
    )


def test_the_registry_holds_the_tasks_of_every_app():
    names = {task.name for task in registered_tasks()}
    assert {
        "dashboards.tasks.export_job_run",
        "evaluation.tasks.assess_chunk",
        "health.tasks.run_health_checks",
        "lifecycle.tasks.raise_early_warnings",
        "ops.tasks.relay_outbox",
        "partnerships.tasks.expire_agreements",
        "reminders.tasks.send_daily_reminders",
    } <= names


@pytest.mark.parametrize("task", registered_tasks(), ids=lambda task: task.name)
def test_every_task_rides_out_a_database_restart(task):
    """The retries outlast a restart or a failover (some minutes), whatever the
    draw of a jitter; the first comes soon, for a blip."""
    assert isinstance(task, DatabaseTask), "declare it with @ops.retry.database_task"
    assert OperationalError in task.autoretry_for and InterfaceError in task.autoretry_for
    assert hasattr(task, "_orig_run"), "its run is not wrapped with the retry"
    assert task.acks_late
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
    assert max(waits) <= 300


def test_a_task_cannot_lose_the_database_errors_from_its_retries():
    def run():
        pass

    with pytest.raises(TypeError, match="also_retry_for"):
        database_task(autoretry_for=(ValueError,))(run)
    with pytest.raises(TypeError, match="subclass of ops.retry.DatabaseTask"):
        database_task(base=app.Task)(run)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_queued_before_postgresql_went_away_runs_once_it_is_back():
    """The day's expiries, sent by beat just before a restart of 20 s: they
    used to be retried five times within seconds, then lost until the next day."""
    agreement = AgreementFactory(status="active", expiry_date=dt.date.today() - dt.timedelta(1))
    queue = new_queue()
    worker = Worker(queue)
    ready = threading.Event()

    def read_until_ready():
        for line in worker.process.stdout:
            if "ready." in line:
                ready.set()
                return

    threading.Thread(target=read_until_ready, daemon=True).start()
    try:
        assert ready.wait(90), "the worker did not start"
        with postgres_down() as postgres:
            expire_agreements.apply_async(queue=queue)
            time.sleep(20)
            postgres.start()
        connection.close()  # this thread's connection was cut too
        took = wait_for(
            lambda: type(agreement).objects.get(pk=agreement.pk).status == AgreementStatus.EXPIRED,
            timeout=120,
            what="the agreement expired",
        )
        print(f"\n[recovery] task done {took:.1f} s after PostgreSQL was back")
    finally:
        output = worker.stop()
    assert "Retry in" in output, output
