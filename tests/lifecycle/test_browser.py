"""A manager moves a card along the pipeline in a real Chromium: in place with htmx."""

import datetime as dt

import pytest

from lifecycle import services
from partnerships.models import Partnership

# The browser fixtures live with the other browser tests; this one stays with its app.
from tests.browser.conftest import page, plain_static_names, sign_in  # noqa: F401
from tests.factories import MemberFactory, PartnershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_moves_a_card_without_leaving_the_board(page, live_server, alice):  # noqa: F811
    partnership = PartnershipFactory(owner=alice, stage="outreach", title="Hanoi exchange")
    MemberFactory(partnership=partnership)
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
