"""An executive exports a portfolio too large for a request, in a real
headless Chromium: the offer, the page that follows the worker, the file."""

import csv
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from dashboards import tasks
from dashboards.models import ExportJob
from tests.browser.conftest import sign_in
from tests.dashboards.test_portfolio import seed_portfolio
from tests.spreadsheets import csv_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_large_export_is_prepared_by_the_worker_and_downloaded(
    live_server, page, alice, bob, rita, erin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACCORD_EXPORT_IN_REQUEST_ROWS = 5  # the six partnerships are "large"
    seed_portfolio(alice, bob, rita)
    cache.clear()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server, "erin")

    page.get_by_role("link", name="Export CSV").click()
    expect(page.get_by_text("The portfolio holds 6 partnerships")).to_be_visible()
    page.get_by_role("button", name="Prepare the file").click()
    expect(page.get_by_role("heading", name="Portfolio export (CSV)")).to_be_visible()
    expect(page.locator("#export-progress")).to_contain_text("Waiting for the worker")

    # What the worker does; the page, polling, reloads once the file is ready.
    tasks.export_job_run(ExportJob.objects.get().pk)
    link = page.get_by_role("link", name="Download portfolio-")
    expect(link).to_be_visible(timeout=10_000)
    with page.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(csv_text(content))))
    assert len(rows) == 6
    assert problems == []
