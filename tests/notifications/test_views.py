"""The inbox and the reminder preferences."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox():
    return reverse("notifications:inbox")


@pytest.fixture
def preferences():
    return reverse("notifications:preferences")


def read_at(notification):
    return Notification.objects.get(pk=notification.pk).read_at


class TestInbox:
    def test_it_lists_my_reminders_newest_first_with_the_unread_ones_marked(
        self, client, alice, bob, inbox
    ):
        now = timezone.now()
        older = NotificationFactory(
            user=alice, subject="Older", created_at=now - dt.timedelta(days=2), read_at=now
        )
        newer = NotificationFactory(user=alice, subject="Newer", created_at=now)
        NotificationFactory(user=bob, subject="Bob's own")
        client.force_login(alice)

        response = client.get(inbox)

        assert response.status_code == 200
        assert list(response.context["page"]) == [newer, older]
        assert b"Bob&#x27;s own" not in response.content
        assert response.content.count(b"notification-unread") == 1
        assert reverse("notifications:open", args=[newer.pk]).encode() in response.content

    def test_the_navbar_shows_how_many_are_unread(self, client, alice):
        NotificationFactory.create_batch(3, user=alice)
        NotificationFactory(user=alice, read_at=timezone.now())
        client.force_login(alice)

        response = client.get(reverse("home"))

        assert b'3<span class="visually-hidden"> unread</span>' in response.content

    def test_no_badge_when_everything_is_read(self, client, alice, inbox):
        NotificationFactory(user=alice, read_at=timezone.now())
        client.force_login(alice)

        response = client.get(inbox)

        assert b'visually-hidden"> unread' not in response.content
        assert b"Mark all as read" not in response.content

    def test_it_is_paginated(self, client, alice, inbox):
        NotificationFactory.create_batch(30, user=alice)
        client.force_login(alice)

        first = client.get(inbox)
        second = client.get(inbox, {"page": 2})

        assert len(first.context["page"]) == 25
        assert len(second.context["page"]) == 5
        assert b"Older" in first.content

    @pytest.mark.parametrize("size", [5, 50])
    def test_its_queries_do_not_grow(self, client, alice, size, django_assert_num_queries, inbox):
        NotificationFactory.create_batch(size, user=alice)
        client.force_login(alice)
        # session, user, savepoint (ATOMIC_REQUESTS), count and page of
        # reminders, unread count (badge), user and group permissions (the
        # menu), release savepoint
        with django_assert_num_queries(9):
            response = client.get(inbox)
        assert response.status_code == 200


class TestMarkRead:
    def test_opening_a_reminder_marks_it_read_and_goes_to_its_record(self, client, alice):
        notification = NotificationFactory(user=alice, url="/evaluation/assessments/")
        client.force_login(alice)

        response = client.post(reverse("notifications:open", args=[notification.pk]))

        assert response.status_code == 302
        assert response["Location"] == "/evaluation/assessments/"
        assert read_at(notification) is not None

    def test_marking_one_read_returns_to_the_same_page(self, client, alice, inbox):
        notification = NotificationFactory(user=alice)
        other = NotificationFactory(user=alice)
        client.force_login(alice)

        response = client.post(reverse("notifications:read", args=[notification.pk]), {"page": "2"})

        assert response["Location"] == f"{inbox}?page=2"
        assert read_at(notification) is not None
        assert read_at(other) is None

    def test_marking_all_read_leaves_other_peoples_alone(self, client, alice, bob):
        NotificationFactory.create_batch(3, user=alice)
        bobs = NotificationFactory(user=bob)
        client.force_login(alice)

        response = client.post(reverse("notifications:read_all"), follow=True)

        assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
        assert read_at(bobs) is None
        assert b"Marked 3 reminders as read." in response.content

    @pytest.mark.parametrize("action", ["read", "open"])
    def test_another_users_reminder_is_not_found_and_stays_unread(self, client, alice, bob, action):
        bobs = NotificationFactory(user=bob)
        client.force_login(alice)

        response = client.post(reverse(f"notifications:{action}", args=[bobs.pk]))

        assert response.status_code == 404
        assert read_at(bobs) is None

    def test_a_get_changes_nothing(self, client, alice):
        notification = NotificationFactory(user=alice)
        client.force_login(alice)

        response = client.get(reverse("notifications:read", args=[notification.pk]))

        assert response.status_code == 405
        assert read_at(notification) is None


class TestPreferences:
    def test_it_shows_the_current_choice(self, client, alice, preferences):
        client.force_login(alice)

        response = client.get(preferences)

        assert response.status_code == 200
        assert response.context["form"]["reminder_channel"].value() == "email"
        assert b"Email and inbox" in response.content and b"Inbox only" in response.content

    def test_choosing_inbox_only_is_saved(self, client, alice, preferences):
        client.force_login(alice)

        response = client.post(preferences, {"reminder_channel": "inbox"}, follow=True)

        alice.refresh_from_db()
        assert alice.reminder_channel == "inbox"
        assert response.redirect_chain == [(preferences, 302)]
        assert b"Saved. Reminders: Inbox only." in response.content

    def test_a_bad_choice_is_refused_next_to_the_field(self, client, alice, preferences):
        client.force_login(alice)

        response = client.post(preferences, {"reminder_channel": "pigeon"})

        assert response.status_code == 400
        assert response.context["form"].errors == {
            "reminder_channel": [
                "Select a valid choice. pigeon is not one of the available choices."
            ]
        }
        assert b'id="error_1_id_reminder_channel"' in response.content
        alice.refresh_from_db()
        assert alice.reminder_channel == "email"

    def test_it_changes_my_choice_only(self, client, alice, bob, preferences):
        client.force_login(alice)

        client.post(preferences, {"reminder_channel": "inbox"})

        bob.refresh_from_db()
        assert bob.reminder_channel == "email"
