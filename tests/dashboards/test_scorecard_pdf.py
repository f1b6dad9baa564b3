"""The scorecard as one printed page for a board pack."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.numbers import score_text
from dashboards import pdf
from evaluation import review
from evaluation.models import Scorecard
from tests.dashboards.test_partnership_dashboard import (
    MONTHS_2025,
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.factories import UserFactory, partnership_with_data

DECEMBER = MONTHS_2025[-1]


def pages_of(document: bytes) -> int:
    """Page objects in the PDF (`/Type /Page`, not the `/Pages` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", document))


def is_pdf(document: bytes) -> bool:
    return document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")


def card_of(partnership) -> Scorecard:
    return Scorecard.objects.select_related("partnership", "reviewer", "policy").get(
        partnership=partnership, period_start=DECEMBER
    )


def printed(page) -> str:
    return "\n".join(page.printed)


@pytest.fixture
def card(db, alice):
    partnership = partnership_with_data(owner=alice, metrics=2, title="Hôpital Université de Dakar")
    assess([DECEMBER])
    return card_of(partnership)


@pytest.mark.django_db
class TestThePage:
    def test_it_is_one_page_with_the_scorecard_on_it(self, card, rita):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        card = card_of(card.partnership)
        document = pdf.scorecard_pdf(card)
        assert is_pdf(document) and pages_of(document) == 1
        text = printed(pdf.render(card))
        assert "Hôpital Université de Dakar" in text
        assert "December 2025 (approved)" in text
        assert score_text(card.overall_score) in text
        assert card.effective_rating.capitalize() in text
        assert f"Reviewed by {rita} on" in text
        assert "PROVISIONAL" not in text
        for flag in card.flags:
            assert f"• {flag['message']}" in text

    def test_a_scorecard_not_yet_approved_is_marked_provisional(self, card):
        page = pdf.render(card)
        assert "PROVISIONAL" in page.printed
        assert "December 2025 (provisional, not yet approved)" in printed(page)

    def test_an_override_is_shown_beside_the_computed_rating(self, card, rita):
        other = {"green": "amber", "amber": "red", "red": "amber"}[card.rating]
        review.scorecard_override(
            scorecard_id=card.pk, reviewer=rita, rating=other, justification="Seen on site."
        )
        text = printed(pdf.render(card_of(card.partnership)))
        assert other.capitalize() in text
        assert f"computed rating: {card.rating.capitalize()}" in text
        assert "Why:\nSeen on site." in text

    def test_many_flags_and_metrics_still_fit_one_page(self, alice):
        """Twenty metrics with long names, none reported for the last quarter:
        twenty flags, cut to what fits with "and N more"."""
        partnership = partnership_with_data(owner=alice, metrics=20, title="Đại học Y Hà Nội")
        metrics = partnership.objectives.get().metrics.all()
        for metric in metrics:
            metric.name = f"{metric.name} " + "patients referred and treated " * 6
            metric.save()
        assess([DECEMBER])
        card = card_of(partnership)
        assert len(card.flags) >= 20
        page = pdf.render(card)
        text = printed(page)
        assert f"and {len(card.flags) - pdf.FLAGS_SHOWN} more" in text
        assert f"and {20 - pdf.METRICS_SHOWN} more" in text
        assert page.content_bottom <= pdf.FOOTER_Y
        assert pages_of(pdf.scorecard_pdf(card)) == 1

    @pytest.mark.parametrize(
        "title", ["Hôpital Université de Dakar", "Đại học Y Hà Nội", "東京医科大学"]
    )
    def test_names_in_any_script_print_without_failing(self, alice, title):
        partnership = partnership_with_data(owner=alice, metrics=1, title=title)
        assess([DECEMBER])
        card = card_of(partnership)
        page = pdf.render(card)
        # A character no font on the machine has is printed as "?", never dropped.
        expected = "".join(c if ord(c) in page.covered else "?" for c in title)
        assert expected in page.printed
        assert pages_of(pdf.scorecard_pdf(card)) == 1

    def test_without_its_fonts_it_falls_back_to_latin_1(self, alice, monkeypatch, tmp_path):
        monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
        partnership = partnership_with_data(owner=alice, metrics=1, title="Đại học Y Hà Nội")
        assess([DECEMBER])
        card = card_of(partnership)
        page = pdf.render(card)
        assert not page.unicode
        assert "??i h?c Y Hà N?i" in page.printed
        assert is_pdf(pdf.scorecard_pdf(card))


def latest_url(partnership):
    return reverse("dashboards:partnership_scorecard_pdf", args=[partnership.pk])


@pytest.mark.django_db
class TestWhoGetsWhich:
    def test_a_manager_gets_the_latest_scorecard(self, client, alice, card):
        client.force_login(alice)
        response = client.get(latest_url(card.partnership))
        assert response["Content-Type"] == "application/pdf"
        assert f"-{DECEMBER:%Y-%m}.pdf" in response["Content-Disposition"]
        assert is_pdf(response.content) and pages_of(response.content) == 1

    def test_an_executive_gets_the_latest_approved_scorecard(self, client, erin, rita, alice):
        partnership = partnership_with_data(owner=alice, metrics=1)
        assess(MONTHS_2025[-2:])
        november = Scorecard.objects.get(partnership=partnership, period_start=MONTHS_2025[-2])
        review.scorecard_approve(scorecard_id=november.pk, reviewer=rita)
        client.force_login(erin)
        response = client.get(latest_url(partnership))
        assert response.status_code == 200
        assert f"-{MONTHS_2025[-2]:%Y-%m}.pdf" in response["Content-Disposition"]

    def test_an_executive_asking_for_a_scorecard_not_approved_gets_none(self, client, erin, card):
        client.force_login(erin)
        response = client.get(latest_url(card.partnership), follow=True)
        assert response.redirect_chain == [
            (reverse("dashboards:partnership", args=[card.partnership_id]), 302)
        ]
        assert "has no approved scorecard to print yet." in response.content.decode()
        chosen = reverse("dashboards:scorecard_pdf", args=[card.pk])
        assert client.get(chosen).status_code == 404

    def test_a_reviewer_gets_a_chosen_scorecard(self, client, rita, card):
        client.force_login(rita)
        response = client.get(reverse("dashboards:scorecard_pdf", args=[card.pk]))
        assert response.status_code == 200 and pages_of(response.content) == 1

    def test_a_user_without_a_role_is_asked_to_get_one_and_gets_no_pdf(self, client, card):
        client.force_login(UserFactory(username="charlie"))
        for response in (
            client.get(latest_url(card.partnership)),
            client.get(reverse("dashboards:scorecard_pdf", args=[card.pk])),
        ):
            assert response.status_code == 403
            assert b"You have no role in Accord yet" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("metrics", [1, 20])
def test_its_queries_do_not_grow_with_metrics(
    client, alice, django_assert_max_num_queries, metrics
):
    """1 vs 20 metrics, the same 9 queries: session, user, savepoint, user
    permissions, group permissions, the partnership, its latest scorecard with
    reviewer and policy, the names of its metrics, release."""
    partnership = partnership_with_data(owner=alice, metrics=metrics)
    assess([DECEMBER])
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        response = client.get(latest_url(partnership))
    assert response.status_code == 200


@pytest.mark.django_db
class TestWhereItIsOffered:
    def test_the_scorecard_page_offers_the_pdf_of_that_scorecard(self, client, alice, card):
        client.force_login(alice)
        html = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
        assert f'href="{reverse("dashboards:scorecard_pdf", args=[card.pk])}"' in html
        assert f'href="{reverse("dashboards:partnership", args=[card.partnership_id])}"' in html

    def test_an_executive_is_not_offered_a_pdf_of_a_scorecard_not_approved(
        self, client, erin, rita, card
    ):
        client.force_login(erin)
        page = reverse("evaluation:scorecard", args=[card.pk])
        assert "Scorecard PDF" not in client.get(page).content.decode()
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        assert "Scorecard PDF" in client.get(page).content.decode()

    def test_the_dashboard_offers_a_pdf_only_when_there_is_a_scorecard(self, client, erin, card):
        client.force_login(erin)
        dashboard = reverse("dashboards:partnership", args=[card.partnership_id])
        html = client.get(dashboard).content.decode()
        assert "Scorecard PDF" not in html and "Export CSV" in html


def pdf_text(document: bytes) -> str:
    """The text a PDF reader finds on the one page (fpdf2 maps glyphs back to text)."""
    return PdfReader(io.BytesIO(document)).pages[0].extract_text()


LONG_TITLES = [
    # 200 characters of words, as long as a title may be.
    ("Regional collaborative programme for maternal and newborn health " * 4)[:199] + "x",
    # A word longer than the page is wide, then another.
    "Programme " + "W" * 120 + " " + "Krankenhausinformationssystemmodernisierungsvorhaben" * 1,
    "W" * 200,
]


@pytest.mark.django_db
@pytest.mark.parametrize("title", LONG_TITLES)
def test_a_long_title_is_printed_whole_within_the_page(alice, title):
    """The title wraps (a word wider than the page is broken) instead of
    being cut with an ellipsis; with the most flags and metrics the page holds,
    the page still ends above its footer."""
    assert len(title) <= 200
    partnership = partnership_with_data(owner=alice, metrics=20, title=title)
    for metric in partnership.objectives.get().metrics.all():
        metric.name = f"{metric.name} " + "patients referred and treated " * 6
        metric.save()
    assess([DECEMBER])
    card = card_of(partnership)
    document = pdf.scorecard_pdf(card)
    assert pages_of(document) == 1
    text = pdf_text(document)
    assert "".join(title.split()) in "".join(text.split())

    page = pdf.render(card)
    assert page.content_bottom <= pdf.FOOTER_Y
    # Every line of the title fits between the margins, at the size it is printed in.
    assert len(page.title_lines) > 1
    page.use(page.title_size, bold=True)
    assert all(page.get_string_width(line) <= pdf.PAGE_WIDTH for line in page.title_lines)


@pytest.mark.django_db
def test_the_header_names_our_organisation(card, settings):
    settings.ACCORD_ORGANISATION_NAME = "Calderbrook University Hospitals"
    text = pdf_text(pdf.scorecard_pdf(card))
    assert "Calderbrook University Hospitals · Partnership scorecard · board pack" in text
    assert "Our organisation" not in text
