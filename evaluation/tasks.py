"""Celery tasks for assessments: thin, taking ids and calling the services."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ops.outbox import outbox_enqueue, outbox_unsent
from ops.retry import DatabaseTask, database_task

from . import services
from .models import AssessmentRun, RunStatus, RunTrigger

logger = logging.getLogger(__name__)

# A chunk queued this long ago that no worker has taken was lost with one that
# had reserved it (a chunk a worker took has a lease, which says much sooner).
STALLED_AFTER = dt.timedelta(minutes=15)


class ChunkTask(DatabaseTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Out of retries, or an error no retry will mend: record it in the run
        # so it is reported, never silently dropped.
        chunk_id = kwargs.get("chunk_id", args[0] if args else None)
        services.assessment_chunk_fail(chunk_id=chunk_id, error=f"{type(exc).__name__}: {exc}")


@database_task(base=ChunkTask, reject_on_worker_lost=True)
def assess_chunk(chunk_id: int):
    services.assessment_chunk_execute(chunk_id=chunk_id)


@transaction.atomic
def send_chunks(chunk_ids: list[int], queue: str | None = None) -> None:
    """Queue chunks for the workers through the outbox, in the caller's
    transaction: sent once it commits, or once the broker is back."""
    services.chunks_mark_enqueued(chunk_ids)
    outbox_enqueue(
        task_name=assess_chunk.name,
        kwargs_list=[{"chunk_id": chunk_id} for chunk_id in chunk_ids],
        queue=queue,
    )


@transaction.atomic
def start_assessment(*, period_start, trigger, started_by=None, queue=None) -> AssessmentRun:
    """A run and the messages for its chunks, committed together."""
    run = services.assessment_run_start(
        period_start=period_start, trigger=trigger, started_by=started_by
    )
    send_chunks(services.assessment_run_pending_chunks(run=run), queue=queue)
    return run


@database_task
def assess_last_month():
    """Monthly (beat): assess the month just closed, or resume it if under way."""
    period = services.last_closed_month(timezone.localdate())
    under_way = AssessmentRun.objects.filter(
        period_start=period.start, status__in=(RunStatus.PENDING, RunStatus.RUNNING)
    ).first()
    if under_way is not None:
        send_chunks(services.assessment_run_pending_chunks(run=under_way))
        return under_way.pk
    try:
        with transaction.atomic():
            return start_assessment(period_start=period.start, trigger=RunTrigger.SCHEDULE).pk
    except ValidationError as error:
        logger.warning("No assessment started for %s: %s", period, error)
        return None


@database_task
def resume_stalled_assessments():
    """Every minute (beat): send again the chunks a lost worker left pending."""
    queued_before = timezone.now() - STALLED_AFTER
    # Chunks still in the outbox were never sent, so never lost.
    waiting = [
        kwargs["chunk_id"]
        for kwargs in outbox_unsent(task_name=assess_chunk.name).values_list("kwargs", flat=True)
    ]
    for run in AssessmentRun.objects.filter(status=RunStatus.RUNNING):
        chunk_ids = services.assessment_run_stalled_chunks(
            run=run, queued_before=queued_before, waiting=waiting
        )
        if chunk_ids:
            logger.warning("Resuming %d stalled chunk(s) of run %s", len(chunk_ids), run.pk)
            with transaction.atomic():
                send_chunks(chunk_ids)
        else:
            # Its last chunk committed but the worker died before finishing the run.
            services.assessment_run_finish(run.pk)
