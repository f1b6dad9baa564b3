"""The partnership dashboard in a real headless Chromium: charts, the map, no errors."""

import pytest
from playwright.sync_api import expect

from core.formatting import short_month
from evaluation import review, services
from evaluation.models import Scorecard
from tests.browser.conftest import sign_in, wait_until
from tests.factories import MemberFactory, PartnerFactory, partnership_with_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT = "/tmp/accord-partnership.png"
EVERY_CHART_DRAWN = """() => {
  const canvases = [...document.querySelectorAll("canvas[data-chart]")];
  return canvases.length > 0 && canvases.every((canvas) => Chart.getChart(canvas));
}"""


def test_an_executive_sees_the_partnership_dashboard_drawn(live_server, page, alice, erin, rita):
    partnership = partnership_with_data(owner=alice, metrics=2, title="Kenyan referral network")
    MemberFactory(
        partnership=partnership,
        partner=PartnerFactory(
            name="Đại học Y Hà Nội",
            country="VN",
            city="Hà Nội",
            languages=["vi"],
            time_zone="Asia/Ho_Chi_Minh",
        ),
    )
    month = services.last_closed_month_today()
    for period in (month.previous().previous(), month.previous(), month):
        run = services.assessment_run_start(period_start=period.start)
        for chunk_id in services.assessment_run_pending_chunks(run=run):
            services.assessment_chunk_execute(chunk_id=chunk_id)
    for card in Scorecard.objects.filter(partnership=partnership):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_server, "erin")
    page.goto(f"{live_server.url}/dashboards/partnerships/{partnership.pk}/")
    expect(page.get_by_role("heading", name="Kenyan referral network")).to_be_visible()
    wait_until(page, EVERY_CHART_DRAWN)
    # History, one chart per metric and the members' map.
    assert page.locator("canvas[data-chart]").count() == 4
    expect(page.locator("#latest")).to_contain_text(f"Latest scorecard: {month.start:%B %Y}")
    expect(page.locator("#members")).to_contain_text("Vietnam — Ho Chi Minh")
    expect(page.locator("#shared-hours")).to_be_visible()

    # The numbers behind a chart are one click away.
    page.locator("#scorecard-history").get_by_role("button", name="Show as table").click()
    expect(page.locator("#scorecard-history-table")).to_contain_text(short_month(month.start))

    page.screenshot(path=SCREENSHOT, full_page=True)
    assert problems == []
