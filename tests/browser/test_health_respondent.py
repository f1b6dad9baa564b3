"""A partner-side respondent answers a health check on a phone, in French,
in a real headless Chromium, through the link of their invitation."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from health import services
from health.models import Respondent, Statement
from tests.factories import PartnershipFactory
from tests.health.builders import open_round, running

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
SCREENSHOT = "/tmp/accord-respond.png"


def test_a_partner_side_respondent_answers_on_a_phone_in_french(live_server, page, alice):
    partnership = PartnershipFactory(owner=alice, title="Échange de chirurgie cardiaque")
    health_round = open_round(partnership, by=alice, partner=3, language="fr", **running())
    respondent = Respondent.objects.filter(round=health_round).order_by("pk").first()
    services.invitation_send(respondent_id=respondent.pk)
    link = re.search(r"https?://\S+(/health/answer/[\w-]+/)", mail.outbox[0].body)[1]
    statements = list(
        Statement.objects.filter(factor__instrument=health_round.instrument)
        .order_by("factor__position", "position")
        .values_list("pk", flat=True)
    )
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Bilan de santé du partenariat")).to_be_visible()
    expect(page.get_by_text("Quand l'autre partie dit qu'elle fera quelque chose")).to_be_visible()
    expect(page.get_by_text("Confiance", exact=True)).to_be_visible()
    page.screenshot(path=SCREENSHOT)
    # Nothing runs off the side of a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Half the statements answered, a comment, then send: what was chosen stays.
    for pk in statements[:14]:
        page.locator(f"label[for=id_s{pk}_3]").click()  # 4, "D'accord"
    page.get_by_label("Souhaitez-vous ajouter quelque chose ?").fill("Très bonne collaboration.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Certaines affirmations n'ont pas encore de note")).to_be_visible()
    expect(page.locator(f"#id_s{statements[0]}_3")).to_be_checked()
    expect(page.locator(f"#id_s{statements[20]}_3")).not_to_be_checked()
    expect(page.get_by_label("Souhaitez-vous ajouter quelque chose ?")).to_have_value(
        "Très bonne collaboration."
    )

    for pk in statements[14:]:
        page.locator(f"label[for=id_s{pk}_4]").click()  # 5, "Tout à fait d'accord"
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Merci")).to_be_visible()

    respondent.refresh_from_db()
    assert respondent.answered_at is not None
    assert respondent.comment == "Très bonne collaboration."
    assert sorted(respondent.answers.values_list("rating", flat=True)) == [4] * 14 + [5] * 13

    # The link has done its work.
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Vos réponses sont enregistrées")).to_be_visible()
