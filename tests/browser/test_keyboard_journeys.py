"""The other browser journeys with the keyboard alone (#16), as in
test_keyboard.py: after a page loads only keys are pressed or typed, every
stop shows the focus (tests/browser/keyboard.py), and the outcome is read
back from the database."""

import datetime as dt

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from core.formatting import short_month
from evaluation import review
from evaluation import services as evaluation
from evaluation.models import Scorecard
from partnerships.models import Agreement, Measurement, Partner, Partnership
from partnerships.periods import Period
from tests.browser.conftest import expect_opened, two_editors, wait_until
from tests.browser.keyboard import (
    FOCUSED,
    choose,
    choose_with_space,
    fill_partner_with_keys,
    follow,
    press,
    sign_in_with_keys,
    tab_to,
    type_into,
)
from tests.dashboards.test_portfolio import seed_portfolio
from tests.factories import PartnerFactory, partnership_with_data
from tests.partnerships.test_documents import TINY_PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assessed(*months):
    for month in months:
        run = evaluation.assessment_run_start(period_start=month.start)
        for chunk_id in evaluation.assessment_run_pending_chunks(run=run):
            evaluation.assessment_chunk_execute(chunk_id=chunk_id)


def test_a_manager_enters_a_partnership_from_partner_to_measurements_with_the_keyboard(
    live_server, page, alice, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = tmp_path / "signed-mou.pdf"
    document.write_bytes(TINY_PDF)
    quarter = Period.containing(dt.date.today(), "quarterly").previous()
    sign_in_with_keys(page, live_server, "alice")

    # A partner.
    follow(page, page.get_by_role("link", name="Partners", exact=True))
    follow(page, page.get_by_role("link", name="New partner"))
    fill_partner_with_keys(page)
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", name="Hôpital Lac-Bleu")).to_be_visible()
    partner = Partner.objects.get(name="Hôpital Lac-Bleu")

    # A partnership with it: the member picker searches as you type, Down
    # goes to the matches and Enter chooses one.
    follow(page, page.get_by_role("link", name="Partnerships", exact=True))
    follow(page, page.get_by_role("link", name="New partnership"))
    wait_until(page, "window.htmx !== undefined")
    type_into(page, page.locator("[name=title]"), "Stroke nursing exchange")
    choose(page, page.locator("[name=purpose]"), "Clinical")
    picker = page.locator("[data-partner-picker]").first
    box = picker.locator("input[type=search]")
    type_into(page, box, "Lac-Bleu")
    match = picker.locator("[data-partner-id]", has_text="Hôpital Lac-Bleu")
    expect(match).to_have_count(1)
    press(page, "ArrowDown")
    assert match.evaluate(FOCUSED)
    press(page, "Enter")
    # Chosen: the list closes, the box shows the choice and keeps the focus.
    expect(picker.locator("input[type=hidden]")).to_have_value(str(partner.pk))
    expect(box).to_have_value("Hôpital Lac-Bleu (CA)")
    expect(picker.locator("[data-partner-id]")).to_have_count(0)
    assert box.evaluate(FOCUSED)
    choose(page, page.locator("[name=members-0-role]"), "Lead")
    follow(page, page.get_by_role("button", name="Create"))
    expect(page.get_by_role("heading", name="Stroke nursing exchange")).to_be_visible()
    partnership = Partnership.objects.get(title="Stroke nursing exchange")
    assert list(partnership.members.values_list("partner", "role")) == [(partner.pk, "lead")]

    # An MoU with its signed document, the file chosen from the file input.
    follow(page, page.get_by_role("link", name="New agreement"))
    type_into(page, page.locator("[name=title]"), "Memorandum of understanding 2026")
    tab_to(page, page.locator("[name=parties-0-is_our_organisation]"))
    press(page, "Space")
    expect(page.locator("[name=parties-0-is_our_organisation]")).to_be_checked()
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", name="Memorandum of understanding 2026")).to_be_visible()
    tab_to(page, page.locator("[name=document]"))
    choose_with_space(page).set_files(str(document))
    follow(page, page.get_by_role("button", name="Upload"))
    expect(page.get_by_role("link", name="signed-mou.pdf")).to_be_visible()
    agreement = Agreement.objects.get(partnership=partnership)
    assert (agreement.title, len(agreement.document_sha256)) == (
        "Memorandum of understanding 2026",
        64,
    )
    assert agreement.parties.get().is_our_organisation

    # An objective and a metric, each form behind a disclosure that Enter opens.
    follow(page, page.get_by_role("link", name="Stroke nursing exchange").first)
    tab_to(page, page.get_by_text("Add an objective"))
    press(page, "Enter")
    type_into(page, page.locator("[name=objective-title]"), "Shorter door-to-needle times")
    choose(page, page.locator("[name=objective-benefit]"), "Better patient")
    follow(page, page.get_by_role("button", name="Add objective"))
    objective = partnership.objectives.get()
    assert (objective.title, objective.benefit) == (
        "Shorter door-to-needle times",
        "patient_outcomes",
    )
    tab_to(page, page.get_by_text("Add a metric"))
    press(page, "Enter")
    prefix = f"metric-{objective.pk}"
    type_into(page, page.locator(f"[name={prefix}-name]"), "Door-to-needle time")
    type_into(page, page.locator(f"[name={prefix}-unit]"), "minutes")
    choose(page, page.locator(f"[name={prefix}-direction]"), "Lower")
    choose(page, page.locator(f"[name={prefix}-frequency]"), "Quarterly")
    type_into(page, page.locator(f"[name={prefix}-baseline_value]"), "60")
    type_into(page, page.locator(f"[name={prefix}-target_value]"), "45")
    follow(page, page.get_by_role("button", name="Add metric"))
    expect(page.get_by_role("cell", name="Door-to-needle time")).to_be_visible()
    metric = objective.metrics.get()
    assert (metric.direction, metric.frequency, metric.baseline_value, metric.target_value) == (
        "lower",
        "quarterly",
        60,
        45,
    )

    # Two measurements in the grid, each saved in place when Tab leaves it
    # (the last quarter's is the page's last field: Tab leaves the page then).
    follow(page, page.get_by_role("link", name="Measurements"))
    wait_until(page, "window.htmx !== undefined")
    for period, value in ((quarter.previous(), "58"), (quarter, "52")):
        cell = page.get_by_label(f"Door-to-needle time, {period.label}")
        type_into(page, cell, value)
        page.keyboard.press("Tab")
        expect(
            page.locator(f"#cell-{metric.pk}-{period.start.isoformat()} input.is-valid")
        ).to_have_count(1)

    assert list(
        Measurement.objects.filter(metric=metric)
        .order_by("period_start")
        .values_list("period_start", "value")
    ) == [(quarter.previous().start, 58), (quarter.start, 52)]


def test_the_partner_picker_answers_the_arrow_keys_enter_and_escape(live_server, page, alice):
    PartnerFactory(name="Hôpital Lac-Bleu", country="CA")
    lac_vert = PartnerFactory(name="Hôpital Lac-Vert", country="CA")
    sign_in_with_keys(page, live_server, "alice")
    page.goto(f"{live_server.url}/partnerships/new/")
    wait_until(page, "window.htmx !== undefined")
    type_into(page, page.locator("[name=title]"), "Lakes exchange")
    choose(page, page.locator("[name=purpose]"), "Joint")
    picker = page.locator("[data-partner-picker]").first
    box = picker.locator("input[type=search]")
    matches = picker.locator("[data-partner-id]")

    # Enter in the box searches instead of sending the half-filled form.
    type_into(page, box, "Lac")
    page.keyboard.press("Enter")
    expect(matches).to_have_count(2)
    assert page.url.endswith("/partnerships/new/")
    assert not Partnership.objects.exists()
    # With the matches shown, Enter goes to the first; Down and Up move along
    # them, Up from the first goes back to the box.
    tab_to(page, box, backwards=True)
    press(page, "Enter")
    assert matches.nth(0).evaluate(FOCUSED)
    press(page, "ArrowDown")
    assert matches.nth(1).evaluate(FOCUSED)
    press(page, "ArrowDown")  # the last stays
    assert matches.nth(1).evaluate(FOCUSED)
    press(page, "ArrowUp")
    press(page, "ArrowUp")
    assert box.evaluate(FOCUSED)
    # Escape closes the list without choosing, back in the box.
    press(page, "ArrowDown")
    press(page, "Escape")
    expect(matches).to_have_count(0)
    assert box.evaluate(FOCUSED)
    expect(picker.locator("input[type=hidden]")).to_have_value("")

    # Typing again brings the list back; leaving the picker closes it rather
    # than leave it over the fields below.
    page.keyboard.type("-")
    expect(matches).to_have_count(2)
    press(page, "Shift+Tab")
    expect(matches).to_have_count(0)
    type_into(page, box, "V")
    expect(matches).to_have_count(1)
    press(page, "ArrowDown")
    press(page, "Enter")
    expect(box).to_have_value("Hôpital Lac-Vert (CA)")
    expect(picker.locator("input[type=hidden]")).to_have_value(str(lac_vert.pk))
    follow(page, page.get_by_role("button", name="Create"))
    expect(page.get_by_role("heading", name="Lakes exchange")).to_be_visible()
    partnership = Partnership.objects.get(title="Lakes exchange")
    assert list(partnership.members.values_list("partner", flat=True)) == [lac_vert.pk]


def test_the_partner_picker_tells_a_screen_reader_what_its_search_found(live_server, page, alice):
    PartnerFactory(name="Hôpital Lac-Bleu", country="CA")
    PartnerFactory(name="Hôpital Lac-Vert", country="CA")
    sign_in_with_keys(page, live_server, "alice")
    page.goto(f"{live_server.url}/partnerships/new/")
    wait_until(page, "window.htmx !== undefined")
    picker = page.locator("[data-partner-picker]").first
    box = picker.locator("input[type=search]")
    # A live region, there before the first search, says what came back, as a
    # sighted reader sees it: the matches go under the box, the focus stays.
    status = picker.get_by_role("status")
    expect(status).to_have_text("")
    tab_to(page, box)
    page.keyboard.type("Lac")
    expect(status).to_have_text("2 partners match.")
    assert box.evaluate(FOCUSED)
    page.keyboard.type("-V")
    expect(status).to_have_text("1 partner matches.")
    page.keyboard.type("ex")
    expect(status).to_have_text("No partner matches “Lac-Vex”.")
    assert box.get_attribute("aria-controls") == picker.locator(
        "[data-partner-results]"
    ).get_attribute("id")


def test_a_reviewer_returns_one_scorecard_and_approves_another_with_the_keyboard(
    live_server, page, alice, rita
):
    readmissions = partnership_with_data(owner=alice, title="Readmission programme")
    fellowship = partnership_with_data(owner=alice, title="Fellowship exchange")
    assessed(evaluation.last_closed_month_today())

    sign_in_with_keys(page, live_server, "rita")
    follow(page, page.get_by_role("link", name="Review", exact=True))
    expect(page.get_by_text("2 awaiting review.")).to_be_visible()

    # Return the first, forgetting the comment at first.
    follow(page, page.get_by_role("link", name="Readmission programme"))
    tab_to(page, page.get_by_text("Return to the owner"))
    press(page, "Enter")
    follow(page, page.get_by_role("button", name="Return with this comment"))
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert Scorecard.objects.get(partnership=readmissions).review_state == "in_review"
    type_into(page, page.get_by_label("What should the owner look at?"), "Q3 values look mistyped.")
    follow(page, page.get_by_role("button", name="Return with this comment"))
    expect(page.locator("#review-state")).to_have_text("Returned")

    # Approve the second.
    follow(page, page.get_by_role("link", name="Review", exact=True))
    follow(page, page.get_by_role("link", name="Fellowship exchange"))
    follow(page, page.get_by_role("button", name="Approve"))
    expect(page.locator("#review-state")).to_have_text("Approved")

    follow(page, page.get_by_role("link", name="Review", exact=True))
    expect(page.get_by_text("Nothing awaits review.")).to_be_visible()
    states = dict(Scorecard.objects.values_list("partnership__title", "review_state"))
    assert states == {readmissions.title: "returned", fellowship.title: "approved"}
    returned = Scorecard.objects.get(partnership=readmissions).events.latest("created_at")
    assert (returned.actor, returned.comment) == (rita, "Q3 values look mistyped.")


def test_an_executive_narrows_the_portfolio_and_follows_it_to_a_partnership_with_the_keyboard(
    live_server, page, alice, bob, rita, erin
):
    seed_portfolio(alice, bob, rita)
    cache.clear()
    sign_in_with_keys(page, live_server, "erin")
    expect(page.get_by_role("heading", name="Partnership portfolio")).to_be_visible()
    # The map coloured by average score instead of count.
    follow(page, page.get_by_role("link", name="Average score"))
    expect(page.locator("#partner-map")).to_contain_text("average latest score")

    choose(page, page.get_by_label("Sector", exact=True), "Industry")
    follow(page, page.get_by_role("button", name="Apply filters"))
    expect(page.locator("#portfolio-count")).to_contain_text("2 partnerships match")

    # A chart's marks take no focus: the table under it holds the same
    # numbers, each row a link where the mark is one.
    region = page.locator("#by-region")
    tab_to(page, region.get_by_role("button", name="Show as table"))
    press(page, "Enter")
    expect_opened(page.locator("#by-region-table"))
    follow(page, page.locator("#by-region-table").get_by_role("link", name="South America"))
    expect(page.get_by_text("1 partnership.")).to_be_visible()
    assert "region=SA" in page.url and "sector=industry" in page.url

    # Back on the dashboard, the ratings tile leads to the green ones alike.
    page.go_back()
    follow(page, page.locator("#tile-ratings").get_by_role("link", name="Green"))
    expect(page.get_by_text("1 partnership.")).to_be_visible()
    follow(page, page.get_by_role("link", name="Paris nurse exchange"))
    expect(page.get_by_role("heading", name="Paris nurse exchange")).to_be_visible()
    exchange = Partnership.objects.get(title="Paris nurse exchange")
    assert f"/{exchange.pk}/" in page.url
    assert exchange.members.filter(partner__sector="industry").exists()


def test_an_executive_reads_a_partnership_dashboard_as_tables_with_the_keyboard(
    live_server, page, alice, erin, rita
):
    partnership = partnership_with_data(owner=alice, metrics=2, title="Kenyan referral network")
    month = evaluation.last_closed_month_today()
    assessed(month.previous(), month)
    for card in Scorecard.objects.filter(partnership=partnership):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)

    sign_in_with_keys(page, live_server, "erin")
    page.goto(f"{live_server.url}/dashboards/partnerships/{partnership.pk}/")
    expect(page.get_by_role("heading", name="Kenyan referral network")).to_be_visible()

    # Every chart's "Show as table" opens with Enter, and closes with Space.
    toggles = page.locator("figure.accord-chart figcaption button")
    expect(toggles).to_have_count(page.locator("canvas[data-chart]").count())
    for index in range(toggles.count()):
        toggle = toggles.nth(index)
        table = page.locator(f"#{toggle.get_attribute('aria-controls')}")
        tab_to(page, toggle)
        press(page, "Enter")
        expect_opened(table)
        expect(toggle).to_have_attribute("aria-expanded", "true")
    history = page.locator("#scorecard-history-table")
    approved = Scorecard.objects.filter(partnership=partnership, review_state="approved")
    for card in approved:
        expect(history).to_contain_text(short_month(card.period_start))
    assert approved.count() == 2

    toggle = page.locator("#scorecard-history").get_by_role("button", name="Show as table")
    tab_to(page, toggle, backwards=True)
    press(page, "Space")
    expect(history).to_be_hidden()


