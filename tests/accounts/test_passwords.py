"""Password reset by email (a link that works once and expires) and the password rules."""

import datetime as dt
import re
import smtplib

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.password_reset import TASK
from accounts.tasks import password_reset_send
from ops.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long walk to the harbour"


def queued_resets() -> list[dict]:
    """What the page asked the worker to email, in the order asked."""
    return [
        message.kwargs for message in OutboxMessage.objects.filter(task_name=TASK).order_by("pk")
    ]


def send_queued_resets() -> list:
    """Run, as the worker would, the password-reset emails the pages queued."""
    results = [password_reset_send.apply(kwargs=kwargs) for kwargs in queued_resets()]
    OutboxMessage.objects.filter(task_name=TASK).delete()
    return results


def reset_link(client, email):
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    assert mail.outbox == []  # the worker sends it, not the page
    send_queued_resets()
    (message,) = mail.outbox
    return re.search(r"https?://\S+/password/reset/key/\S+/", message.body).group(0)


def set_new_password(client, link, password=NEW_PASSWORD):
    """Open the emailed link (allauth moves the key to the session and redirects)
    and choose the new password."""
    response = client.get(link, follow=True)
    if not response.redirect_chain:  # an invalid link shows its page at once
        return response
    return client.post(
        response.redirect_chain[-1][0], {"password1": password, "password2": password}
    )


def test_it_resets_a_password_by_email_once(client, alice):
    link = reset_link(client, "alice@example.org")

    response = set_new_password(client, link)

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert b"The password reset link was invalid" in again.content


def test_the_reset_link_expires_after_an_hour(client, alice, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        link = reset_link(client, "alice@example.org")
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        response = set_new_password(client, link)
    assert b"The password reset link was invalid" in response.content
    alice.refresh_from_db()
    assert alice.check_password("password")


def test_an_unknown_address_gets_no_mail_and_no_hint(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert [result.get() for result in send_queued_resets()] == [0]
    assert mail.outbox == []


def test_the_page_does_the_same_for_an_address_with_an_account_as_for_one_without(client, alice):
    # Timing the page told which addresses have accounts when it made and
    # emailed the link itself: now it runs the same statements for both.
    asked = {}
    for email in ("alice@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("account_reset_password"), {"email": email})
        asked[email] = (
            response.status_code,
            response["Location"],
            [re.sub(r"'[^']*'|\b\w*\d\w*\b", "?", query["sql"]) for query in queries],
        )
    assert asked["alice@example.org"] == asked["nobody@example.org"]
    assert mail.outbox == []
    assert [kwargs["email"] for kwargs in queued_resets()] == [
        "alice@example.org",
        "nobody@example.org",
    ]


def test_the_link_is_in_the_persons_language_else_that_of_the_page_that_asked(
    client, alice, bob, settings
):
    alice.language = "fr"
    alice.save()
    client.post(
        reverse("account_reset_password"), {"email": "alice@example.org"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    client.post(
        reverse("account_reset_password"), {"email": "bob@example.org"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    send_queued_resets()

    to_alice, to_bob = mail.outbox
    assert "réinitialisation" in to_alice.subject.lower()
    assert "restablecer contraseña" in to_bob.subject
    # The site's own address, never the Host the request named.
    assert to_alice.body.count(settings.SITE_URL.rstrip("/") + "/") >= 1


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(550, b"mailbox unavailable")


def test_a_mail_server_that_refuses_the_link_tells_no_one_and_the_worker_tries_again(
    client, alice, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.accounts.test_passwords.RefusingEmailBackend"
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])

    to_nobody, to_alice = send_queued_resets()

    assert to_nobody.get() == 0
    assert to_alice.failed() and isinstance(to_alice.result, smtplib.SMTPDataError)
    assert "Retry in" in caplog.text  # sent again, not dropped
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert password_reset_send.apply(kwargs={"email": "alice@example.org"}).get() == 1
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_password_of_eleven_characters_is_refused_next_to_the_field(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": "harbourwalk", "password2": "harbourwalk"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    # crispy puts the message under the field it belongs to.
    field_error = re.search(r'id="error_\d+_id_password1"[^>]*>(.*?)</', html, re.S)
    assert "at least 12 characters" in field_error.group(1)
    alice.refresh_from_db()
    assert alice.check_password("password")


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
        ("alice@example.org", "too similar"),
    ],
)
def test_common_numeric_and_similar_passwords_are_refused(client, alice, password, why):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": password, "password2": password},
    )
    assert why in response.content.decode()


def test_a_twelve_character_password_is_accepted(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": "harbourwalks", "password2": "harbourwalks"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("harbourwalks")


def test_there_is_no_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert b"No Accord account for you yet" in response.content
    response = client.post(
        reverse("account_signup"),
        {
            "username": "mallory",
            "email": "mallory@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert not response.context["user"].is_authenticated


def test_nobody_puts_another_address_on_their_own_account(client, alice, erin):
    # Addresses are set by administrators (or the identity provider). allauth's
    # page let alice add erin's address, unverified, and make it her own: she
    # then signed in as "erin@example.org" with her own password, her mail went
    # to erin, and single sign-on matching by address could find her account
    # for erin.
    client.force_login(alice)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "erin@example.org"}
    )
    client.post(reverse("account_email"), {"action_primary": "", "email": "erin@example.org"})

    assert response.status_code == 404
    assert not EmailAddress.objects.filter(user=alice, email="erin@example.org").exists()
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"


# --- how passwords are kept ------------------------------------------------------------


@pytest.fixture
def production_hashers(settings):
    """The hashers of config/settings.py (the suite otherwise hashes with MD5 for speed)."""
    from config import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    return production.PASSWORD_HASHERS


def test_a_password_chosen_now_is_kept_as_an_argon2id_hash(client, alice, production_hashers):
    link = reset_link(client, "alice@example.org")

    set_new_password(client, link)

    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$")
    assert alice.check_password(NEW_PASSWORD)


def test_an_older_pbkdf2_hash_still_signs_in_and_is_hashed_again_with_argon2(
    client, alice, production_hashers
):
    alice.password = make_password(NEW_PASSWORD, hasher="pbkdf2_sha256")
    alice.save(update_fields=["password"])

    response = client.post(reverse("account_login"), {"login": "alice", "password": NEW_PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$")


def test_a_wrong_password_leaves_an_older_hash_as_it_was(client, alice, production_hashers):
    alice.password = old = make_password(NEW_PASSWORD, hasher="pbkdf2_sha256")
    alice.save(update_fields=["password"])

    client.post(reverse("account_login"), {"login": "alice", "password": "not the password"})

    alice.refresh_from_db()
    assert alice.password == old
