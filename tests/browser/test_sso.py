"""Single sign-on over OpenID Connect, in Chromium, against a real provider
process (oidc-provider-mock) on 127.0.0.1."""

import socket
import subprocess
import sys
import time
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from tests.browser.keyboard import follow, tab_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUTTON = "Sign in with Example Health ID"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def identity_provider():
    """The provider's URL; it runs as its own process for the test."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{url}/.well-known/openid-configuration").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, identity_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": BUTTON,
                    "client_id": "accord",
                    "secret": "accord-secret",
                    # As config.settings: the provider's email_verified claim decides.
                    "settings": {"server_url": identity_provider},
                }
            ],
        }
    }
    settings.ACCORD_OIDC_ROLES_CLAIM = "groups"
    settings.ACCORD_OIDC_ROLE_MAP = {
        "accord-executives": Role.EXECUTIVE,
        "accord-managers": Role.MANAGER,
        "accord-reviewers": Role.REVIEWER,
    }
    return identity_provider


def known_to_the_provider(provider, sub, **claims):
    response = httpx.put(f"{provider}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204


def sign_in_at_the_provider(page, live_server, sub):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=BUTTON).click()
    page.get_by_role("button", name="Continue").click()  # allauth's POST before leaving
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_first_sign_in_creates_the_account_with_the_mapped_role(live_server, page, sso, settings):
    settings.ACCORD_OIDC_AUTO_CREATE = True
    known_to_the_provider(
        sso,
        "olive-at-idp",
        email="olive@example.org",
        email_verified=True,
        preferred_username="olive",
        given_name="Olive",
        family_name="Okafor",
        groups=["accord-executives", "canteen-committee"],
    )

    sign_in_at_the_provider(page, live_server, "olive-at-idp")

    expect(page.get_by_role("heading", name="Partnership portfolio")).to_be_visible()
    olive = User.objects.get(email="olive@example.org")
    assert olive.username == "olive"
    assert olive.get_full_name() == "Olive Okafor"
    assert set(olive.groups.values_list("name", flat=True)) == {Role.EXECUTIVE}
    assert not olive.has_usable_password()


def alice_signs_in_as_an_executive(page, live_server, sso):
    """alice's account was made by an administrator; the provider knows her
    address and puts her among the executives."""
    known_to_the_provider(
        sso,
        "alice-at-idp",
        email="alice@example.org",
        email_verified=True,
        groups=["accord-executives"],
    )

    sign_in_at_the_provider(page, live_server, "alice-at-idp")

    expect(page.get_by_role("heading", name="Partnership portfolio")).to_be_visible()


def test_the_roles_are_re_set_at_each_sign_in(live_server, page, sso, alice):
    alice_signs_in_as_an_executive(page, live_server, sso)
    assert set(alice.groups.values_list("name", flat=True)) == {Role.EXECUTIVE}


def test_a_first_sign_in_by_the_address_an_administrator_set_keeps_the_password(
    live_server, page, sso, alice
):
    """allauth takes the password of an account matched by an address it does
    not know as verified; an administrator's is, in Accord."""
    alice_signs_in_as_an_executive(page, live_server, sso)
    alice.refresh_from_db()
    assert alice.check_password("password")
    assert alice.emailaddress_set.get().verified


def test_without_auto_create_an_unknown_person_is_refused_clearly(live_server, page, sso, settings):
    settings.ACCORD_OIDC_AUTO_CREATE = False
    known_to_the_provider(
        sso, "oscar-at-idp", email="oscar@example.org", groups=["accord-managers"]
    )

    sign_in_at_the_provider(page, live_server, "oscar-at-idp")

    expect(page.get_by_role("heading", name="No Accord account for you yet")).to_be_visible()
    expect(page.get_by_text("ask an Accord administrator")).to_be_visible()
    assert not User.objects.filter(email="oscar@example.org").exists()


def test_a_first_sign_in_through_the_provider_with_the_keyboard(live_server, page, sso, settings):
    settings.ACCORD_OIDC_AUTO_CREATE = True
    known_to_the_provider(
        sso,
        "olive-at-idp",
        email="olive@example.org",
        email_verified=True,
        preferred_username="olive",
        groups=["accord-executives"],
    )

    page.goto(f"{live_server.url}/accounts/login/")
    follow(page, page.get_by_role("link", name=BUTTON))
    # allauth's own step before leaving for the provider: a form to send.
    follow(page, page.get_by_role("button", name="Continue"))
    # The provider's page is not Accord's (oidc-provider-mock stands in for
    # it): its box has the focus on arrival, Enter sends it.
    expect(page.get_by_placeholder("sub")).to_be_focused()
    page.keyboard.type("olive-at-idp")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Partnership portfolio")).to_be_visible()
    olive = User.objects.get(email="olive@example.org")
    assert set(olive.groups.values_list("name", flat=True)) == {Role.EXECUTIVE}
    # Back in Accord, the keyboard goes on from the top of the page.
    tab_to(page, page.get_by_role("button", name="Apply filters"))


def test_with_sso_only_a_password_is_refused_and_the_provider_signs_in(
    live_server, page, sso, alice, settings
):
    """ACCORD_OIDC_ONLY: alice's right password points her to the button, which
    signs her in."""
    settings.ACCORD_OIDC_ONLY = True
    page.goto(f"{live_server.url}/accounts/login/")
    note = page.get_by_text("A password here signs in Accord’s administrators only")
    expect(note).to_be_visible()
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_text("Your account signs in through your organisation")).to_be_visible()
    expect(page.get_by_label("Username or email")).to_have_value("alice")

    alice_signs_in_as_an_executive(page, live_server, sso)


def test_an_address_the_provider_has_not_verified_takes_over_no_account(
    live_server, page, sso, alice, settings
):
    """Someone whose provider account carries alice's address, unverified (a
    self-service sign-up, an address they typed in their profile), is not
    matched to alice's account: it would hand them her session, her roles
    reset from their groups, and a link to sign in as her from then on."""
    settings.ACCORD_OIDC_AUTO_CREATE = False
    known_to_the_provider(
        sso,
        "mallory-at-idp",
        email="alice@example.org",
        email_verified=False,
        groups=["accord-executives"],
    )

    sign_in_at_the_provider(page, live_server, "mallory-at-idp")

    expect(page.get_by_role("heading", name="No Accord account for you yet")).to_be_visible()
    assert not alice.socialaccount_set.exists()
    assert set(alice.groups.values_list("name", flat=True)) == {Role.MANAGER}
    alice.refresh_from_db()
    assert alice.check_password("password")


def test_a_first_sign_in_with_an_address_the_provider_has_not_verified_creates_no_account(
    live_server, page, sso, settings
):
    """An account single sign-on makes is found by its address at later
    sign-ins: made with an address someone typed at the provider, unverified,
    it would be handed to that address's real owner too."""
    settings.ACCORD_OIDC_AUTO_CREATE = True
    known_to_the_provider(
        sso,
        "mallory-at-idp",
        email="victor@example.org",
        email_verified=False,
        preferred_username="mallory",
        groups=["accord-executives"],
    )

    sign_in_at_the_provider(page, live_server, "mallory-at-idp")

    expect(page.get_by_role("heading", name="No Accord account for you yet")).to_be_visible()
    assert not User.objects.filter(email="victor@example.org").exists()
