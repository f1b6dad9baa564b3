"""A co-lead changes a partnership's members in a real Chromium: the picker
searches as she types, each change is read back from the database, and the
last member's refusal shows on its row."""

import pytest
from playwright.sync_api import expect

from partnerships.models import PartnershipLead
from tests.browser.conftest import sign_in
from tests.factories import PartnerFactory, PartnershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_co_lead_adds_a_member_and_takes_members_off(live_server, page, alice, bob):
    partnership = PartnershipFactory(
        owner=alice, title="Nairobi exchange", member__partner__name="Kenyatta Hospital"
    )
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="research")
    PartnerFactory(name="University of Nairobi")
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Change members").click()
    page.wait_for_load_state()

    picker = page.locator("[data-partner-picker]")
    picker.locator("input[type=search]").fill("Univ")
    picker.locator("[data-partner-id]", has_text="University of Nairobi").click()
    # The new member's box; each row's is named after its partner ("Role of …").
    page.locator("#id_role").select_option(label="Funder")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("University of Nairobi is now a member.")).to_be_visible()
    assert dict(partnership.members.values_list("partner__name", "role")) == {
        "Kenyatta Hospital": "member",
        "University of Nairobi": "funder",
    }

    page.get_by_role("button", name="Take Kenyatta Hospital off").click()
    expect(page.get_by_text("Kenyatta Hospital is no longer a member.")).to_be_visible()
    page.get_by_role("button", name="Take University of Nairobi off").click()
    expect(page.get_by_role("alert")).to_contain_text("only member organisation")
    assert list(partnership.members.values_list("partner__name", flat=True)) == [
        "University of Nairobi"
    ]
