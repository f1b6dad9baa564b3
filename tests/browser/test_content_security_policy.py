"""The pages that draw and script the most work under the Content-Security-
Policy: Chromium reports every refused script, style or connection in the
console, and none is reported on the dashboards, the measurement grid, the
partnership page (progress bars) and the health pages."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from evaluation import services as evaluation
from health import services as health
from health.models import Respondent
from tests.browser.conftest import sign_in, wait_until
from tests.dashboards.test_portfolio import seed_portfolio
from tests.factories import partnership_with_data
from tests.health.builders import open_round, running

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EVERY_CHART_DRAWN = """() => {
  const canvases = [...document.querySelectorAll("canvas[data-chart]")];
  return canvases.length > 0 && canvases.every((canvas) => Chart.getChart(canvas));
}"""


def watch(page) -> list[str]:
    """Every console error and uncaught exception; a CSP refusal is one of them."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def violations(problems: list[str]) -> list[str]:
    return [p for p in problems if "Content Security Policy" in p]


def test_the_policy_is_enforced_so_a_violation_would_be_seen(live_server, page, alice):
    """The control: an inline style and an inline script are refused and reported."""
    problems = watch(page)
    sign_in(page, live_server, "alice")
    page.evaluate(
        """() => {
          const div = document.createElement("div");
          div.innerHTML = '<p style="color: red">x</p><img src=x onerror="window.ran = 1">';
          document.body.append(div);
        }"""
    )
    page.wait_for_timeout(300)

    assert page.evaluate("window.ran") is None
    assert len(violations(problems)) >= 2, problems


def test_the_busiest_pages_draw_without_a_single_violation(live_server, page, alice, bob, rita):
    seed_portfolio(alice, bob, rita)
    partnership = partnership_with_data(owner=alice, metrics=2, title="Kenyan referral network")
    month = evaluation.last_closed_month_today()
    for period in (month.previous(), month):
        run = evaluation.assessment_run_start(period_start=period.start)
        for chunk_id in evaluation.assessment_run_pending_chunks(run=run):
            evaluation.assessment_chunk_execute(chunk_id=chunk_id)
    health_round = open_round(partnership, by=alice, partner=1, **running())
    respondent = Respondent.objects.filter(round=health_round).order_by("pk").first()
    health.invitation_send(respondent_id=respondent.pk)
    answer_link = re.search(r"https?://\S+(/health/answer/[\w-]+/)", mail.outbox[-1].body)[1]
    cache.clear()
    problems = watch(page)

    sign_in(page, live_server, "alice")
    for path in ("/dashboards/", f"/dashboards/partnerships/{partnership.pk}/"):
        page.goto(f"{live_server.url}{path}")
        wait_until(page, EVERY_CHART_DRAWN)

    # The partnership page with its progress bars, then the grid, saving in place.
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    expect(page.locator(".progress-bar").first).to_be_visible()
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/measurements/")
    wait_until(page, "window.htmx !== undefined")
    cell = page.locator(".measurement-cell input[name=value]").first
    cell.fill("42")
    cell.press("Tab")
    expect(page.locator(".measurement-cell input.is-valid")).to_have_count(1)

    page.goto(f"{live_server.url}/health/partnerships/{partnership.pk}/")
    expect(page.get_by_role("heading").first).to_be_visible()
    page.goto(f"{live_server.url}{answer_link}")
    expect(page.locator(".accord-grid-5").first).to_be_visible()

    assert violations(problems) == []
    assert problems == []
