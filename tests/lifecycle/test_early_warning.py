"""Early warning on seeded cases: scorecards as an assessment writes them, the real
service, the real notifications."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from evaluation.models import Scorecard
from lifecycle import services
from lifecycle.models import EarlyWarning
from lifecycle.tasks import raise_early_warnings
from notifications.models import Notification
from partnerships.models import Partnership
from tests.factories import PartnershipFactory, publish_policy

from .helpers import (
    HEALTH_FLAG,
    LAST_MONTH,
    MONTH_BEFORE,
    NOT_REPORTED,
    OFF_TRACK,
    TODAY,
    scorecard,
    watched,
)

pytestmark = pytest.mark.django_db


def raise_now():
    return services.early_warnings_raise(today=TODAY)


class TestOneSignalAlone:
    def test_falling_health_alone_does_not_warn(self, alice):
        partnership = watched(alice)
        scorecard(partnership, MONTH_BEFORE, health=80)
        scorecard(partnership, LAST_MONTH, health=60)
        assert raise_now() == []

    def test_a_health_flag_alone_does_not_warn(self, alice):
        partnership = watched(alice)
        scorecard(partnership, LAST_MONTH, flags=[HEALTH_FLAG])
        assert raise_now() == []

    def test_missed_targets_alone_do_not_warn(self, alice):
        scorecard(watched(alice), LAST_MONTH, flags=[OFF_TRACK])
        assert raise_now() == []

    def test_unreported_metrics_alone_do_not_warn(self, alice):
        scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED])
        assert raise_now() == []

    def test_an_agreement_near_expiry_alone_does_not_warn(self, alice):
        scorecard(watched(alice, expiring_on=TODAY + dt.timedelta(days=30)), LAST_MONTH)
        assert raise_now() == []


class TestSignalsTogether:
    def test_falling_health_and_missed_targets_warn_with_their_evidence(self, alice):
        partnership = watched(alice)
        scorecard(partnership, MONTH_BEFORE, health=80)
        scorecard(partnership, LAST_MONTH, health=60, flags=[OFF_TRACK])
        [warning] = raise_now()
        assert warning.partnership == partnership
        assert warning.state == "open"
        assert warning.raised_on == TODAY
        assert [(s["code"], s["evidence"]) for s in warning.signals] == [
            ("falling_health", "Relationship health fell from 80 to 60."),
            (
                "missed_targets",
                "“Referrals” is at 20% of its target where 60% was planned by now.",
            ),
        ]
        assert warning.evidence_key == "2026-10:falling_health,missed_targets"

    def test_unreported_metrics_and_an_expiring_agreement_warn(self, alice):
        partnership = watched(alice, expiring_on=dt.date(2027, 1, 9))
        scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED])
        [warning] = raise_now()
        assert [s["code"] for s in warning.signals] == ["unreported_metrics", "agreement_expiring"]
        assert "expires on 9 January 2027, in 50 days" in warning.signals[1]["evidence"]

    def test_a_health_flag_and_unreported_metrics_warn(self, alice):
        scorecard(watched(alice), LAST_MONTH, flags=[HEALTH_FLAG, NOT_REPORTED])
        [warning] = raise_now()
        assert warning.signals[0]["code"] == "falling_health"
        assert warning.signals[0]["evidence"] == "Trust fell from 4.1 to 2.8."

    def test_it_watches_active_partnerships_only(self, alice):
        struggling = watched(alice)
        struggling.stage = "struggling"
        struggling.save()
        scorecard(struggling, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        potential = PartnershipFactory(owner=alice, stage="outreach")
        scorecard(potential, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        assert raise_now() == []

    def test_it_reads_the_latest_scorecard_not_an_older_one(self, alice):
        partnership = watched(alice)
        scorecard(partnership, MONTH_BEFORE, flags=[NOT_REPORTED, OFF_TRACK])
        scorecard(partnership, LAST_MONTH)
        assert raise_now() == []

    def test_a_scorecard_a_reviewer_returned_is_no_evidence(self, alice, rita):
        """Returned, it was judged wrong: the one before it is the latest that
        counts. In review, not yet approved, it counts: the warning is early."""
        partnership = watched(alice)
        scorecard(partnership, MONTH_BEFORE)
        card = scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        Scorecard.objects.filter(pk=card.pk).update(
            review_state="returned", reviewer=rita, reviewed_at=card.computed_at
        )
        assert raise_now() == []
        Scorecard.objects.filter(pk=card.pk).update(
            review_state="in_review", reviewer=None, reviewed_at=None
        )
        [warning] = raise_now()
        assert warning.partnership == partnership


class TestThresholdsFromThePolicy:
    """The thresholds are the active scoring policy's, published as a new version."""

    def test_one_signal_warns_when_the_policy_needs_one(self, alice):
        scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED])
        assert raise_now() == []
        publish_policy(warning_signals_needed=1)
        [warning] = raise_now()
        assert [s["code"] for s in warning.signals] == ["unreported_metrics"]

    def test_a_fall_counts_only_from_the_policys_drop(self, alice):
        partnership = watched(alice)
        scorecard(partnership, MONTH_BEFORE, health=80, outcomes=80)
        scorecard(partnership, LAST_MONTH, health=60, outcomes=60)  # both fell by 20
        publish_policy(warning_health_drop=21, warning_outcomes_drop=21)
        assert raise_now() == []
        publish_policy(warning_health_drop=20, warning_outcomes_drop=20)
        [warning] = raise_now()
        assert [s["code"] for s in warning.signals] == ["falling_health", "missed_targets"]

    def test_the_expiry_window_is_the_policys(self, alice):
        partnership = watched(alice, expiring_on=TODAY + dt.timedelta(days=61))
        scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED])
        publish_policy(expiry_warning_days=60)
        assert raise_now() == []
        publish_policy(expiry_warning_days=61)
        [warning] = raise_now()
        assert [s["code"] for s in warning.signals] == ["unreported_metrics", "agreement_expiring"]


