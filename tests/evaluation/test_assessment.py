"""Assessment runs through the services, in process (the worker tests run them
through Celery)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation import services, tasks
from evaluation.models import (
    AssessmentChunk,
    AssessmentRun,
    Scorecard,
    ScorecardEvent,
    ScoringPolicy,
)
from partnerships.models import Measurement, Partnership
from partnerships.services import partnership_change_stage
from tests.factories import PartnershipFactory, partnership_with_data
from tests.locks import locked_elsewhere

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2025, 10, 1)
NOVEMBER_3 = dt.date(2025, 11, 3)


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def run_to_completion(period_start=OCTOBER, **kwargs) -> AssessmentRun:
    run = services.assessment_run_start(period_start=period_start, **kwargs)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    run.refresh_from_db()
    return run


def scorecard_rows():
    return list(
        Scorecard.objects.order_by("partnership_id", "period_start").values_list(
            "partnership_id", "period_start", "overall_score", "rating", "flags"
        )
    )


def test_it_assesses_every_active_and_struggling_partnership():
    active = partnership_with_data()
    struggling = partnership_with_data(stage="struggling")
    partnership_with_data(stage="negotiating")
    PartnershipFactory(stage="completed", end_date=dt.date(2025, 6, 30))
    PartnershipFactory(stage="active", start_date=dt.date(2025, 11, 1))  # starts later

    run = run_to_completion()

    assert run.status == "completed"
    assert run.assessed_count == 2
    assert set(Scorecard.objects.values_list("partnership_id", flat=True)) == {
        active.pk,
        struggling.pk,
    }
    card = Scorecard.objects.get(partnership=active)
    assert (card.period_start, card.period_end) == (OCTOBER, dt.date(2025, 10, 31))
    assert card.policy == ScoringPolicy.objects.get(is_active=True)
    assert card.rating in {"green", "amber", "red"}
    assert card.review_state == "in_review"  # put up for review with its chunk


def moved(partnership, stage, *, at: dt.datetime, by, **fields):
    """A stage change through the service, recorded at the moment `at`."""
    with time_machine.travel(at, tick=False):
        partnership_change_stage(
            partnership=partnership, stage=stage, reason="As it happened.", by=by, **fields
        )


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_a_month_is_assessed_by_the_stage_at_its_end_not_todays(alice):
    # Negotiating through September, active from 10 October, completed on 3 November.
    partnership = partnership_with_data(stage="negotiating", owner=alice)
    moved(partnership, "active", at=local(2025, 10, 10, 9), by=alice)
    moved(partnership, "completed", at=local(2025, 11, 3, 9), by=alice, end_date=NOVEMBER_3)

    september = run_to_completion(period_start=dt.date(2025, 9, 1))
    october = run_to_completion()

    assert (september.assessed_count, october.assessed_count) == (0, 1)
    assert list(Scorecard.objects.values_list("partnership_id", "period_start")) == [
        (partnership.pk, OCTOBER)
    ]


def test_a_move_in_the_first_minute_of_a_month_belongs_to_the_next(alice):
    # Made active at midnight starting 1 October: still negotiating on 30 September.
    partnership = partnership_with_data(stage="negotiating", owner=alice)
    moved(partnership, "active", at=local(2025, 10, 1, 0, 0), by=alice)
    assert run_to_completion(period_start=dt.date(2025, 9, 1)).assessed_count == 0
    assert run_to_completion().assessed_count == 1


def test_a_partnership_never_moved_is_assessed_by_its_stage_today():
    partnership_with_data(stage="struggling")
    partnership_with_data(stage="outreach")
    assert run_to_completion().assessed_count == 1


def test_a_recompute_of_a_month_before_it_was_active_says_why(alice):
    partnership = partnership_with_data(stage="negotiating", owner=alice)
    moved(partnership, "active", at=local(2025, 10, 10, 9), by=alice)
    policy = ScoringPolicy.objects.get(is_active=True)
    with transaction.atomic():
        assessed, skipped, _ = services.assess_partnerships(
            [partnership.pk],
            period_start=dt.date(2025, 9, 1),
            period_end=dt.date(2025, 9, 30),
            policy=policy,
        )
    assert (assessed, skipped) == (
        0,
        [
            {
                "partnership": partnership.pk,
                "code": "not_yet_active",
                "reason": "Not yet active at the end of the month.",
            }
        ],
    )


def test_a_rerun_gives_one_scorecard_each_with_the_same_numbers():
    for _ in range(3):
        partnership_with_data()
    run_to_completion()
    before = scorecard_rows()

    rerun = run_to_completion()

    assert rerun.assessed_count == 3
    assert scorecard_rows() == before


def test_a_rerun_leaves_an_approved_scorecard_alone(rita):
    partnership = partnership_with_data()
    run_to_completion()
    Scorecard.objects.update(review_state="approved", reviewer=rita, reviewed_at=timezone.now())
    approved = scorecard_rows()
    # The data changes after approval…
    Measurement.objects.update(value=Decimal("49"))

    rerun = run_to_completion()

    assert scorecard_rows() == approved
    assert rerun.skipped == [
        {
            "partnership": partnership.pk,
            "code": "approved_already",
            "reason": "Approved already; kept as approved.",
        }
    ]


def test_the_worked_flags_point_at_their_records():
    partnership = partnership_with_data()
    agreement = partnership.agreements.get()
    agreement.expiry_date = dt.date(2025, 12, 15)
    agreement.save()

    run_to_completion()

    flags = Scorecard.objects.get().flags
    notice = next(flag for flag in flags if flag["code"] == "agreement_notice")
    assert notice["ref"] == {"model": "partnerships.agreement", "id": agreement.pk}
    assert notice["message"].startswith(f"“{agreement.title}” expires in 45 days")
    missing = [flag for flag in flags if flag["code"] == "not_reported"]
    # Measurements stop at Q3 2025, which closed 30 Sep: nothing missing in October.
    assert missing == []


def test_a_quarter_not_reported_is_flagged():
    partnership_with_data(metrics=1)
    with time_machine.travel(dt.datetime(2026, 2, 3, tzinfo=dt.UTC), tick=False):
        run_to_completion(period_start=dt.date(2026, 1, 1))
    flags = Scorecard.objects.get().flags
    assert [f["message"] for f in flags if f["code"] == "not_reported"] == [
        "“Metric 0” not reported for the last period."
    ]


def test_one_failing_partnership_is_recorded_and_the_others_go_on():
    good, bad = partnership_with_data(), partnership_with_data()
    policy = ScoringPolicy.objects.get(is_active=True)

    def compute(data, rules):
        if data.partnership_id == bad.pk:
            raise ZeroDivisionError("division by zero")
        return services.scoring.assess(data, rules)

    with transaction.atomic():
        assessed, skipped, errors = services.assess_partnerships(
            [good.pk, bad.pk],
            period_start=OCTOBER,
            period_end=dt.date(2025, 10, 31),
            policy=policy,
            compute=compute,
        )

    assert (assessed, skipped) == (1, [])
    assert errors == [{"partnership": bad.pk, "error": "ZeroDivisionError: division by zero"}]
    assert list(Scorecard.objects.values_list("partnership_id", flat=True)) == [good.pk]


def test_a_failed_chunk_is_reported_in_the_run():
    partnerships = [partnership_with_data() for _ in range(3)]
    run = services.assessment_run_start(period_start=OCTOBER, chunk_size=2)
    first, second = services.assessment_run_pending_chunks(run=run)
    services.assessment_chunk_execute(chunk_id=first)
    services.assessment_chunk_fail(chunk_id=second, error="OperationalError: server closed")

    run.refresh_from_db()
    assert run.status == "completed"
    assert (run.assessed_count, run.failed_count) == (2, 1)
    assert run.errors == [
        {"partnership": partnerships[2].pk, "error": "OperationalError: server closed"}
    ]


def test_a_chunk_done_twice_counts_once():
    partnership_with_data()
    run = services.assessment_run_start(period_start=OCTOBER)
    (chunk_id,) = services.assessment_run_pending_chunks(run=run)
    services.assessment_chunk_execute(chunk_id=chunk_id)
    services.assessment_chunk_execute(chunk_id=chunk_id)

    run.refresh_from_db()
    assert run.assessed_count == 1
    assert AssessmentChunk.objects.get().attempts == 1


def test_only_one_run_of_a_period_can_be_under_way():
    partnership_with_data()
    services.assessment_run_start(period_start=OCTOBER)
    with pytest.raises(ValidationError, match="already under way"):
        services.assessment_run_start(period_start=OCTOBER)


def test_a_month_not_yet_ended_cannot_be_assessed():
    with pytest.raises(ValidationError, match="has ended"):
        services.assessment_run_start(period_start=dt.date(2025, 11, 1))


def test_an_empty_portfolio_completes_at_once():
    run = services.assessment_run_start(period_start=OCTOBER)
    assert (run.status, run.assessed_count) == ("completed", 0)


def queries_to_assess(count: int) -> int:
    ids = [partnership_with_data(metrics=3).pk for _ in range(count)]
    policy = ScoringPolicy.objects.get(is_active=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.assess_partnerships(
            ids, period_start=OCTOBER, period_end=dt.date(2025, 10, 31), policy=policy
        )
    ScorecardEvent.objects.all().delete()
    Scorecard.objects.all().delete()
    return len(queries)


def test_the_queries_of_an_assessment_do_not_grow_with_the_portfolio():
    # partnerships, lock of their scorecards for the period, objectives,
    # metrics with their measurement aggregates, agreements in force, overdue
    # obligations, the health-check sums, previous scorecards, the upsert, the
    # review events
    small, large = queries_to_assess(3), queries_to_assess(12)
    assert small == large == 10


def queries_of_a_chunk(count: int) -> int:
    """The queries of a run's only chunk, with `count` partnerships assessed in it."""
    for _ in range(count - Partnership.objects.count()):
        partnership_with_data(metrics=3)
    run = services.assessment_run_start(period_start=OCTOBER, chunk_size=count)
    (chunk_id,) = services.assessment_run_pending_chunks(run=run)
    with CaptureQueriesContext(connection) as queries:
        services.assessment_chunk_execute(chunk_id=chunk_id)
    run.refresh_from_db()
    assert run.assessed_count == count
    ScorecardEvent.objects.all().delete()
    Scorecard.objects.all().delete()
    AssessmentRun.objects.all().delete()
    return len(queries)


