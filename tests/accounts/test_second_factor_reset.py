"""An administrator resets someone's two-factor authentication (a lost phone)
from their page in the admin, after a confirmation; never their own, and
nobody else may (accounts.services.user_reset_second_factor)."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_reset_second_factor
from tests.factories import signed_in_again, totp_code, user_with_role

pytestmark = pytest.mark.django_db


def reset_url(user):
    return reverse("admin:accounts_user_reset_second_factor", args=[user.pk])


def has_second_factor(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_an_administrator_resets_a_reviewer_s_second_factor_after_confirming(client, adam, rita):
    her_phone = Client()
    her_phone.post(reverse("account_login"), {"login": "rita", "password": "password"})
    her_phone.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert her_phone.get(reverse("home")).status_code == 200
    client.force_login(adam)

    page = client.get(reverse("admin:accounts_user_change", args=[rita.pk]))
    confirmation = client.get(reset_url(rita))

    assert reset_url(rita) in page.content.decode()
    assert confirmation.status_code == 200
    assert has_second_factor(rita)  # asking is not doing

    signed_in_again(client)
    response = client.post(reset_url(rita))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=rita).exists()  # app and recovery codes
    event = User.pgh_event_model.objects.get(pgh_obj=rita, pgh_label="second_factor_reset")
    assert event.pgh_context["user"] == adam.pk
    assert event.pgh_context["second_factor_reset_by"] == adam.pk
    assert LogEntry.objects.filter(object_id=str(rita.pk), user=adam).exists()
    trail = client.get(reverse("audit:events"), {"kind": "update"}).content.decode()
    assert "Two-factor authentication reset" in trail
    # The lost phone's session is over.
    assert her_phone.get(reverse("home")).status_code == 302


def test_an_administrator_s_session_alone_resets_nothing(client, adam, rita):
    """A session left open (or stolen) must prove it is its administrator's
    again: a reset would let whoever holds it set up a new authenticator in
    the person's name."""
    client.force_login(adam)

    response = client.post(reset_url(rita))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert has_second_factor(rita)


def test_the_reviewer_sets_it_up_again_at_her_next_sign_in(client, adam, rita):
    client.force_login(adam)
    signed_in_again(client)
    client.post(reset_url(rita))

    rita_browser = Client()
    signed_in = rita_browser.post(
        reverse("account_login"), {"login": "rita", "password": "password"}
    )
    home = rita_browser.get(reverse("home"))

    assert signed_in.status_code == 302
    assert home.status_code == 302
    assert home["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.REVIEWER, Role.EXECUTIVE])
def test_nobody_but_an_administrator_resets_one(client, role):
    ruth = user_with_role("ruth", Role.REVIEWER)
    someone = user_with_role("someone", role)
    client.force_login(someone)

    response = client.post(reset_url(ruth))

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        user_reset_second_factor(user=ruth, by=someone)
    assert has_second_factor(ruth)
    assert not User.pgh_event_model.objects.filter(pgh_label="second_factor_reset").exists()


def test_an_administrator_may_not_reset_their_own(client, adam):
    # A stolen session could otherwise drop the second factor that guards it.
    client.force_login(adam)

    page = client.get(reverse("admin:accounts_user_change", args=[adam.pk]))
    response = client.post(reset_url(adam))

    assert reset_url(adam) not in page.content.decode()
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        user_reset_second_factor(user=adam, by=adam)
    assert has_second_factor(adam)


def test_another_administrator_resets_an_administrator_s(client, adam):
    ada = user_with_role("ada", Role.ADMINISTRATOR)
    client.force_login(ada)
    signed_in_again(client)

    client.post(reset_url(adam))

    assert not has_second_factor(adam)


def test_an_administrator_may_not_reset_a_superuser_s(client, adam, superuser):
    client.force_login(adam)

    response = client.post(reset_url(superuser))

    assert response.status_code == 403
    assert has_second_factor(superuser)
