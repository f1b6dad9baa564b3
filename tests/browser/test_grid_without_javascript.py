"""The measurement grid in a browser with JavaScript off: each cell is a plain
form; a refused value comes back as the whole grid, the cell showing what was
typed and why (it was a bare table cell, no page around it)."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.factories import partnership_with_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_refused_value_shows_the_grid_with_the_cell_and_why(live_server, alice):
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=True):
        partnership = partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2024, 1, 1))
        metric = partnership.objectives.get().metrics.get()
        before = metric.measurements.get(period_start=dt.date(2025, 7, 1)).value
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(java_script_enabled=False).new_page()
                page.set_default_timeout(10_000)
                sign_in(page, live_server, "alice")
                page.goto(f"{live_server.url}/partnerships/{partnership.pk}/measurements/")
                cell = page.locator(f"#cell-{metric.pk}-2025-07-01")
                cell.locator("[name=value]").fill("about 30")
                cell.locator("[name=value]").press("Enter")
                page.wait_for_load_state()

                expect(page.get_by_role("heading", level=1)).to_contain_text("Measurements of")
                cell = page.locator(f"#cell-{metric.pk}-2025-07-01")
                expect(cell.locator("[name=value]")).to_have_value("about 30")
                expect(cell.locator(".invalid-feedback")).to_contain_text("Enter a number")
            finally:
                browser.close()
        assert metric.measurements.get(period_start=dt.date(2025, 7, 1)).value == before