class TestReruns:
    def test_a_rerun_does_not_warn_twice(self, alice):
        scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        assert len(raise_now()) == 1
        assert raise_now() == []
        assert EarlyWarning.objects.count() == 1

    def test_a_dismissed_warning_is_not_raised_again_for_the_same_evidence(self, alice):
        partnership = watched(alice)
        scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        [warning] = raise_now()
        services.early_warning_dismiss(warning=warning, by=alice, reason="The data is late.")
        assert raise_now() == []

    def test_a_warning_opened_by_a_run_at_the_same_moment_is_not_raised_twice(self, alice):
        # The other run committed its warning after this one read the open ones:
        # the insert meets the partial unique index and leaves that row out.
        first, second = watched(alice), watched(alice)
        for partnership in (first, second):
            scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        reads_open_warnings = EarlyWarning.objects.open

        def open_then_another_run(*args, **kwargs):
            found = reads_open_warnings(*args, **kwargs)
            EarlyWarning.objects.create(
                partnership=first, raised_on=TODAY, signals=[], evidence_key="other run"
            )
            return found

        EarlyWarning.objects.open = open_then_another_run
        try:
            raised = raise_now()
        finally:
            del EarlyWarning.objects.open
        assert [w.partnership_id for w in raised] == [second.pk]
        assert EarlyWarning.objects.filter(partnership=first).get().evidence_key == "other run"

    def test_its_queries_do_not_grow_with_the_warnings_raised(self, alice):
        def queries_to_raise(count):
            """The queries of a run raising `count` warnings, on as many partnerships."""
            EarlyWarning.objects.all().delete()
            Notification.objects.all().delete()
            while Partnership.objects.count() < count:
                scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
            with CaptureQueriesContext(connection) as queries:
                assert len(raise_now()) == count
            return len(queries)

        # the partnerships watched, their scorecards, the agreements expiring,
        # the open and the dismissed warnings, the policy, one insert of the
        # warnings, reading them back, their titles, owners and co-leads, the
        # readers' languages, one insert of the notifications, and the
        # savepoints around them
        assert queries_to_raise(1) == queries_to_raise(4) == 15

    def test_a_dismissed_warning_is_raised_again_on_new_evidence(self, alice):
        partnership = watched(alice)
        scorecard(partnership, MONTH_BEFORE, flags=[NOT_REPORTED, OFF_TRACK])
        [warning] = services.early_warnings_raise(today=dt.date(2026, 10, 20))
        services.early_warning_dismiss(warning=warning, by=alice, reason="The data is late.")
        scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        [again] = raise_now()
        assert again.evidence_key == "2026-10:missed_targets,unreported_metrics"


