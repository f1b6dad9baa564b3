"""The API's documentation page (Swagger UI) for people: it draws under the
site's Content-Security-Policy, unweakened, without a single refusal, and
leads back to Accord."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_api_docs_draw_without_a_violation_and_lead_back_to_accord(live_server, page, erin):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    sign_in(page, live_server, "erin")

    response = page.goto(f"{live_server.url}{reverse('api:docs')}")
    assert "style-src 'self';" in response.headers["content-security-policy"] + ";"
    # Swagger UI read the schema and drew its operations.
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/partners/").first
    expect(operation).to_be_visible()
    # Opened, it shows its parameters and example responses (highlighted code).
    operation.click()
    expect(page.locator(".opblock-body .responses-wrapper").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    refused = [text for text in console if "Content Security Policy" in text or "Refused" in text]
    assert refused == []

    back = page.locator("#back-to-accord")
    expect(back).to_be_visible()
    assert back.get_attribute("href") == reverse("home")
    back.click()
    # Home sends an executive on to the portfolio: a page of the app, with its navigation.
    expect(page).to_have_url(f"{live_server.url}{reverse('dashboards:portfolio')}")
    expect(page.locator("nav.navbar")).to_be_visible()
