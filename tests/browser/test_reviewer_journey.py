"""A reviewer works through the queue in a real headless Chromium."""

import time

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Scorecard
from tests.browser.conftest import sign_in
from tests.factories import partnership_with_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reviewer_returns_one_scorecard_and_approves_another(live_server, page, alice, rita):
    readmissions = partnership_with_data(owner=alice, title="Readmission programme")
    fellowship = partnership_with_data(owner=alice, title="Fellowship exchange")
    run = services.assessment_run_start(period_start=services.last_closed_month_today().start)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    started = time.monotonic()

    sign_in(page, live_server, "rita")
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("2 awaiting review.")).to_be_visible()

    # Return the first, forgetting the comment at first.
    page.get_by_role("link", name="Readmission programme").click()
    expect(page.get_by_role("heading", name="Outcome metrics")).to_be_visible()
    page.get_by_text("Return to the owner").click()
    page.get_by_role("button", name="Return with this comment").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("What should the owner look at?").fill("Q3 values look mistyped.")
    page.get_by_role("button", name="Return with this comment").click()
    expect(page.locator("#review-state")).to_have_text("Returned")
    expect(page.locator("#history")).to_contain_text("Q3 values look mistyped.")

    # Approve the second.
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name="Fellowship exchange").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#review-state")).to_have_text("Approved")
    expect(page.locator("#review-actions")).to_have_count(0)

    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("Nothing awaits review.")).to_be_visible()
    print(f"reviewer journey: {time.monotonic() - started:.1f} s in the browser")

    states = dict(Scorecard.objects.values_list("partnership__title", "review_state"))
    assert states == {readmissions.title: "returned", fellowship.title: "approved"}
