"""An account single sign-on made signs in through the organisation only: it
gains no password by "forgotten your password?" or the password-set page
(accounts.sso). One with its own password keeps it alongside single sign-on."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from tests.accounts.test_passwords import (
    NEW_PASSWORD,
    reset_link,
    send_queued_resets,
    set_new_password,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

NOTE = "Accord keeps no password for you and sends no reset link"
REFUSED = "Your account signs in through your organisation"

PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "sso",
                "name": "Sign in with your organisation",
                "client_id": "accord",
                "secret": "s",
                "settings": {"server_url": "https://id.example.org/realms/hospital"},
            }
        ]
    }
}


@pytest.fixture
def single_sign_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS


@pytest.fixture
def sam(db):
    """A manager whose account single sign-on made: linked, with no password (as
    allauth's SocialAccountAdapter.save_user leaves it)."""
    sam = user_with_role("sam", Role.MANAGER, email="sam@example.org")
    sam.set_unusable_password()
    sam.save()
    SocialAccount.objects.create(user=sam, provider="sso", uid="sam-at-the-idp")
    EmailAddress.objects.create(user=sam, email=sam.email, verified=True, primary=True)
    return sam


def test_forgotten_password_sends_no_link_and_answers_as_for_an_unknown_address(
    client, sam, single_sign_on
):
    page = client.get(reverse("account_reset_password"))

    ours = client.post(reverse("account_reset_password"), {"email": "sam@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert NOTE in page.content.decode()
    assert [result.get() for result in send_queued_resets()] == [0, 0]
    assert mail.outbox == []
    assert (ours.status_code, ours["Location"]) == (unknown.status_code, unknown["Location"])
    sam.refresh_from_db()
    assert not sam.has_usable_password()


def test_a_link_sent_before_single_sign_on_was_on_sets_no_password(client, sam, settings):
    # Without single sign-on the account needs a password again: the link goes out.
    link = reset_link(client, "sam@example.org")
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS

    response = set_new_password(client, link)

    assert REFUSED in response.content.decode()
    sam.refresh_from_db()
    assert not sam.has_usable_password()


def test_the_password_set_page_offers_no_form_and_refuses_a_password(client, sam, single_sign_on):
    client.force_login(sam)

    page = client.get(reverse("account_set_password"))
    response = client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert REFUSED in page.content.decode()
    assert b'name="password1"' not in page.content
    assert response.status_code == 200
    sam.refresh_from_db()
    assert not sam.has_usable_password()


def test_an_account_with_its_own_password_still_resets_it_alongside_single_sign_on(
    client, alice, single_sign_on
):
    # README, "Single sign-on": an account an administrator made keeps its
    # password when single sign-on finds it, to sign in while the provider is away.
    SocialAccount.objects.create(user=alice, provider="sso", uid="alice-at-the-idp")

    set_new_password(client, reset_link(client, "alice@example.org"))

    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
