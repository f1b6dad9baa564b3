"""The outbox: rows written with the work, sent on commit or by the relay;
and which chunks the minute's sweep sends again."""

import datetime as dt

import pytest
from django.utils import timezone

from evaluation import services, tasks
from evaluation.models import AssessmentChunk
from ops.models import OutboxMessage
from ops.outbox import outbox_enqueue, outbox_relay
from tests.factories import partnership_with_data
from tests.ops.faults import redis_down
from tests.workers import new_queue

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2025, 10, 1)


def test_it_sends_on_commit_when_the_broker_is_there(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = outbox_enqueue(
            task_name="ops.tasks.relay_outbox", kwargs_list=[{}], queue=new_queue()
        )
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


def test_it_keeps_what_the_broker_cannot_take_and_the_relay_sends_it_later(
    django_capture_on_commit_callbacks,
):
    queue = new_queue()
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task_name="ops.tasks.relay_outbox", kwargs_list=[{}, {}], queue=queue)
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert unsent.count() == 2
    assert all(m.attempts == 1 and "OperationalError" in m.last_error for m in unsent)

    assert outbox_relay() == 2
    assert outbox_relay() == 0  # idempotent: nothing is sent twice
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def chunks_of_a_run(count):
    for _ in range(count):
        partnership_with_data()
    run = services.assessment_run_start(period_start=OCTOBER, chunk_size=1)
    return run, list(AssessmentChunk.objects.filter(run=run).order_by("index"))


def sent_again(run):
    return services.assessment_run_stalled_chunks(
        run=run,
        queued_before=timezone.now() - tasks.STALLED_AFTER,
        waiting=[],
    )


def test_the_sweep_sends_again_a_chunk_whose_lease_ran_out_and_only_that():
    run, (expired, held, queued, lost) = chunks_of_a_run(4)
    now = timezone.now()
    AssessmentChunk.objects.filter(pk=expired.pk).update(
        lease_expires_at=now - dt.timedelta(seconds=1)
    )
    AssessmentChunk.objects.filter(pk=held.pk).update(
        lease_expires_at=now + dt.timedelta(seconds=30)
    )
    AssessmentChunk.objects.filter(pk=queued.pk).update(enqueued_at=now)
    AssessmentChunk.objects.filter(pk=lost.pk).update(enqueued_at=now - dt.timedelta(minutes=16))
    assert sorted(sent_again(run)) == sorted([expired.pk, lost.pk])


def test_a_chunk_still_in_the_outbox_is_not_sent_again(django_capture_on_commit_callbacks):
    run, (chunk,) = chunks_of_a_run(1)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        tasks.send_chunks([chunk.pk], queue=new_queue())
    AssessmentChunk.objects.filter(pk=chunk.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(hours=1)
    )
    tasks.resume_stalled_assessments()
    assert OutboxMessage.objects.count() == 1


def test_claiming_a_chunk_gives_it_a_lease_and_finishing_ends_it(settings):
    settings.ACCORD_CHUNK_LEASE_SECONDS = 30
    run, (chunk,) = chunks_of_a_run(1)
    assert services.assessment_chunk_claim(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert chunk.lease_expires_at > timezone.now() + dt.timedelta(seconds=25)
    services.assessment_chunk_execute(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert (chunk.status, chunk.lease_expires_at, chunk.attempts) == ("done", None, 2)
    assert not services.assessment_chunk_claim(chunk_id=chunk.pk)


def test_a_schedule_due_while_the_broker_is_away_waits_in_the_outbox():
    # Celery's beat logged the failure and moved the schedule on: the night's
    # backup, or the month's assessment, did not happen at all.
    from celery import current_app
    from celery.beat import ScheduleEntry

    from ops.heartbeats import BeatScheduler

    scheduler = BeatScheduler(app=current_app, lazy=True)
    # Its sync writes the schedule's rows and closes the connection: not the test's.
    scheduler.sync = lambda: None
    entry = ScheduleEntry(
        name="Back up",
        task="ops.tasks.relay_outbox",
        options={"queue": new_queue()},
        app=current_app,
    )
    scheduler.apply_async(entry)  # connected, as a running beat is
    with redis_down():
        scheduler.apply_entry(entry)

    (message,) = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert (message.task_name, message.kwargs) == ("ops.tasks.relay_outbox", {})
    assert message.queue == entry.options["queue"]
    assert outbox_relay() == 1
