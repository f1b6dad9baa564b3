"""Reviewers and administrators must sign in with a second factor (TOTP)."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import DEMO_TOTP_SECRET, user_set_demo_second_factor
from tests.factories import signed_in_again, totp_code, user_with_role, with_authenticator
from tests.test_pages import PUBLIC, app_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruth(db):
    """A reviewer who has not yet set up an authenticator app."""
    return user_with_role("ruth", Role.REVIEWER, second_factor=False)


def test_a_reviewer_without_a_second_factor_reaches_only_its_setup(client, ruth):
    client.force_login(ruth)
    setup = reverse("mfa_activate_totp")
    reachable = PUBLIC | {reverse("logout")}
    for url in [u for u in app_urls() if u not in reachable] + [reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == setup, url
    # allauth asks for the password again before adding an authenticator.
    response = client.get(setup, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up(client):
    Group.objects.get_or_create(name="Administrator")
    adam = user_with_role("adam", "Administrator", second_factor=False, is_staff=True)
    client.force_login(adam)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_setting_up_the_authenticator_opens_the_rest(client, ruth):
    client.post(reverse("account_login"), {"login": "ruth", "password": "password"})
    reauthenticate = client.get(reverse("mfa_activate_totp"))["Location"]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    client.post(reauthenticate, {"password": "password"})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=ruth, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("evaluation:review_queue")).status_code == 200


def test_a_reviewer_without_a_password_sets_it_up_after_a_code_by_email(client):
    """Single sign-on made her account, with no password: allauth asks for a
    code it emails before she adds an authenticator. Its pages were sent back
    to the set-up, which sent her to them again: the browser gave up, "too many
    redirects", and she could open nothing in Accord."""
    reva = user_with_role("reva", Role.REVIEWER, second_factor=False)
    reva.set_unusable_password()
    reva.save()
    EmailAddress.objects.create(user=reva, email=reva.email, verified=True, primary=True)
    client.force_login(reva)

    to_code = client.get(reverse("mfa_activate_totp"))["Location"]
    assert to_code.startswith(reverse("account_request_reauthentication_code"))
    assert client.get(to_code).status_code == 200
    confirm = client.post(to_code, {"recipient": reva.email})["Location"]
    code = re.search(r"\n\n(\S+)\n\n", mail.outbox[-1].body).group(1)
    response = client.post(confirm, {"code": code})

    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert page.context["form"].secret


def test_a_reviewer_may_not_remove_her_authenticator(client, rita):
    client.force_login(rita)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=rita, type=Authenticator.Type.TOTP).exists()
    assert response.status_code in (200, 302)


def test_a_manager_is_not_asked_for_one(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200


def test_a_reviewer_reaches_the_review_queue_only_after_the_code(client, rita):
    response = client.post(reverse("account_login"), {"login": "rita", "password": "password"})
    assert response["Location"] == reverse("mfa_authenticate")
    queue = client.get(reverse("evaluation:review_queue"))
    assert queue.status_code == 302
    assert queue["Location"].startswith(reverse("account_login"))

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("evaluation:review_queue")).status_code == 200


def test_the_demo_reviewer_gets_the_documented_secret_and_codes(rita):
    first = user_set_demo_second_factor(user=rita)
    again = user_set_demo_second_factor(user=rita)
    assert first == again
    assert first.secret == DEMO_TOTP_SECRET == "ACCORDDEMOREVIEWERTOTPSECRETABCD"
    assert len(first.recovery_codes) == 10
    assert Authenticator.objects.filter(user=rita).count() == 2


def test_wrong_codes_are_limited_to_five_then_even_the_right_one_waits(client, rita):
    """Without a limit, whoever had the password could try every six-digit code."""
    address = {"REMOTE_ADDR": "10.9.8.7"}
    client.post(reverse("account_login"), {"login": "rita", "password": "password"}, **address)
    for _ in range(5):
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"}, **address)
        assert "Incorrect code." in wrong.content.decode()

    limited = client.post(reverse("mfa_authenticate"), {"code": "000000"}, **address)
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, **address)

    assert "Too many failed login attempts" in limited.content.decode()
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_code_after_a_few_wrong_ones_signs_in(client, rita):
    address = {"REMOTE_ADDR": "10.9.8.6"}
    client.post(reverse("account_login"), {"login": "rita", "password": "password"}, **address)
    for _ in range(4):
        client.post(reverse("mfa_authenticate"), {"code": "000000"}, **address)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()}, **address)
    assert client.get(reverse("evaluation:review_queue"), **address).status_code == 200


def test_behind_a_proxy_each_person_s_wrong_codes_count_against_their_own_address(
    client, rita, settings
):
    """ACCORD_CLIENT_IP_HEADERS says where the proxy puts the client's address.
    The limit on wrong codes read the proxy's own, so two people mistyping
    their codes made everyone behind it wait for theirs."""
    settings.ACCORD_CLIENT_IP_HEADERS = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    proxy = "10.0.0.1"
    for number, name in enumerate(["ravi", "rosa"], start=2):
        user_with_role(name, Role.REVIEWER)
        other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
        other.post(reverse("account_login"), {"login": name, "password": "password"})
        for _ in range(5):
            other.post(reverse("mfa_authenticate"), {"code": "000000"})

    address = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    client.post(reverse("account_login"), {"login": "rita", "password": "password"}, **address)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, **address)

    assert "Too many failed login attempts" not in response.content.decode()
    assert client.session["_auth_user_id"] == str(rita.pk)


def test_a_role_given_during_a_session_asks_for_the_second_factor_at_once(client, alice):
    """A manager signed in with a password alone; an administrator makes her a
    reviewer: her next request is sent to set up an authenticator."""
    client.force_login(alice)
    assert client.get(reverse("evaluation:review_queue")).status_code == 403

    alice.groups.add(Group.objects.get(name=Role.REVIEWER))

    response = client.get(reverse("evaluation:review_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_a_manager_who_removed_her_authenticator_is_asked_again_when_made_a_reviewer(client, alice):
    """The session remembers that she had one; removing it (hers to do while
    no role needs it) must not leave a reviewer without one for the rest of
    the session."""
    with_authenticator(alice)
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
    signed_in_again(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=alice).exists()

    alice.groups.add(Group.objects.get(name=Role.REVIEWER))

    response = client.get(reverse("evaluation:review_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", list(Role))
def test_only_reviewers_and_administrators_hold_a_permission_that_asks_for_it(role):
    from accounts.roles import ROLE_PERMISSIONS
    from accounts.sessions import SECOND_FACTOR_PERMISSIONS, SECOND_FACTOR_ROLES

    held = {f"{app}.{codename}" for app, codename in ROLE_PERMISSIONS[role]}
    assert bool(held & SECOND_FACTOR_PERMISSIONS) == (role in SECOND_FACTOR_ROLES)


def test_a_reviewer_with_an_authenticator_costs_no_query_for_it(client, rita):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.sessions import HAS_SECOND_FACTOR

    client.force_login(rita)
    client.get(reverse("home"))  # learns that she has one
    assert client.session[HAS_SECOND_FACTOR] is True
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("evaluation:review_queue")).status_code == 200
    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]
