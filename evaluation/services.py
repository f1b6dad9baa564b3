"""Assessment runs: start, assess chunk by chunk, finish, resume.

A run covers one month for every partnership that was active or struggling at
that month's end (`Partnership.objects.assessable_on`), whatever it is now. Its
partnerships are split into chunks; each chunk is assessed by one task in one
transaction that writes its scorecards and marks itself done together, so:
- a rerun is harmless: scorecards are upserted on (partnership, period), and an
  approved scorecard is never written over;
- a worker killed half way loses nothing: the chunk stays pending, its lease
  runs out, and the minute's sweep (`tasks.resume_stalled_assessments`) sends
  it again;
- one partnership that fails is recorded in the run and the others go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.queries import AnyOf
from core.upsert import insert_rows
from partnerships.models import FAMILY_OF_STAGE, Partnership, StageFamily
from partnerships.periods import Frequency, Period

from . import scoring
from .codes import SkipReason
from .hooks import scorecards_changed
from .inputs import load_inputs, policy_values
from .models import (
    AssessmentChunk,
    AssessmentRun,
    ChunkStatus,
    ReviewState,
    RunStatus,
    RunTrigger,
    Scorecard,
    ScorecardEvent,
    ScoringPolicy,
)
from .review import submission_events

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500


def _skipped(reason: SkipReason) -> dict:
    # The code is read in the reader's language (`codes.skip_text`); the English
    # reason is kept for the log and the API.
    with translation.override(settings.LANGUAGE_CODE):
        return {"code": reason.value, "reason": str(reason.label)}


# Columns a recomputation may change; the review fields are the reviewers'.
COMPUTED_FIELDS = [
    "period_end",
    "run_id",
    "policy_id",
    "outcomes_score",
    "objectives_score",
    "health_score",
    "agreement_score",
    "overall_score",
    "rating",
    "trend",
    "flags",
    "metric_results",
    "computed_at",
]


@dataclass(frozen=True)
class SubmittedScorecard:
    """What the review events record of a scorecard the assessment wrote."""

    pk: int
    partnership_id: int
    overall_score: Decimal | None
    rating: str
    review_state: str = ReviewState.IN_REVIEW
    override_rating: str = ""


def month_of(day: dt.date) -> Period:
    return Period.containing(day, Frequency.MONTHLY)


def last_closed_month(today: dt.date) -> Period:
    return month_of(today).previous()


@transaction.atomic
def assessment_run_start(
    *,
    period_start: dt.date,
    trigger: str = RunTrigger.SCHEDULE,
    started_by=None,
    chunk_size: int = CHUNK_SIZE,
) -> AssessmentRun:
    """Create a run for the month starting `period_start`, split into chunks.

    The caller sends the chunks to the workers once this has committed
    (`transaction.on_commit`), so a worker never looks for a run not yet saved.
    """
    period = month_of(period_start)
    if period.start != period_start:
        raise ValidationError({"period_start": gettext("Choose the first day of a month.")})
    if period.end >= timezone.localdate():
        raise ValidationError(
            {"period_start": gettext("Only a month that has ended can be assessed.")}
        )
    policy = ScoringPolicy.objects.get(is_active=True)
    run = AssessmentRun(
        period_start=period.start,
        period_end=period.end,
        policy=policy,
        status=RunStatus.RUNNING,
        trigger=trigger,
        started_by=started_by,
        started_at=timezone.now(),
    )
    under_way = AssessmentRun.objects.filter(
        period_start=period.start, status__in=(RunStatus.PENDING, RunStatus.RUNNING)
    )
    if under_way.exists():
        raise ValidationError(
            {"period_start": gettext("An assessment of this period is already under way.")}
        )
    run.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as error:
        # Another reviewer (or beat) started this period since the check above.
        raise ValidationError(
            {"period_start": gettext("An assessment of this period is already under way.")}
        ) from error
    ids = list(
        Partnership.objects.assessable_on(period.end).order_by("id").values_list("id", flat=True)
    )
    AssessmentChunk.objects.bulk_create(
        AssessmentChunk(run=run, index=index, partnership_ids=ids[offset : offset + chunk_size])
        for index, offset in enumerate(range(0, len(ids), chunk_size))
    )
    if not ids:
        assessment_run_finish(run.pk)
        run.refresh_from_db()
    return run


# pg_advisory_xact_lock's first key: the locks of chunks, apart from any other.
CHUNK_LOCK_SPACE = 7301


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ACCORD_CHUNK_LEASE_SECONDS)


def assessment_chunk_claim(*, chunk_id: int) -> bool:
    """Take a pending chunk for one lease (committed at once, so the sweep sees
    it); False if it is done already."""
    return bool(
        AssessmentChunk.objects.filter(pk=chunk_id, status=ChunkStatus.PENDING).update(
            lease_expires_at=timezone.now() + lease_length(), attempts=F("attempts") + 1
        )
    )


class LeaseKeeper:
    """Renews a chunk's lease every third of its length from a thread with its
    own connection, while the chunk's transaction works. A chunk assessed
    within a third of a lease never opens that connection."""

    def __init__(self, chunk_id: int) -> None:
        self.chunk_id = chunk_id
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"lease-{chunk_id}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.done.set()
        self.thread.join(timeout=lease_length().total_seconds())

    def _renew(self) -> None:
        every = lease_length().total_seconds() / 3
        try:
            while not self.done.wait(every):
                AssessmentChunk.objects.filter(pk=self.chunk_id, status=ChunkStatus.PENDING).update(
                    lease_expires_at=timezone.now() + lease_length()
                )
        except DatabaseError as error:
            # The lease runs out and the chunk is sent again: harmless.
            logger.warning("Lease of chunk %s not renewed: %s", self.chunk_id, error)
        finally:
            connections.close_all()


def assessment_chunk_execute(*, chunk_id: int) -> None:
    """Assess one chunk and, if it was the last, finish its run."""
    if not assessment_chunk_claim(chunk_id=chunk_id):
        return
    with LeaseKeeper(chunk_id), transaction.atomic():
        # A second delivery of the same chunk waits here, then finds it done.
        # Not a row lock: the lease keeper must be able to update the row.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [CHUNK_LOCK_SPACE, chunk_id % 2**31]
            )
        chunk = AssessmentChunk.objects.select_related("run__policy").get(pk=chunk_id)
        if chunk.status != ChunkStatus.PENDING:
            return
        run = chunk.run
        assessed, skipped, errors = assess_partnerships(
            chunk.partnership_ids,
            period_start=run.period_start,
            period_end=run.period_end,
            policy=run.policy,
            run=run,
        )
        chunk.assessed_count = assessed
        chunk.skipped = skipped
        chunk.errors = errors
        chunk.status = ChunkStatus.DONE
        chunk.finished_at = timezone.now()
        chunk.lease_expires_at = None
        chunk.save()
    assessment_run_finish(chunk.run_id)


def assessment_chunk_fail(*, chunk_id: int, error: str) -> None:
    """Record a chunk that could not be assessed after its retries; the run goes on."""
    with transaction.atomic():
        chunk = AssessmentChunk.objects.select_for_update().get(pk=chunk_id)
        if chunk.status != ChunkStatus.PENDING:
            return
        chunk.status = ChunkStatus.FAILED
        chunk.finished_at = timezone.now()
        chunk.errors = [{"partnership": pid, "error": error} for pid in chunk.partnership_ids]
        chunk.save()
    assessment_run_finish(chunk.run_id)


@transaction.atomic
def assessment_run_finish(run_id: int) -> None:
    """Complete the run once no chunk is pending (a no-op before then, or after).

    The run's row lock lets one finisher at a time count the chunks, so two
    last chunks finishing together complete it once, with the right totals.
    """
    run = AssessmentRun.objects.select_for_update().get(pk=run_id)
    if run.status != RunStatus.RUNNING or run.chunks.filter(status=ChunkStatus.PENDING).exists():
        return
    skipped, errors, assessed = [], [], 0
    for chunk in run.chunks.only("run_id", "assessed_count", "skipped", "errors"):
        assessed += chunk.assessed_count
        skipped += chunk.skipped
        errors += chunk.errors
    run.status = RunStatus.COMPLETED
    run.finished_at = timezone.now()
    run.assessed_count = assessed
    run.skipped_count = len(skipped)
    run.failed_count = len(errors)
    run.skipped = skipped
    run.errors = errors
    run.save()
    scorecards_changed.fire_on_commit()
    logger.info("Assessment run %s completed: %s assessed", run_id, assessed)


def assessment_run_pending_chunks(*, run: AssessmentRun):
    """The chunks of a run still to be assessed."""
    return list(run.chunks.filter(status=ChunkStatus.PENDING).values_list("pk", flat=True))


def assessment_run_stalled_chunks(
    *, run: AssessmentRun, queued_before: dt.datetime, waiting=None
) -> list[int]:
    """Pending chunks to send again: those whose worker's lease ran out (it
    died), and those queued before `queued_before` that no worker took (lost
    with a worker that had reserved them). `waiting`: chunk ids still in the
    outbox, not yet lost since they were never sent."""
    now = timezone.now()
    chunks = run.chunks.filter(status=ChunkStatus.PENDING).filter(
        Q(lease_expires_at__lt=now)
        | (
            Q(lease_expires_at__isnull=True)
            & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=queued_before))
        )
    )
    if waiting is not None:
        chunks = chunks.exclude(pk__in=waiting)
    return list(chunks.values_list("pk", flat=True))


def chunks_mark_enqueued(chunk_ids: list[int]) -> None:
    """Handed to the outbox: the chunks' earlier leases, if any, are over."""
    AssessmentChunk.objects.filter(pk__in=chunk_ids).update(
        enqueued_at=timezone.now(), lease_expires_at=None
    )


