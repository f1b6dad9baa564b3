"""Browser tests: Playwright drives Debian's Chromium (it cannot download its own here)."""

import contextlib
import os
import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect, sync_playwright

from partnerships.models import PartnershipLead
from tests.factories import TOTP_SECRET, PartnershipFactory, totp_code
from tooling.servers import CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django's guard
# against database calls from async code would otherwise refuse the test's own.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def wait_until(page, expression: str, arg=None, *, timeout: float = 10_000) -> None:
    """Check `expression` (JavaScript: an expression, or a function of `arg`)
    until it is truthy, or raise Playwright's TimeoutError after `timeout` ms.

    Not `page.wait_for_function`: on a page whose Content Security Policy
    forbids eval, as all of Accord's do, its polling inside the page evaluates
    the predicate again, which Chromium refuses once the first evaluation is
    over (microsoft/playwright#36986: "EvalError … violates … 'unsafe-eval'",
    now and then). `page.evaluate` runs each check through the DevTools
    protocol, which the page's policy does not govern."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except PlaywrightError as error:
            # A page still loading: its context is replaced under the check.
            if "context was destroyed" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"not true within {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(50)


def expect_opened(locator) -> None:
    """Wait until a Bootstrap collapse has finished opening.

    While it slides open it is visible but "collapsing", and Bootstrap ignores
    a toggle pressed then: a key or a click at that moment is lost. Only when
    it is done does it carry "show"."""
    expect(locator).to_have_class(re.compile(r"\bshow\b"))


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def plain_static_names(settings):
    """The live server serves static files from the finders, which know the
    files by their plain names, not the hashed names of the manifest storage."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def page():
    """A page in a fresh headless Chromium, closed after the test.

    Playwright starts and stops with each test on purpose: while its sync API
    runs, code runs in another context, where Django's connection objects are
    other ones, without the serialized data that restores the tables created
    by migrations (roles, the first scoring policy) for transactional tests.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            yield page
        finally:
            browser.close()


def sign_in(page, live_server, username, password="password", totp_secret=TOTP_SECRET):
    """Sign in through the real form; a reviewer or administrator then types
    the code their authenticator app would show."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/2fa/authenticate/" in page.url:
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign in").click()


@contextlib.contextmanager
def two_editors(live_server, alice, bob, sign_in_as):
    """alice and bob, each signed in (by `sign_in_as`) in a browser context of
    their own, both on the edit form of "Nairobi exchange": alice owns it and
    bob co-leads it. Yields their pages by username."""
    partnership = PartnershipFactory(owner=alice, title="Nairobi exchange")
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="research")
    edit = f"{live_server.url}{reverse('partnerships:partnership_edit', args=[partnership.pk])}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for username in ("alice", "bob"):
                page = browser.new_context().new_page()
                page.set_default_timeout(10_000)
                sign_in_as(page, live_server, username)
                expect(page.get_by_role("link", name="Partnerships", exact=True)).to_be_visible()
                page.goto(edit)
                pages[username] = page
            yield pages
        finally:
            browser.close()