def retitle(page, title):
    """Select the whole title (Ctrl+A), type over it and save."""
    tab_to(page, page.locator("[name=title]"))
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(title)
    follow(page, page.get_by_role("button", name="Save"))


def test_the_second_of_two_editors_keeps_their_typing_with_the_keyboard(live_server, alice, bob):
    with two_editors(live_server, alice, bob, sign_in_with_keys) as pages:
        retitle(pages["alice"], "Nairobi nursing exchange")
        expect(
            pages["alice"].get_by_role("heading", name="Nairobi nursing exchange")
        ).to_be_visible()
        assert Partnership.objects.get().title == "Nairobi nursing exchange"

        bob_page = pages["bob"]
        retitle(bob_page, "Nairobi research exchange")
        expect(bob_page.locator(".alert-danger")).to_contain_text(
            "Title: “Nairobi exchange” → “Nairobi nursing exchange”"
        )
        expect(bob_page.locator("[name=title]")).to_have_value("Nairobi research exchange")
        assert Partnership.objects.get().title == "Nairobi nursing exchange"

        # Having read it, bob keeps his title: Tab to Save again.
        follow(bob_page, bob_page.get_by_role("button", name="Save"))
        expect(bob_page.get_by_role("heading", name="Nairobi research exchange")).to_be_visible()
    assert Partnership.objects.get().title == "Nairobi research exchange"
