"""The main journeys of the browser tests, with the keyboard alone: Tab and
Shift+Tab to move, Enter and Space to act, letters and arrow keys to choose.
No mouse click; at every stop the focus shows (tests/browser/keyboard.py)."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from evaluation import services as evaluation
from evaluation.models import Scorecard
from health import services as health
from health.models import Respondent, Statement
from partnerships.models import Measurement, Partner
from partnerships.periods import Period
from tests.browser.conftest import sign_in, wait_until
from tests.browser.keyboard import (
    fill_partner_with_keys,
    sign_in_with_keys,
    tab_to,
    type_into,
)
from tests.factories import PartnershipFactory, partnership_with_data
from tests.health.builders import open_round, running

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_signs_in_and_creates_a_partner_with_the_keyboard(live_server, page, alice):
    sign_in_with_keys(page, live_server, "alice")
    expect(page.get_by_role("link", name="Partners", exact=True)).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Partners", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="New partner"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New partner")).to_be_visible()

    fill_partner_with_keys(page)
    # Back up to the name with Shift+Tab to correct it.
    tab_to(page, page.locator("[name=name]"), backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" (Québec)")
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hôpital Lac-Bleu (Québec)")).to_be_visible()

    partner = Partner.objects.get()
    assert (partner.name, partner.kind, partner.organisation_type, partner.sector) == (
        "Hôpital Lac-Bleu (Québec)",
        "hospital",
        "15",
        "government",
    )
    assert (partner.country.code, partner.city, str(partner.time_zone)) == (
        "CA",
        "Québec",
        "America/Toronto",
    )


def test_a_manager_enters_measurements_in_the_grid_with_the_keyboard(live_server, page, alice):
    partnership = partnership_with_data(owner=alice, metrics=1, title="Stroke nursing exchange")
    metric = partnership.objectives.get().metrics.get()
    quarter = Period.containing(dt.date.today(), "quarterly").previous()
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/measurements/")
    wait_until(page, "window.htmx !== undefined")

    for period, value in ((quarter.previous(), "31"), (quarter, "35")):
        cell = page.get_by_label(f"{metric.name}, {period.label}")
        type_into(page, cell, value)
        page.keyboard.press("Tab")
        expect(
            page.locator(f"#cell-{metric.pk}-{period.start.isoformat()} input.is-valid")
        ).to_have_count(1, timeout=10_000)

    saved = Measurement.objects.filter(
        metric=metric, period_start__in=[quarter.previous().start, quarter.start]
    ).order_by("period_start")
    assert list(saved.values_list("value", flat=True)) == [31, 35]


def test_a_reviewer_approves_a_scorecard_with_the_keyboard(live_server, page, alice, rita):
    partnership_with_data(owner=alice, title="Fellowship exchange")
    run = evaluation.assessment_run_start(period_start=evaluation.last_closed_month_today().start)
    for chunk_id in evaluation.assessment_run_pending_chunks(run=run):
        evaluation.assessment_chunk_execute(chunk_id=chunk_id)

    sign_in_with_keys(page, live_server, "rita")
    tab_to(page, page.get_by_role("link", name="Review", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Fellowship exchange"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Approve"))
    page.keyboard.press("Space")
    expect(page.locator("#review-state")).to_have_text("Approved")

    assert Scorecard.objects.get().review_state == "approved"


def test_a_respondent_answers_a_health_check_on_a_phone_with_the_keyboard(live_server, page, alice):
    partnership = PartnershipFactory(owner=alice, title="Échange de chirurgie cardiaque")
    health_round = open_round(partnership, by=alice, partner=1, language="fr", **running())
    respondent = Respondent.objects.get(round=health_round)
    health.invitation_send(respondent_id=respondent.pk)
    link = re.search(r"https?://\S+(/health/answer/[\w-]+/)", mail.outbox[0].body)[1]
    statements = list(
        Statement.objects.filter(factor__instrument=health_round.instrument)
        .order_by("factor__position", "position")
        .values_list("pk", flat=True)
    )
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{link}")

    for pk in statements:
        # Tab reaches a group with nothing chosen on its first choice; Space
        # chooses it and the arrow keys move the choice along: 1 → 4.
        tab_to(page, page.locator(f"#id_s{pk}_0"))
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        expect(page.locator(f"#id_s{pk}_3")).to_be_checked()
    type_into(page, page.get_by_label("Souhaitez-vous ajouter quelque chose ?"), "Très bien.")
    tab_to(page, page.get_by_role("button", name="Envoyer mes réponses"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Merci")).to_be_visible()

    respondent.refresh_from_db()
    assert respondent.comment == "Très bien."
    assert sorted(respondent.answers.values_list("rating", flat=True)) == [4] * len(statements)
