"""Assessments through Celery: real worker processes, real Redis, real PostgreSQL."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count

from evaluation import services, tasks
from evaluation.models import AssessmentChunk, AssessmentRun, Scorecard
from tests.factories import partnership_with_data
from tests.workers import Worker, new_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The month just closed, whatever day the tests run.
PERIOD = services.last_closed_month(dt.date.today()).start


def start(queue, chunk_size=services.CHUNK_SIZE) -> AssessmentRun:
    with transaction.atomic():
        run = services.assessment_run_start(period_start=PERIOD, chunk_size=chunk_size)
        tasks.send_chunks(services.assessment_run_pending_chunks(run=run), queue=queue)
    return run


def completed(run):
    return lambda: AssessmentRun.objects.get(pk=run.pk).status == "completed"


def one_scorecard_each(partnerships):
    counts = (
        Scorecard.objects.filter(period_start=PERIOD)
        .values("partnership_id")
        .annotate(n=Count("id"))
        .values_list("partnership_id", "n")
    )
    return dict(counts) == {p.pk: 1 for p in partnerships}


def test_a_run_and_its_rerun_leave_one_scorecard_per_partnership():
    partnerships = [partnership_with_data() for _ in range(6)]
    queue = new_queue()
    worker = Worker(queue)
    try:
        first = start(queue, chunk_size=4)
        wait_for(completed(first), what="the first run completed")
        second = start(queue, chunk_size=4)
        wait_for(completed(second), what="the rerun completed")
    finally:
        print(worker.stop())

    assert AssessmentRun.objects.get(pk=first.pk).assessed_count == 6
    assert AssessmentRun.objects.get(pk=second.pk).assessed_count == 6
    assert one_scorecard_each(partnerships)


def test_a_worker_killed_mid_run_loses_nothing():
    partnerships = [partnership_with_data(metrics=1) for _ in range(60)]
    queue = new_queue()
    run = start(queue, chunk_size=1)
    chunks = AssessmentChunk.objects.filter(run=run)

    worker = Worker(queue)
    wait_for(lambda: chunks.filter(status="done").exists(), what="a first chunk done")
    worker.kill()  # SIGKILL: no chance to finish or acknowledge anything

    done = chunks.filter(status="done").count()
    assert 0 < done < 60, f"the worker was not stopped mid-run ({done} chunks done)"
    assert AssessmentRun.objects.get(pk=run.pk).status == "running"

    # A new worker takes what was left in the queue; the chunk that was in
    # hand when the worker died is sent again, as the beat task would.
    worker = Worker(queue)
    try:
        with transaction.atomic():
            tasks.send_chunks(services.assessment_run_pending_chunks(run=run), queue=queue)
        wait_for(completed(run), timeout=120, what="the resumed run completed")
    finally:
        print(worker.stop())

    run.refresh_from_db()
    assert (run.assessed_count, run.failed_count) == (60, 0)
    assert one_scorecard_each(partnerships)
