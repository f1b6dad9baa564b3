"""A daily digest: someone who leads many partnerships chooses one email a day
naming every reminder owed to them, rather than an email per reminder."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification
from reminders import tasks
from tests.factories import AgreementFactory
from tests.notifications.factories import NotificationFactory, ObligationFactory

from .test_tasks import RefusingBackend  # noqa: F401  (named by the settings below)

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)


def choosing(user, channel):
    user.reminder_channel = channel
    user.save(update_fields=["reminder_channel"])
    return user


def owed(user, count, **fields):
    return [NotificationFactory(user=user, **fields) for _ in range(count)]


def test_the_digest_names_every_reminder_owed_in_one_email_and_marks_them_emailed(
    alice, settings, mailoutbox
):
    choosing(alice, "digest")
    reminders = owed(alice, 3)

    assert services.notifications_digests_send() == 1

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["alice@example.org"]
    assert email.subject == "[Accord] 3 reminders"
    assert "Your 3 reminders since the last digest:" in email.body
    site = settings.SITE_URL.rstrip("/")
    for reminder in reminders:
        assert f"- {reminder.subject}\n  {site}/admin/" in email.body
    assert Notification.objects.filter(user=alice, emailed_at__isnull=False).count() == 3


def test_run_again_it_sends_nothing_until_a_new_reminder_and_then_only_that_one(alice, mailoutbox):
    choosing(alice, "digest")
    owed(alice, 2)
    services.notifications_digests_send()

    assert services.notifications_digests_send() == 0
    assert len(mailoutbox) == 1

    (later,) = owed(alice, 1)
    assert services.notifications_digests_send() == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "[Accord] 1 reminder"
    assert later.subject in mailoutbox[1].body
    assert "Your reminder since the last digest:" in mailoutbox[1].body


def test_each_channel_gets_its_own_kind_of_email(alice, bob, charlie, mailoutbox):
    choosing(alice, "digest")
    choosing(bob, "email")
    choosing(charlie, "inbox")
    mine = owed(alice, 2)
    bobs = owed(bob, 2)
    owed(charlie, 2)

    # Stored and emailed as the reminders are: each its own email, to bob only.
    services.notifications_email(notification_ids=[n.pk for n in mine + bobs])
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@example.org"] * 2
    # The day's digest: one, to alice.
    assert services.notifications_digests_send() == 1
    assert [m.to[0] for m in mailoutbox[2:]] == ["alice@example.org"]
    assert not Notification.objects.filter(user=charlie, emailed_at__isnull=False).exists()


def test_nobody_without_an_address_inactive_or_with_an_inbox_only_kind_is_sent_one(
    alice, bob, charlie, mailoutbox
):
    choosing(alice, "digest")
    alice.email = ""
    alice.save(update_fields=["email"])
    choosing(bob, "digest")
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    choosing(charlie, "digest")
    owed(alice, 1)
    owed(bob, 1)
    # A health-check invitation is a message of its own, never in a digest.
    owed(charlie, 1, kind=Kind.HEALTH_CHECK)

    assert services.notifications_digests_send() == 0
    assert mailoutbox == []


def test_a_digest_names_fifty_and_counts_the_rest_which_wait_in_the_inbox(alice, mailoutbox):
    choosing(alice, "digest")
    owed(alice, services.DIGEST_LISTED + 2)

    services.notifications_digests_send()

    body = mailoutbox[0].body
    assert mailoutbox[0].subject == f"[Accord] {services.DIGEST_LISTED + 2} reminders"
    assert body.count("\n- ") == services.DIGEST_LISTED
    assert "And 2 more in your inbox." in body
    assert Notification.objects.filter(user=alice, emailed_at__isnull=True).count() == 0


def test_reminders_owed_longer_than_the_retry_window_are_left_in_the_inbox(alice, mailoutbox):
    choosing(alice, "digest")
    (old,) = owed(alice, 1, created_at=timezone.now() - services.EMAIL_RETRY_WINDOW)
    (edge,) = owed(
        alice, 1, created_at=timezone.now() - services.EMAIL_RETRY_WINDOW + dt.timedelta(minutes=1)
    )

    services.notifications_digests_send()

    assert old.subject not in mailoutbox[0].body
    assert edge.subject in mailoutbox[0].body
    old.refresh_from_db()
    assert old.emailed_at is None


def test_it_is_written_in_the_readers_language(alice, mailoutbox):
    choosing(alice, "digest")
    alice.language = "fr"
    alice.save(update_fields=["language"])
    owed(alice, 2)

    services.notifications_digests_send()

    assert mailoutbox[0].subject == "[Accord] 2 rappels"
    assert "Vos 2 rappels depuis le dernier récapitulatif :" in mailoutbox[0].body


def test_a_refused_digest_is_raised_for_a_retry_and_the_retry_sends_it_once(
    alice, bob, settings, mailoutbox
):
    choosing(alice, "digest")
    choosing(bob, "digest")
    owed(alice, 2)
    owed(bob, 1)
    settings.EMAIL_BACKEND = "tests.reminders.test_tasks.RefusingBackend"

    with pytest.raises(services.EmailNotSent) as refused:
        services.notifications_digests_send()

    assert len(refused.value.notification_ids) == 3
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notifications_digests_send() == 2
    assert services.notifications_digests_send() == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "bob@example.org"]


def test_the_daily_task_sends_the_days_reminders_as_a_digest(
    partnership, alice, bob, django_capture_on_commit_callbacks, mailoutbox
):
    choosing(alice, "digest")
    obligation = ObligationFactory(
        agreement=AgreementFactory(partnership=partnership), due_date=dt.date(2026, 6, 3)
    )
    with (
        time_machine.travel(MORNING, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = tasks.send_daily_reminders()

    assert counts["obligation_due"] == 2
    # Bob, by email, gets his reminder as ever; alice one digest naming hers.
    by_person = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert by_person["bob@example.org"].subject == (
        f"[Accord] Due in 2 days: {obligation.description}"
    )
    assert by_person["alice@example.org"].subject == "[Accord] 1 reminder"
    assert obligation.description in by_person["alice@example.org"].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_preferences_offer_the_digest_and_save_it(client, alice):
    client.force_login(alice)

    response = client.post(reverse("notifications:preferences"), {"reminder_channel": "digest"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.reminder_channel == "digest"
