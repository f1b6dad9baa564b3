"""A partnership manager's day in a real headless Chromium, without the admin."""

import datetime as dt
import time

import pytest
from playwright.sync_api import expect

from partnerships.models import Agreement, Measurement, Partnership
from partnerships.periods import Period
from tests.browser.conftest import sign_in, wait_until
from tests.partnerships.test_documents import TINY_PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A real one-page PDF: the upload opens it with a PDF parser.
PDF = TINY_PDF


def test_a_manager_enters_a_partnership_from_partner_to_measurements(
    live_server, page, alice, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = tmp_path / "signed-mou.pdf"
    document.write_bytes(PDF)
    quarter = Period.containing(dt.date.today(), "quarterly").previous()
    started = time.monotonic()

    sign_in(page, live_server, "alice")

    # A partner.
    page.get_by_role("link", name="Partners", exact=True).click()
    page.get_by_role("link", name="New partner").click()
    page.locator("[name=name]").fill("Hôpital Lac-Bleu")
    page.locator("[name=kind]").select_option("hospital")
    page.locator("[name=organisation_type]").select_option("15")
    page.locator("[name=sector]").select_option("government")
    page.locator("[name=country]").select_option("CA")
    page.locator("[name=city]").fill("Québec")
    page.locator("[name=time_zone]").select_option("America/Toronto")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Hôpital Lac-Bleu")).to_be_visible()

    # A partnership with it.
    page.get_by_role("link", name="Partnerships", exact=True).click()
    page.get_by_role("link", name="New partnership").click()
    # Typed once the page has loaded (htmx with it), as a person would: typing
    # into a page still loading would search nothing, on a busy machine.
    page.wait_for_load_state()
    page.locator("[name=title]").fill("Stroke nursing exchange")
    page.locator("[name=purpose]").select_option("clinical_exchange")
    # The member picker searches the partners as you type, then one is chosen.
    picker = page.locator("[data-partner-picker]").first
    picker.locator("input[type=search]").fill("Lac-Bleu")
    picker.locator("[data-partner-id]", has_text="Hôpital Lac-Bleu").click()
    page.locator("[name=members-0-role]").select_option("lead")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Stroke nursing exchange")).to_be_visible()
    partnership = Partnership.objects.get(title="Stroke nursing exchange")

    # An MoU with its signed document.
    page.get_by_role("link", name="New agreement").click()
    page.locator("[name=title]").fill("Memorandum of understanding 2026")
    page.locator("[name=parties-0-is_our_organisation]").check()
    # Refused first (a 400, shown as any page): the error is next to the
    # field and what was typed is still there to correct.
    page.locator("[name=effective_date]").fill("2026-06-01")
    page.locator("[name=expiry_date]").fill("2026-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The expiry date must be after the effective date.")).to_be_visible()
    expect(page.locator("[name=title]")).to_have_value("Memorandum of understanding 2026")
    assert not Agreement.objects.exists()
    page.locator("[name=expiry_date]").fill("2029-05-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Memorandum of understanding 2026")).to_be_visible()
    page.locator("[name=document]").set_input_files(str(document))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="signed-mou.pdf")).to_be_visible()

    # An objective and a metric, on the partnership page.
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    page.get_by_text("Add an objective").click()
    page.locator("[name=objective-title]").fill("Shorter door-to-needle times")
    page.locator("[name=objective-benefit]").select_option("patient_outcomes")
    page.get_by_role("button", name="Add objective").click()
    objective = partnership.objectives.get()
    page.get_by_text("Add a metric").click()
    prefix = f"metric-{objective.pk}"
    page.locator(f"[name={prefix}-name]").fill("Door-to-needle time")
    page.locator(f"[name={prefix}-unit]").fill("minutes")
    page.locator(f"[name={prefix}-direction]").select_option("lower")
    page.locator(f"[name={prefix}-frequency]").select_option("quarterly")
    page.locator(f"[name={prefix}-baseline_value]").fill("60")
    page.locator(f"[name={prefix}-target_value]").fill("45")
    page.get_by_role("button", name="Add metric").click()
    expect(page.get_by_role("cell", name="Door-to-needle time")).to_be_visible()

    # Two measurements in the grid, saved in place.
    metric_id = objective.metrics.get().pk
    page.get_by_role("link", name="Measurements").click()
    # The cells save through htmx: type only once it has bound them.
    page.wait_for_load_state("load")
    wait_until(page, "window.htmx !== undefined")
    for period, value in ((quarter.previous(), "58"), (quarter, "52")):
        cell = page.get_by_label(f"Door-to-needle time, {period.label}")
        cell.fill(value)
        cell.press("Tab")
        # Saved in place: the cell comes back marked as saved.
        expect(
            page.locator(f"#cell-{metric_id}-{period.start.isoformat()} input.is-valid")
        ).to_have_count(1, timeout=10_000)

    # All of it on the partnership page.
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    expect(page.get_by_text("Hôpital Lac-Bleu").first).to_be_visible()
    expect(page.get_by_text("Memorandum of understanding 2026")).to_be_visible()
    expect(page.get_by_text("Shorter door-to-needle times")).to_be_visible()
    expect(page.get_by_role("cell", name="Door-to-needle time")).to_be_visible()
    print(f"manager journey: {time.monotonic() - started:.1f} s in the browser")

    agreement = Agreement.objects.get(partnership=partnership)
    assert len(agreement.document_sha256) == 64
    assert list(
        Measurement.objects.filter(metric__objective=objective)
        .order_by("period_start")
        .values_list("value", flat=True)
    ) == [58, 52]
