"""Failed sign-ins lock an account and an address out for a while (django-axes);
an administrator sees the attempts in the admin and unlocks."""

import datetime as dt
import ipaddress

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse

from tests.accounts.test_passwords import NEW_PASSWORD, reset_link, set_new_password
from tests.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def sign_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def fail(client, login, times):
    for _ in range(times):
        sign_in(client, login, "not-the-password")


def test_it_locks_an_account_after_five_failures_and_says_until_when(client, alice, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    settings.ACCORD_ORGANISATION_TIME_ZONE = "Asia/Kolkata"
    with time_machine.travel(NOW, tick=False):
        fail(client, "alice", 4)
        assert AccessAttempt.objects.get(username="alice").failures_since_start == 4
        assert sign_in(client, "alice", "not-the-password").status_code == 429

        response = sign_in(client, "alice", "password")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # 15 minutes after the last failure, in the organisation's time zone: the
    # person is not signed in, so has no zone of their own.
    assert "Try again after 14:45 (IST)" in response.content.decode()
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 5
    assert AccessFailureLog.objects.filter(username="alice").count() == 5


def test_it_counts_an_email_address_against_its_account(client, alice):
    with time_machine.travel(NOW, tick=False):
        fail(client, "alice@example.org", 3)
        fail(client, "alice", 2)
        response = sign_in(client, "alice", "password")
    assert response.status_code == 429


def test_it_lets_the_account_in_again_after_fifteen_minutes(client, alice):
    with time_machine.travel(NOW, tick=False):
        fail(client, "alice", 5)
    with time_machine.travel(NOW + dt.timedelta(minutes=14), tick=False):
        assert sign_in(client, "alice", "password").status_code == 429
    with time_machine.travel(NOW + dt.timedelta(minutes=15, seconds=1), tick=False):
        response = sign_in(client, "alice", "password")
        # Read while the session is young: it ends 12 hours after NOW.
        assert client.session["_auth_user_id"] == str(alice.pk)
    assert response.status_code == 302


def test_it_locks_out_an_address_that_tries_many_accounts(client, alice):
    with time_machine.travel(NOW, tick=False):
        for name in ["amy", "ben", "cat", "dan", "eve"]:
            sign_in(client, name, "guess")
        response = sign_in(client, "alice", "password")
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == 5


class TestAnAddressManyPeopleShare:
    """A hospital's staff sign in from its one NAT or proxy address: listed in
    ACCORD_SHARED_ADDRESSES, it locks accounts only, so five people who each
    mistype once do not lock everyone out."""

    @pytest.fixture(autouse=True)
    def shared(self, settings):
        settings.ACCORD_SHARED_ADDRESSES = (
            ipaddress.ip_network("198.51.100.0/24"),
            ipaddress.ip_network("2001:db8::/32"),
        )

    def attempt(self, address, login, password):
        return Client(REMOTE_ADDR=address).post(
            reverse("account_login"), {"login": login, "password": password}
        )

    @pytest.mark.parametrize(
        "address", ["198.51.100.0", "198.51.100.255", "2001:db8::7", "::ffff:198.51.100.7"]
    )
    def test_five_people_mistyping_there_lock_nobody_else_out(self, alice, address):
        with time_machine.travel(NOW, tick=False):
            for name in ["amy", "ben", "cat", "dan", "eve", "fay"]:
                self.attempt(address, name, "guess")
            response = self.attempt(address, "alice", "password")
        assert response.status_code == 302
        assert response.url == "/"

    @pytest.mark.parametrize(
        "address", ["198.51.99.255", "198.51.101.0", "2001:db9::7", "::ffff:198.51.101.0"]
    )
    def test_an_address_just_outside_is_locked_as_before(self, alice, address):
        with time_machine.travel(NOW, tick=False):
            for name in ["amy", "ben", "cat", "dan", "eve"]:
                self.attempt(address, name, "guess")
            response = self.attempt(address, "alice", "password")
        assert response.status_code == 429

    def test_an_account_is_still_locked_there_and_the_page_says_its_own_time(self, alice):
        with time_machine.travel(NOW, tick=False):
            self.attempt("198.51.100.7", "amy", "guess")
        with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
            for _ in range(5):
                self.attempt("198.51.100.7", "alice", "guess")
            response = self.attempt("198.51.100.8", "alice", "password")
        assert response.status_code == 429
        # 15 minutes after alice's last failure; amy's at 09:00 is not hers.
        assert "Try again after 09:25" in response.content.decode()
        with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
            # Someone else at the same address is not held by alice's lockout.
            bob = UserFactory(username="bob", password="password")
            assert self.attempt("198.51.100.7", bob.username, "password").status_code == 302


@pytest.mark.parametrize("entry", ["198.51.100.0/33", "hospital-nat", "10.0.0.1/24/8"])
def test_an_unreadable_shared_address_stops_accord_at_start_up_naming_it(monkeypatch, entry):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import env

    monkeypatch.setenv("ACCORD_SHARED_ADDRESSES", f"203.0.113.7,{entry}")
    with pytest.raises(ImproperlyConfigured) as error:
        env.networks("ACCORD_SHARED_ADDRESSES")
    assert str(error.value) == (
        f"ACCORD_SHARED_ADDRESSES: {entry!r} is not an address or a network such as "
        "198.51.100.0/24."
    )


def test_an_administrator_sees_the_attempts_and_unlocks(client, alice):
    with time_machine.travel(NOW, tick=False):
        fail(client, "alice", 5)
    attempt = AccessAttempt.objects.get(username="alice")
    admin = with_authenticator(UserFactory(username="root", is_staff=True, is_superuser=True))

    # Within the lock's 15 minutes: axes forgets older attempts by itself, so
    # the test must not depend on the hour it runs at.
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        client.force_login(admin)
        listing = client.get(reverse("admin:axes_accessattempt_changelist"))
        assert listing.status_code == 200
        assert b"alice" in listing.content
        response = client.post(
            reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    client.logout()

    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        response = sign_in(client, "alice", "password")
        # Read while the session is young: it ends 12 hours after NOW.
        assert client.session["_auth_user_id"] == str(alice.pk)
    assert response.status_code == 302


def test_a_success_clears_the_count(client, alice):
    fail(client, "alice", 4)
    assert sign_in(client, "alice", "password").status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_each_failure_is_logged_on_one_line(client, alice, caplog):
    caplog.set_level("INFO")
    fail(client, "alice", 2)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert len(lines) == 2
    assert "New login failure by" in lines[0] and "alice" in lines[0]
    assert "Repeated login failure by" in lines[1]


def test_the_admin_sign_in_page_is_the_one_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


def test_the_letters_case_of_a_username_does_not_make_another_account(client, alice):
    """Sign-in finds alice as "ALICE" too: each spelling counts against her one
    account, from any address, and a locked account stays locked under another
    spelling."""

    def attempt(login, password, address):
        return client.post(
            reverse("account_login"),
            {"login": login, "password": password},
            REMOTE_ADDR=address,
        )

    with time_machine.travel(NOW, tick=False):
        for number, login in enumerate(["alice", "Alice", "ALICE", "aLiCe"], start=1):
            assert attempt(login, "not-the-password", f"10.0.0.{number}").status_code == 200
        # One row per address, all of them alice's.
        assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"alice"}
        assert attempt("ALICE@EXAMPLE.ORG", "not-the-password", "10.0.0.5").status_code == 429

        response = attempt("Alice", "password", "10.0.0.6")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="alice").count() == 5  # an address each


