"""The tasks: a returned scorecard, the daily run, and emails the mail server refused."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django_celery_beat.models import PeriodicTask

from evaluation import review
from notifications import services
from notifications.models import Notification
from ops.models import OutboxMessage
from reminders import services as reminder_services
from reminders import tasks
from tests.factories import AgreementFactory
from tests.notifications.factories import ObligationFactory, ScorecardFactory

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"


class TestScorecardReturned:
    @pytest.fixture
    def card(self, partnership):
        return ScorecardFactory(partnership=partnership, period_start=dt.date(2026, 3, 1))

    def test_a_returned_scorecard_reminds_its_owner_and_co_lead_with_the_comment(
        self, card, rita, charlie, erin, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            event = review.scorecard_return(
                scorecard_id=card.pk, reviewer=rita, comment="The Q1 referrals look double counted."
            )
        (message,) = OutboxMessage.objects.filter(task_name=tasks.remind_scorecard_returned.name)
        assert message.kwargs == {"event_id": event.pk}
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_scorecard_returned(**message.kwargs)  # what the worker does

        notifications = Notification.objects.filter(key=f"scorecard-returned:{event.pk}")
        assert {n.user.username for n in notifications} == {"alice", "bob"}
        notification = notifications.get(user__username="alice")
        assert notification.kind == "scorecard_returned"
        assert notification.subject == "Scorecard returned: Cardiac fellowship exchange"
        assert "Rita" in notification.body and "March 2026" in notification.body
        assert "“The Q1 referrals look double counted.”" in notification.body
        assert notification.url == f"/evaluation/scorecards/{card.pk}/"
        assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "bob@example.org"]
        assert "The Q1 referrals look double counted." in mailoutbox[0].body

    def test_the_task_run_again_tells_nobody_twice(
        self, card, rita, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            event = review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check")
        # The task goes to the broker after the commit (beside the dashboards' reactions).
        reactions = [callback.__qualname__ for callback in callbacks]
        assert reactions.count("evaluation.scorecard_returned → queue_scorecard_returned") == 1

        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.remind_scorecard_returned(event.pk)

        assert Notification.objects.count() == 2
        assert len(mailoutbox) == 2

    def test_a_return_while_the_broker_is_away_is_told_once_it_is_back(
        self, card, rita, django_capture_on_commit_callbacks
    ):
        # Sent straight to the broker, the task was lost: the owners never heard.
        from ops.models import OutboxMessage
        from ops.outbox import outbox_relay
        from tests.ops.faults import redis_down

        with redis_down(), django_capture_on_commit_callbacks(execute=True):
            event = review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check")

        (message,) = OutboxMessage.objects.filter(sent_at__isnull=True)
        assert message.task_name == "reminders.tasks.remind_scorecard_returned"
        assert message.kwargs == {"event_id": event.pk}
        assert outbox_relay() == 1

    def test_an_email_the_server_refused_is_sent_when_the_task_is_retried(
        self, card, rita, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks():
            event = review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check")
        settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
        with (
            pytest.raises(services.EmailNotSent),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.remind_scorecard_returned(event.pk)
        assert Notification.objects.filter(emailed_at__isnull=True).count() == 2

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_scorecard_returned(event.pk)

        assert len(mailoutbox) == 2
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()


class TestDailyTask:
    @pytest.fixture
    def obligation(self, partnership):
        return ObligationFactory(
            agreement=AgreementFactory(partnership=partnership), due_date=dt.date(2026, 6, 3)
        )

    def test_it_is_scheduled_every_morning(self):
        task = PeriodicTask.objects.get(name="Send daily reminders")
        assert task.task == "reminders.tasks.send_daily_reminders"
        assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
            "6",
            "0",
            "UTC",
        )

    def test_it_sends_todays_reminders(
        self, obligation, django_capture_on_commit_callbacks, mailoutbox
    ):
        with (
            time_machine.travel(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            counts = tasks.send_daily_reminders()

        assert counts["obligation_due"] == 2
        assert len(mailoutbox) == 2
        assert mailoutbox[0].subject == f"[Accord] Due in 2 days: {obligation.description}"

    def test_a_refused_email_fails_the_task_for_a_retry_and_the_retry_sends_it(
        self, obligation, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        with time_machine.travel(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC), tick=False):
            settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
            with (
                pytest.raises(services.EmailNotSent),
                django_capture_on_commit_callbacks(execute=True),
            ):
                tasks.send_daily_reminders()
            assert Notification.objects.filter(emailed_at__isnull=True).count() == 2

            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            with django_capture_on_commit_callbacks(execute=True):
                counts = tasks.send_daily_reminders()

        assert not any(counts.values())  # nothing new: the retry only sent what was owed
        assert len(mailoutbox) == 2
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    def test_emails_owed_for_longer_than_the_retry_window_are_left_in_the_inbox(
        self, obligation, mail_server_down, settings, django_capture_on_commit_callbacks
    ):
        with (
            pytest.raises(services.EmailNotSent),
            django_capture_on_commit_callbacks(execute=True),
        ):
            reminder_services.reminders_send(today=dt.date(2026, 6, 1))
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

        later = Notification.objects.first().created_at + services.EMAIL_RETRY_WINDOW
        assert services.notifications_email_pending(now=later + dt.timedelta(seconds=1)) == 0
        assert services.notifications_email_pending(now=later) == 2
