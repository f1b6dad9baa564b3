"""A task sent through the real Redis broker runs in a real worker process."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from partnerships.models import Agreement
from partnerships.tasks import expire_agreements
from tests.factories import AgreementFactory

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the test database, which the worker process must use too."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker():
    """A `celery worker` process on a queue of its own, stopped after the test."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = os.environ | {"DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_task_sent_through_redis(worker):
    past = AgreementFactory(
        status="active", effective_date=dt.date(2019, 1, 1), expiry_date=dt.date(2020, 12, 31)
    )
    future = AgreementFactory(status="active", expiry_date=dt.date(2099, 12, 31))

    expire_agreements.apply_async(queue=worker)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        past.refresh_from_db()
        if past.status == "expired":
            break
        time.sleep(0.25)
    assert past.status == "expired", "the worker did not run the task within 60 s"
    assert Agreement.objects.get(pk=future.pk).status == "active"
