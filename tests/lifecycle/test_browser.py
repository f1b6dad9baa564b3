"""A manager moves a card along the pipeline in a real Chromium: in place with htmx."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from lifecycle import services
from partnerships.models import Partnership, StageChange
from partnerships.services import partnership_change_stage

# The browser fixtures live with the other browser tests; this one stays with its app.
from tests.browser.conftest import page, plain_static_names, sign_in  # noqa: F401
from tests.factories import PartnershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_moves_a_card_without_leaving_the_board(page, live_server, alice):  # noqa: F811
    partnership = PartnershipFactory(owner=alice, stage="outreach", title="Hanoi exchange")
    services.next_step_set(
        partnership=partnership, description="Call the dean", due_on=dt.date(2020, 1, 1), by=alice
    )
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/pipeline/")
    card = page.locator(f"#card-{partnership.pk}")
    assert "(overdue)" in card.inner_text()
    # A mark on the window survives an htmx swap, not a page load.
    page.evaluate("window.stayedOnPage = true")
    card.get_by_label("Move to").select_option("negotiating")
    card.get_by_role("button", name="Move").click()
    negotiating = page.locator("section[aria-labelledby='stage-negotiating']")
    negotiating.get_by_text("Hanoi exchange").wait_for()
    assert page.evaluate("window.stayedOnPage") is True
    assert "moved to Negotiating" in page.locator("main").inner_text()
    assert Partnership.objects.get(pk=partnership.pk).stage == "negotiating"


def test_a_move_made_on_an_older_board_is_refused_in_place(page, live_server, alice, bob):  # noqa: F811
    """bob moves the partnership on its stage page while alice's board still
    shows it in outreach: her move, posted by htmx, is refused with the stage it
    is at now, in place, and bob's move stands."""
    partnership = PartnershipFactory(owner=alice, stage="outreach", title="Hanoi exchange")
    partnership.leads.create(user=bob, functional_area="administrative")
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/pipeline/")
    page.evaluate("window.stayedOnPage = true")
    partnership_change_stage(
        partnership=partnership, stage="negotiating", reason="The dean said yes.", by=bob
    )

    card = page.locator(f"#card-{partnership.pk}")
    card.get_by_label("Move to").select_option("active")
    card.get_by_role("button", name="Move").click()

    expect(page.locator("main")).to_contain_text(
        "Someone else moved it to “Negotiating” since you opened this page"
    )
    assert page.evaluate("window.stayedOnPage") is True
    # Her choice is kept, to send again having seen bob's move.
    expect(page.get_by_label("Stage")).to_have_value("active")
    assert Partnership.objects.get(pk=partnership.pk).stage == "negotiating"
    assert StageChange.objects.filter(partnership=partnership).count() == 1
