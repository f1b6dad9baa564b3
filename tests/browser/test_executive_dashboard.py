"""An executive reads the portfolio dashboard in a real headless Chromium."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from demo.portfolio import DEMO_PASSWORD
from tests.browser.conftest import expect_opened, sign_in, wait_until
from tests.dashboards.test_portfolio import seed_portfolio

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT = "/tmp/accord-portfolio.png"
CHARTS = (
    "ratings",
    "rating-trend",
    "partner-map",
    "by-sector",
    "by-spanned",
    "by-region",
    "by-purpose",
    "by-benefit",
    "best-worst",
)


def test_an_executive_sees_the_demo_portfolio_with_its_charts_and_map(live_server, page):
    for command, options in (("seed_demo", {}), ("assess", {"last": 3}), ("review_demo", {})):
        call_command(command, stdout=io.StringIO(), **options)
    cache.clear()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, live_server, "erin", password=DEMO_PASSWORD)
    # The executive's home is the dashboard.
    expect(page.get_by_role("heading", name="Partnership portfolio")).to_be_visible()
    assert page.url.endswith("/dashboards/")
    for chart_id in CHARTS:
        canvas = page.locator(f"#{chart_id} canvas")
        expect(canvas).to_be_visible()
        # Chart.js has taken the canvas over once it has drawn on it.
        wait_until(
            page, "id => !!Chart.getChart(document.querySelector(`#${id} canvas`))", arg=chart_id
        )
    page.wait_for_timeout(600)  # let the entry animations settle before the picture
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert problems == []

    # The map coloured by average score instead of count.
    page.get_by_role("link", name="Average score").click()
    expect(page.locator("#partner-map")).to_contain_text("average latest score")
    wait_until(page, "() => !!Chart.getChart(document.querySelector('#partner-map canvas'))")
    assert problems == []


def test_an_executive_narrows_the_portfolio_and_follows_a_mark(
    live_server, page, alice, bob, rita, erin
):
    seed_portfolio(alice, bob, rita)
    cache.clear()
    sign_in(page, live_server, "erin")

    # A filter narrows the page, and its mark leads to the list narrowed alike.
    page.get_by_label("Sector", exact=True).select_option("industry")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#portfolio-count")).to_contain_text("2 partnerships match")
    page.locator("#tile-ratings").get_by_text("Green").click()
    expect(page.get_by_role("heading", name="Partnerships")).to_be_visible()
    expect(page.get_by_role("link", name="Paris nurse exchange")).to_be_visible()
    expect(page.get_by_text("1 partnership.")).to_be_visible()

    # The same numbers as a table, each row leading to its partnerships.
    page.go_back()
    expect(page.locator("#portfolio-count")).to_contain_text("2 partnerships match")
    page.locator("#by-region").get_by_role("button", name="Show as table").click()
    expect_opened(page.locator("#by-region-table"))
    page.locator("#by-region-table").get_by_role("link", name="South America").click()
    expect(page.get_by_text("1 partnership.")).to_be_visible()
    assert "region=SA" in page.url and "sector=industry" in page.url
