"""ACCORD_OIDC_ONLY: the organisation's identity provider signs in everyone but
the superusers (accounts.sso). A password, however right, signs no one else
in, and none is reset, set or changed; the superusers keep theirs for the day
the provider is unreachable."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.test_passwords import NEW_PASSWORD, send_queued_resets
from tests.accounts.test_sso_passwords import PROVIDERS, REFUSED
from tests.factories import totp_code

pytestmark = pytest.mark.django_db

NOTE = "A password here signs in Accord’s administrators only"


@pytest.fixture
def single_sign_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS


@pytest.fixture
def only_through_organisation(settings, single_sign_on):
    settings.ACCORD_OIDC_ONLY = True


def sign_in(client, login, password="password"):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_a_right_password_signs_a_manager_in_only_without_the_switch(client, alice, settings):
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS
    response = sign_in(client, "alice")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_right_password_is_refused_with_the_way_to_sign_in(
    client, alice, only_through_organisation
):
    response = sign_in(client, "alice")

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("account_login"))


def test_a_wrong_password_gets_the_usual_answer(client, alice, only_through_organisation):
    response = sign_in(client, "alice", "not her password")

    assert response.status_code == 200
    assert REFUSED not in response.content.decode()
    assert "username and/or password you specified are not correct" in response.content.decode()


def test_a_superuser_still_signs_in_with_password_and_code(
    client, superuser, only_through_organisation
):
    response = sign_in(client, "root")
    assert response["Location"] == reverse("mfa_authenticate")

    client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_without_single_sign_on_the_switch_asks_nothing(client, alice, settings):
    # No provider to sign in through: passwords sign everyone in again.
    settings.ACCORD_OIDC_ONLY = True
    assert NOTE not in client.get(reverse("account_login")).content.decode()

    sign_in(client, "alice")

    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_sign_in_page_says_so_only_with_the_switch(client, settings, single_sign_on):
    assert NOTE not in client.get(reverse("account_login")).content.decode()
    settings.ACCORD_OIDC_ONLY = True
    assert NOTE in client.get(reverse("account_login")).content.decode()


def test_no_reset_link_but_for_a_superuser(client, alice, superuser, only_through_organisation):
    ours = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert [result.get() for result in send_queued_resets()] == [0, 0]
    assert mail.outbox == []
    assert (ours.status_code, ours["Location"]) == (unknown.status_code, unknown["Location"])

    client.post(reverse("account_reset_password"), {"email": "root@example.org"})
    assert [result.get() for result in send_queued_resets()] == [1]
    assert [message.to for message in mail.outbox] == [["root@example.org"]]


def test_the_password_change_page_offers_no_form_and_changes_nothing(
    client, alice, only_through_organisation
):
    client.force_login(alice)

    page = client.get(reverse("account_change_password"))
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert REFUSED in page.content.decode()
    assert b'name="password1"' not in page.content
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("password")


def test_the_password_change_page_still_changes_without_the_switch(client, alice, single_sign_on):
    client.force_login(alice)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
