"""A French reader of an English Chromium types a weight with a decimal comma
(tests/i18n/test_typed_numbers.py has the forms' side)."""

from decimal import Decimal

import pytest
from django.utils import translation

from tests.browser.conftest import sign_in
from tests.factories import PartnershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_weight_typed_3_comma_5_is_saved_as_three_and_a_half(live_server, page, alice):
    """In <input type="number"> Chromium dropped the comma its own language does
    not write: "1,5" became 15, saved without a word."""
    partnership = PartnershipFactory(owner=alice, title="Lyon exchange")
    sign_in(page, live_server, "alice")
    alice.language = "fr"
    alice.save(update_fields=["language"])
    with translation.override("fr"):
        add = translation.gettext("Add an objective")

    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    page.get_by_text(add).click()
    page.locator("[name=objective-title]").fill("Des délais plus courts")
    page.locator("[name=objective-benefit]").select_option("patient_outcomes")
    weight = page.locator("[name=objective-weight]")
    weight.click()
    weight.press("Control+A")
    page.keyboard.type("1,5")
    assert weight.input_value() == "1,5"
    with page.expect_navigation():
        weight.press("Enter")

    assert partnership.objectives.get().weight == Decimal("1.5")