def assess_partnerships(
    ids: list[int],
    *,
    period_start: dt.date,
    period_end: dt.date,
    policy: ScoringPolicy,
    run: AssessmentRun | None = None,
    actor=None,
    compute: Callable[[scoring.ScorecardInput, scoring.Policy], scoring.ScorecardResult] = (
        scoring.assess
    ),
) -> tuple[int, list[dict], list[dict]]:
    """Compute and upsert the scorecards of these partnerships for one month.

    Returns (assessed count, skipped [{partnership, reason}], errors
    [{partnership, error}]). `actor` is the reviewer who asked for a recompute,
    if one did. Must run inside a transaction: the existing
    scorecards are locked so a reviewer's approval and this write cannot cross.
    """
    # The stage at the month's end decides, not today's: a partnership completed
    # since still has its active months assessed, one active since has not.
    partnerships = list(
        Partnership.objects.filter(AnyOf(F("id"), ids))
        .with_stage_on(period_end)
        .values_list("id", "stage_on", "start_date")
    )
    skipped, errors, eligible = [], [], []
    for pid, stage, start_date in partnerships:
        family = FAMILY_OF_STAGE[stage]
        if family == StageFamily.POTENTIAL:
            skipped.append({"partnership": pid, **_skipped(SkipReason.NOT_YET_ACTIVE)})
        elif family == StageFamily.ENDED:
            skipped.append({"partnership": pid, **_skipped(SkipReason.NO_LONGER_ACTIVE)})
        else:
            eligible.append({"id": pid, "start_date": start_date})
    # Lock every existing scorecard of the period, not only the approved ones,
    # so an approval cannot land between this read and the upsert below. Only
    # the scorecards, in key order: the default ordering would join (and lock)
    # every partnership for their titles, reading the whole table per chunk.
    existing = dict(
        Scorecard.objects.select_for_update(of=("self",))
        .filter(AnyOf(F("partnership_id"), [p["id"] for p in eligible]))
        .filter(period_start=period_start)
        .order_by("pk")
        .values_list("partnership_id", "review_state")
    )
    to_assess = []
    for p in eligible:
        if existing.get(p["id"]) == ReviewState.APPROVED:
            skipped.append({"partnership": p["id"], **_skipped(SkipReason.APPROVED_ALREADY)})
        else:
            to_assess.append(p)

    inputs = load_inputs(to_assess, period_start=period_start, period_end=period_end)
    rules = policy_values(policy)
    now = timezone.now()
    run_id = run.pk if run is not None else None
    rows = []
    for p in to_assess:
        try:
            result = compute(inputs[p["id"]], rules)
        except Exception as error:  # one bad partnership must not stop the others
            logger.exception("Assessing partnership %s failed", p["id"])
            errors.append({"partnership": p["id"], "error": f"{type(error).__name__}: {error}"})
            continue
        rows.append(
            (
                p["id"],
                period_start,
                period_end,
                run_id,
                policy.pk,
                result.outcomes,
                result.objectives,
                result.health,
                result.agreement,
                result.overall,
                result.rating,
                result.trend,
                [flag.as_json() for flag in result.flags],
                [metric.as_json() for metric in result.metrics],
                now,
                # Computed is up for review: a new scorecard, a returned one
                # computed again, or one in review with fresher numbers.
                ReviewState.IN_REVIEW,
            )
        )
    # One upsert for the chunk. The approved were left out above; the
    # condition keeps them out in the database too.
    written = insert_rows(
        Scorecard,
        ["partnership_id", "period_start", *COMPUTED_FIELDS, "review_state"],
        rows,
        conflict=["partnership", "period_start"],
        update=[*COMPUTED_FIELDS, "review_state"],
        update_where=f"{Scorecard._meta.db_table}.review_state <> '{ReviewState.APPROVED}'",
        returning=["id", "partnership"],
    )
    scorecard_of = {pid: card_id for card_id, pid in written}
    cards = [
        SubmittedScorecard(
            pk=scorecard_of[row[0]], partnership_id=row[0], overall_score=row[9], rating=row[10]
        )
        for row in rows
    ]
    events = submission_events(cards, existing, actor=actor)
    if events:
        insert_rows(ScorecardEvent, list(events[0]), [tuple(e.values()) for e in events])
    return len(rows), skipped, errors