def test_a_chunks_queries_do_not_grow_with_its_partnerships():
    # the claim, the chunk's lock, the chunk; the ten of `assess_partnerships`
    # (partnerships, lock, objectives, metrics with their measurements,
    # agreements, obligations, health, previous scorecards, one upsert of the
    # scorecards, one insert of their events); the chunk saved; finishing the
    # run (its lock, pending chunks, the chunks' counts, the run saved); and,
    # inside the test's transaction, a savepoint and its release for each of
    # the chunk's and the finishing transactions
    small, large = queries_of_a_chunk(3), queries_of_a_chunk(15)
    assert small == large == 22


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chunk_locks_its_scorecards_and_no_partnership():
    partnership = partnership_with_data()
    run_to_completion()
    card = Scorecard.objects.get()
    run = AssessmentRun.objects.get()

    with transaction.atomic():
        services.assess_partnerships(
            [partnership.pk],
            period_start=run.period_start,
            period_end=run.period_end,
            policy=run.policy,
        )
        assert locked_elsewhere(Scorecard, card.pk)  # an approval waits for the chunk
        # ... but a manager's save of the partnership does not
        assert not locked_elsewhere(Partnership, partnership.pk)


def test_a_chunk_reads_the_scorecards_it_needs_without_the_partnerships_table():
    # The scorecards' default ordering (by partnership title) would join every
    # partnership: a read of the whole table per chunk, which grows with the
    # portfolio, not with the chunk.
    partnership_with_data()
    run_to_completion()
    with CaptureQueriesContext(connection) as queries:
        run_to_completion(period_start=dt.date(2025, 9, 1))
    scorecard_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "evaluation_scorecard"')
    ]
    assert len(scorecard_reads) == 2  # the chunk's lock, the previous month's scores
    assert not [sql for sql in scorecard_reads if "partnerships_partnership" in sql]


def test_an_agreement_that_expired_at_the_end_of_the_month_still_counts_for_it():
    # The daily expiry task marks it expired on the 1st, before the monthly run.
    partnership = partnership_with_data()
    partnership.agreements.update(status="expired", expiry_date=dt.date(2025, 10, 31))

    run_to_completion()

    card = Scorecard.objects.get()
    assert "no_agreement" not in [flag["code"] for flag in card.flags]
    assert card.agreement_score > 0


def test_a_run_whose_last_chunk_committed_without_finishing_is_finished_by_the_sweep():
    partnership_with_data()
    run = services.assessment_run_start(period_start=OCTOBER)
    (chunk_id,) = services.assessment_run_pending_chunks(run=run)
    # The worker died between the chunk's commit and the finishing step.
    AssessmentChunk.objects.filter(pk=chunk_id).update(status="done", assessed_count=1)

    tasks.resume_stalled_assessments()

    run.refresh_from_db()
    assert (run.status, run.assessed_count) == ("completed", 1)
