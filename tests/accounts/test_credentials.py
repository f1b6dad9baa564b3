"""Signing out everywhere, a new password or a deactivation ends every
credential of that person: their other sessions, API tokens and calendar feed
address (accounts.services.user_end_credentials). Other people's keep working."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import token_create
from calendars.feeds import feed_create
from calendars.models import CalendarFeed
from tests.accounts.test_admin import posted
from tests.accounts.test_passwords import NEW_PASSWORD, reset_link, set_new_password
from tests.factories import signed_in_again

pytestmark = pytest.mark.django_db


def api_client(user):
    _, secret = token_create(user=user, name="M&E sync", scope="read_write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def signed_in(username):
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": username, "password": "password"})
    assert response.status_code == 302
    return browser


@pytest.fixture
def alices_sync(alice):
    """alice's API client and calendar feed, working."""
    client = api_client(alice)
    feed_create(user=alice)
    assert client.get("/api/v1/partners/").status_code == 200
    return client


@pytest.fixture
def bobs_sync(bob):
    client = api_client(bob)
    feed_create(user=bob)
    return client


def assert_ended(alice, alices_sync):
    assert alices_sync.get("/api/v1/partners/").status_code == 401
    assert not ApiToken.objects.filter(user=alice, revoked_at__isnull=True).exists()
    assert not CalendarFeed.objects.filter(user=alice).exists()


def assert_untouched(bob, bobs_sync):
    assert bobs_sync.get("/api/v1/partners/").status_code == 200
    assert ApiToken.objects.get(user=bob).revoked_at is None
    assert CalendarFeed.objects.filter(user=bob).exists()


def test_signing_out_everywhere_ends_the_tokens_and_the_feed(alice, bob, alices_sync, bobs_sync):
    laptop, phone = signed_in("alice"), signed_in("alice")

    laptop.post(reverse("usersessions_list"))

    assert_ended(alice, alices_sync)
    assert_untouched(bob, bobs_sync)
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302


def test_signing_out_everywhere_from_ones_only_session_still_ends_the_tokens(alice, alices_sync):
    # allauth's page posted a lone session's button to "sign out", which left
    # the tokens working.
    laptop = signed_in("alice")
    page = laptop.get(reverse("usersessions_list"))
    assert f'action="{reverse("usersessions_list")}"'.encode() in page.content

    laptop.post(reverse("usersessions_list"))

    assert_ended(alice, alices_sync)
    assert laptop.get(reverse("home")).status_code == 200


def test_a_password_reset_ends_every_credential(client, alice, bob, alices_sync, bobs_sync):
    phone = signed_in("alice")

    set_new_password(client, reset_link(client, "alice@example.org"))

    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert_ended(alice, alices_sync)
    assert_untouched(bob, bobs_sync)
    assert phone.get(reverse("home")).status_code == 302


def test_a_password_change_ends_the_rest_and_keeps_this_browser(alice, bob, alices_sync, bobs_sync):
    laptop, phone = signed_in("alice"), signed_in("alice")

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert_ended(alice, alices_sync)
    assert_untouched(bob, bobs_sync)
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302
    assert Session.objects.filter(session_key=laptop.session.session_key).exists()


def test_a_password_an_administrator_sets_ends_every_credential(
    client, adam, alice, bob, alices_sync, bobs_sync
):
    client.force_login(adam)
    change = reverse("admin:auth_user_password_change", args=[alice.pk])
    new_password = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    # An administrator's session alone sets no password (a browser left open).
    asked = client.post(change, new_password)
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    alice.refresh_from_db()
    assert not alice.check_password(NEW_PASSWORD)

    signed_in_again(client)
    response = client.post(change, new_password)

    assert response.status_code == 302
    assert_ended(alice, alices_sync)
    assert_untouched(bob, bobs_sync)


def test_a_deactivated_account_s_tokens_stay_ended_if_it_comes_back(
    client, adam, alice, bob, alices_sync, bobs_sync
):
    phone = signed_in("alice")
    client.force_login(adam)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    data = posted(alice)
    del data["is_active"]

    assert client.post(url, data).status_code == 302
    assert client.post(url, posted(alice)).status_code == 302

    alice.refresh_from_db()
    assert alice.is_active
    assert_ended(alice, alices_sync)
    assert_untouched(bob, bobs_sync)
    assert phone.get(reverse("home")).status_code == 302