class TestTelling:
    def test_the_owner_and_co_lead_are_told_once_and_why(self, alice, bob):
        partnership = watched(alice, co_lead=bob, title="Nairobi exchange")
        scorecard(partnership, LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        [warning] = raise_now()
        raise_now()
        told = Notification.objects.order_by("user__username")
        assert [n.user for n in told] == [alice, bob]
        notice = told[0]
        assert notice.subject == "At risk: Nairobi exchange"
        assert OFF_TRACK["message"] in notice.body
        assert NOT_REPORTED["message"] in notice.body
        assert notice.url == f"/warnings/{warning.pk}/"

    def test_the_owner_is_emailed_once_after_the_commit(
        self, alice, mailoutbox, django_capture_on_commit_callbacks
    ):
        scorecard(
            watched(alice, title="Nairobi exchange"), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK]
        )
        with django_capture_on_commit_callbacks(execute=True):
            raise_now()
        with django_capture_on_commit_callbacks(execute=True):
            raise_now()
        assert [(m.to, m.subject) for m in mailoutbox] == [
            (["alice@example.org"], "[Accord] At risk: Nairobi exchange")
        ]

    def test_others_are_not_told(self, alice, bob, erin):
        scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        raise_now()
        assert list(Notification.objects.values_list("user__username", flat=True)) == ["alice"]


class TestSchedule:
    def test_the_daily_task_is_scheduled_by_the_migration(self):
        task = PeriodicTask.objects.get(task="lifecycle.tasks.raise_early_warnings")
        assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("6", "0", True)

    def test_the_task_and_the_command_call_the_service(self, alice, time_machine):
        time_machine.move_to(dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC))
        scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        assert raise_early_warnings() == 1
        scorecard(watched(alice), LAST_MONTH, flags=[NOT_REPORTED, OFF_TRACK])
        call_command("early_warning", "--today", "2026-11-20", stdout=io.StringIO())
        assert EarlyWarning.objects.count() == 2


def test_a_warning_raised_before_its_scorecards_were_recorded_gets_them_on_migrate(alice, rita):
    """Migration 0012 fills the two periods of warnings raised before: the
    latest from the evidence key, the one before it as the run reads it (the
    latest earlier scorecard not returned)."""
    from importlib import import_module

    from django.db import migrations as django_migrations

    partnership = watched(alice)
    scorecard(partnership, dt.date(2026, 8, 1), health=90)
    returned = scorecard(partnership, MONTH_BEFORE, health=85)
    scorecard(partnership, LAST_MONTH, health=60, flags=[OFF_TRACK])
    Scorecard.objects.filter(pk=returned.pk).update(
        review_state="returned", reviewer=rita, reviewed_at=returned.computed_at
    )
    [warning] = raise_now()
    lonely = watched(alice, expiring_on=TODAY + dt.timedelta(days=30))
    scorecard(lonely, LAST_MONTH, flags=[NOT_REPORTED])
    [alone] = raise_now()
    assert (warning.scorecard_period, warning.previous_period) == (
        LAST_MONTH,
        dt.date(2026, 8, 1),
    )
    assert (alone.scorecard_period, alone.previous_period) == (LAST_MONTH, None)
    EarlyWarning.objects.update(scorecard_period=None, previous_period=None)

    migration = import_module("lifecycle.migrations.0012_warning_scorecard_periods").Migration
    [backfill] = [op for op in migration.operations if isinstance(op, django_migrations.RunSQL)]
    with connection.cursor() as cursor:
        for statement in backfill.sql:
            cursor.execute(statement)

    warning.refresh_from_db()
    alone.refresh_from_db()
    assert (warning.scorecard_period, warning.previous_period) == (
        LAST_MONTH,
        dt.date(2026, 8, 1),
    )
    assert (alone.scorecard_period, alone.previous_period) == (LAST_MONTH, None)