def last_closed_month_today() -> Period:
    return last_closed_month(timezone.localdate())


POLICY_FIELDS = [
    "name",
    "weight_outcomes",
    "weight_objectives",
    "weight_health",
    "weight_agreement",
    "green_from",
    "amber_from",
    "on_track_tolerance",
    "attainment_cap",
    "trend_min_change",
    "expiry_warning_days",
    "warning_health_drop",
    "warning_outcomes_drop",
    "warning_signals_needed",
    "notes",
]


@transaction.atomic
def policy_publish(*, created_by, **values) -> ScoringPolicy:
    """Publish a new version of the scoring policy and make it the active one.

    Versions are never edited: scorecards name the version they were computed
    with, and a rerun with that version gives the same numbers.
    """
    # Lock every version first: a second reviewer publishing at the same moment
    # waits here, then reads the versions as the first one left them.
    list(ScoringPolicy.objects.select_for_update().values_list("pk", flat=True))
    current = ScoringPolicy.objects.filter(is_active=True).first()
    latest = ScoringPolicy.objects.order_by("-version").values_list("version", flat=True).first()
    policy = ScoringPolicy(version=(latest or 0) + 1, created_by=created_by, **values)
    policy.full_clean()
    if current is not None:
        current.is_active = False
        current.save(update_fields=["is_active"])
    policy.is_active = True
    policy.save()
    # The portfolio's expiring tile reads the policy's window, when it is
    # shown: no partnership's figures moved.
    scorecards_changed.fire_on_commit(partnership_ids=[])
    return policy
