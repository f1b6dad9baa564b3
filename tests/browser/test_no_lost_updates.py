"""Two co-leads edit the same partnership in two browsers: the second save is
refused, shows the first one's change and keeps what was typed (#12)."""

import pytest
from playwright.sync_api import expect

from partnerships.models import Partnership
from tests.browser.conftest import sign_in, two_editors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_second_of_two_editors_sees_the_first_ones_change(live_server, alice, bob):
    with two_editors(live_server, alice, bob, sign_in) as pages:
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
        expect(bob_page.get_by_role("heading", name="Nairobi research exchange")).to_be_visible()
    assert Partnership.objects.get().title == "Nairobi research exchange"