def test_a_password_reset_by_email_unlocks_the_account(client, alice):
    # The lockout page tells whoever forgot their password to reset it; the new
    # password was refused with the same page until the fifteen minutes passed.
    fail(client, "alice", 5)
    assert sign_in(client, "alice", "password").status_code == 429
    link = reset_link(client, "alice@example.org")

    assert set_new_password(client, link).status_code == 302
    response = sign_in(client, "alice", NEW_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_behind_a_proxy_an_address_is_the_client_s_not_the_proxy_s(client, alice, settings):
    """ACCORD_CLIENT_IP_HEADERS named the proxy's header, but was read by
    nothing (django-ipware, which axes asked for it, is not installed): five
    wrong passwords from anyone locked everyone behind the proxy out. The proxy
    appends the address it saw; what a client writes before it counts for nothing."""
    settings.ACCORD_CLIENT_IP_HEADERS = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    with time_machine.travel(NOW, tick=False):
        for number, name in enumerate(["amy", "ben", "cat", "dan", "eve"]):
            client.post(
                reverse("account_login"),
                {"login": name, "password": "guess"},
                HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
                **proxy,
            )
        guesser = client.post(
            reverse("account_login"),
            {"login": "fay", "password": "guess"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            **proxy,
        )
        response = client.post(
            reverse("account_login"),
            {"login": "alice", "password": "password"},
            HTTP_X_FORWARDED_FOR="192.0.2.1",
            **proxy,
        )

    assert guesser.status_code == 429
    assert response.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_wrong_current_passwords_on_the_change_page_count_towards_the_lockout(client, alice):
    """A session left open does not guess its person's password on the change
    page faster than at the sign-in page: five wrong ones lock the account."""
    client.force_login(alice)
    change = reverse("account_change_password")
    new = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    for _ in range(4):
        client.post(change, {"oldpassword": "not-the-password", **new})
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 4
    assert client.post(change, {"oldpassword": "not-the-password", **new}).status_code == 429

    response = client.post(change, {"oldpassword": "password", **new})

    assert response.status_code == 429
    alice.refresh_from_db()
    assert alice.check_password("password")
    # Nor does the right password sign in from another browser meanwhile.
    assert sign_in(Client(), "alice", "password").status_code == 429


def test_the_right_current_password_still_changes_it(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
