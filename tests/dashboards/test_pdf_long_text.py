"""Long text on the one-page scorecard PDF.

A reviewer's justification may run to thousands of characters; the PDF prints
the start of it on one line, cut with an ellipsis. Cutting it measured the
whole text once per character dropped (31 seconds, then gunicorn's timeout,
for 4,000 characters). These tests count measurements, not seconds.
"""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from dashboards import pdf
from evaluation import review
from tests.dashboards.test_partnership_dashboard import (
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.dashboards.test_scorecard_pdf import (
    DECEMBER,
    card_of,
    is_pdf,
    pages_of,
    pdf_text,
)
from tests.dashboards.test_scorecard_pdf_scripts import (
    ARABIC_FONT,
    contains,
    drawn_lines,
    names,
    shaped,
)
from tests.factories import partnership_with_data

PROSE = (
    "The site visit confirmed that referrals rose after the new clinic opened; "
    "the quarterly data lag behind what the staff reported on the wards. "
)
ARABIC_PROSE = "زيارة الموقع أكدت التقدم في الإحالات بعد افتتاح العيادة الجديدة "
# The width the justification has beside its "Why:" label, near enough.
JUSTIFICATION_WIDTH = 170


def prose(length: int, words: str = PROSE) -> str:
    return (words * (length // len(words) + 1))[:length]


def linear_fit(page: pdf._Page, text: str, width: float) -> str:
    """What `fit` printed before: the text cut a character at a time."""
    text = page.printable(text)
    if page.get_string_width(text) <= width:
        return text
    ellipsis = "…" if page.unicode else "..."
    while text and page.get_string_width(text + ellipsis) > width:
        text = text[:-1]
    return text.rstrip() + ellipsis


@pytest.fixture
def measurements(monkeypatch):
    """How many times a page measures a string, counted."""
    counted = {"calls": 0}
    measure = pdf._Page.get_string_width

    def counting(self, *args, **kwargs):
        counted["calls"] += 1
        return measure(self, *args, **kwargs)

    monkeypatch.setattr(pdf._Page, "get_string_width", counting)
    return counted


def body_page(size: float = 10) -> pdf._Page:
    page = pdf._Page()
    page.add_page()
    page.use(size)
    return page


def measured_fit(page, measurements, text, width=JUSTIFICATION_WIDTH) -> tuple[str, int]:
    before = measurements["calls"]
    fitted = page.fit(text, width)
    return fitted, measurements["calls"] - before


class TestFitting:
    @pytest.mark.parametrize("words", [PROSE, ARABIC_PROSE, "W", "東京医科大学"])
    def test_a_long_text_takes_few_measurements_whatever_its_length(self, measurements, words):
        page = body_page()
        counts = {}
        for length in (2_000, 4_000, 40_000):
            fitted, counts[length] = measured_fit(page, measurements, prose(length, words))
            assert fitted.endswith("…")
            assert page.get_string_width(fitted) <= JUSTIFICATION_WIDTH
        # Cutting a character at a time measured 4,000 characters 3,898 times.
        assert counts[4_000] <= 40
        # Ten times the text: at most log2(10) more measurements.
        assert counts[40_000] <= counts[4_000] + math.ceil(math.log2(10))

    def test_a_text_that_fits_is_measured_once_or_a_few_times(self, measurements):
        page = body_page()
        assert measured_fit(page, measurements, "Seen on site.") == ("Seen on site.", 1)
        fitted, count = measured_fit(page, measurements, prose(90))
        assert fitted == prose(90).strip() and count <= 3

    @pytest.mark.parametrize(
        "text",
        [
            prose(400),
            prose(400, ARABIC_PROSE),
            prose(300, "בית חולים הדסה "),
            prose(300, "東京医科大学 さくら病院 "),
            prose(300, "Đại học Y Hà Nội "),
            "W" * 300,
            "Krankenhausinformationssystemmodernisierungsvorhaben" * 4,
            "Seen on site.",
            "",
        ],
    )
    def test_it_cuts_where_cutting_a_character_at_a_time_did(self, text):
        """Ordinary text prints as it did: the longest start that fits with
        the ellipsis, shaped as a whole, in each width the page gives text."""
        page = body_page()
        for width in (20, 93, 115, JUSTIFICATION_WIDTH, pdf.PAGE_WIDTH):
            assert page.fit(text, width) == linear_fit(page, text, width)

    def test_without_its_fonts_it_cuts_with_three_dots(self, measurements, monkeypatch, tmp_path):
        monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
        page = body_page()
        assert not page.unicode
        fitted, count = measured_fit(page, measurements, prose(4_000))
        assert fitted.endswith("...") and count <= 40
        assert fitted == linear_fit(page, prose(400), JUSTIFICATION_WIDTH)


def overridden(alice, rita, justification: str):
    partnership = partnership_with_data(owner=alice, metrics=2, title="Partenariat Dakar")
    assess([DECEMBER])
    card = card_of(partnership)
    other = {"green": "amber", "amber": "red", "red": "amber"}[card.rating]
    review.scorecard_override(
        scorecard_id=card.pk, reviewer=rita, rating=other, justification=justification
    )
    return card_of(partnership)


@pytest.mark.django_db
class TestALongJustification:
    def test_the_approved_scorecards_pdf_is_one_page_with_its_start(
        self, client, alice, rita, erin
    ):
        """The page's form allows 4,000 characters; an executive gets the PDF."""
        ending = " So much for the last words."
        justification = prose(4_000 - len(ending)) + ending
        card = overridden(alice, rita, justification)
        client.force_login(erin)
        response = client.get(reverse("dashboards:scorecard_pdf", args=[card.pk]))
        assert response.status_code == 200
        assert is_pdf(response.content) and pages_of(response.content) == 1
        text = " ".join(pdf_text(response.content).split())
        assert "Why:" in text
        assert justification[:60] in text
        assert "…" in text
        assert "the last words" not in text

        page = pdf.render(card)
        line = next(line for line in page.printed if line.startswith(justification[:60]))
        assert line.endswith("…") and len(line) < 200
        assert page.content_bottom <= pdf.FOOTER_Y

    def test_the_page_takes_as_many_measurements_for_40_000_characters(
        self, alice, rita, measurements
    ):
        card = overridden(alice, rita, prose(4_000))
        counts = {}
        for length in (12, 4_000, 40_000):
            card.override_justification = prose(length)
            before = measurements["calls"]
            pdf.render(card)
            counts[length] = measurements["calls"] - before
        # The rest of the page is the same: the justification adds a few.
        assert counts[4_000] <= counts[12] + 40
        assert counts[40_000] <= counts[4_000] + math.ceil(math.log2(10))

    def test_a_long_arabic_justification_is_still_shaped_right_to_left(self, alice, rita):
        justification = prose(4_000, ARABIC_PROSE)
        card = overridden(alice, rita, justification)
        document = pdf.scorecard_pdf(card)
        assert pages_of(document) == 1
        # Its first words, joined and right to left, on a line of their own.
        expected = shaped("زيارة الموقع أكدت", ARABIC_FONT)
        assert any(contains(names(line), expected) for line in drawn_lines(document))
        printed = next(line for line in pdf.render(card).printed if line.startswith("زيارة"))
        assert printed.endswith("…") and len(printed) < 200
