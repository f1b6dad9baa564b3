"""Two co-leads edit the same partnership in two browsers: the second save is
refused, shows the first one's change and keeps what was typed (#12)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from partnerships.models import Partnership, PartnershipLead
from tests.browser.conftest import CHROMIUM_ARGS, sign_in
from tests.factories import PartnershipFactory
from tooling.servers import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_second_of_two_editors_sees_the_first_ones_change(live_server, alice, bob):
    partnership = PartnershipFactory(owner=alice, title="Nairobi exchange")
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="research")
    edit = f"{live_server.url}{reverse('partnerships:partnership_edit', args=[partnership.pk])}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Two contexts: two people, each with their own session.
            pages = {}
            for username in ("alice", "bob"):
                page = browser.new_context().new_page()
                page.set_default_timeout(10_000)
                sign_in(page, live_server, username)
                expect(page.get_by_role("link", name="Partnerships", exact=True)).to_be_visible()
                page.goto(edit)
                pages[username] = page

            pages["alice"].locator("[name=title]").fill("Nairobi nursing exchange")
            pages["alice"].get_by_role("button", name="Save").click()
            expect(
                pages["alice"].get_by_role("heading", name="Nairobi nursing exchange")
            ).to_be_visible()

            bob_page = pages["bob"]
            bob_page.locator("[name=title]").fill("Nairobi research exchange")
            bob_page.get_by_role("button", name="Save").click()
            expect(bob_page.locator(".alert-danger")).to_contain_text(
                "Title: “Nairobi exchange” → “Nairobi nursing exchange”"
            )
            expect(bob_page.locator("[name=title]")).to_have_value("Nairobi research exchange")
            assert Partnership.objects.get().title == "Nairobi nursing exchange"

            # Having seen it, bob decides his title is the one to keep.
            bob_page.get_by_role("button", name="Save").click()
            expect(
                bob_page.get_by_role("heading", name="Nairobi research exchange")
            ).to_be_visible()
        finally:
            browser.close()
    assert Partnership.objects.get().title == "Nairobi research exchange"
