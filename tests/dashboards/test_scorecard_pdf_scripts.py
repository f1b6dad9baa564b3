"""The scorecard PDF in every script our partners write in.

Arabic and Hebrew are checked against HarfBuzz itself: the string shaped by
uharfbuzz with the same font gives the glyphs, in visual order, that the PDF
must draw (joined Arabic letters, right to left). The glyphs are read from the
PDF's content stream through its fonts' CIDToGIDMap and embedded subsets, not
looked at by eye. Chinese, Japanese and Vietnamese names must be drawn with
real glyphs, none of them the empty box (.notdef)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
import uharfbuzz as hb
from django.utils import translation
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from dashboards import pdf
from evaluation import review
from tests.dashboards.test_partnership_dashboard import (
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.dashboards.test_scorecard_pdf import DECEMBER, card_of
from tests.factories import partnership_with_data

ARABIC_FONT = pdf.FONT_DIR / "noto/NotoSansArabic-Regular.ttf"
HEBREW_FONT = pdf.FONT_DIR / "noto/NotoSansHebrew-Regular.ttf"
BOLD_ARABIC_FONT = pdf.FONT_DIR / "noto/NotoSansArabic-Bold.ttf"

# "Health indicator", "Maternal health indicator": the "مؤشر", printed
# as "رشؤم" (backwards, unshaped) before.
ARABIC_TITLE = "مؤشر الصحة"
ARABIC_METRIC = "مؤشر صحة الأم"
HEBREW_TITLE = "בית חולים הדסה"
# "The site visit confirmed the progress."
ARABIC_REASON = "زيارة الموقع أكدت التقدم"


@dataclass(frozen=True)
class Glyph:
    font: str  # the embedded font's name, e.g. MPDFAA+NotoSansArabicBold
    name: str  # the glyph's name in that font, e.g. uniFEE3 (meem, initial form)
    gid: int


def _fonts(page) -> dict[str, tuple[str, bytes, list[str]]]:
    """Each font resource: its name, CIDToGIDMap and the glyph order of the subset."""
    fonts = {}
    for key, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        cid_to_gid = descendant["/CIDToGIDMap"].get_object().get_data()
        subset = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        order = TTFont(io.BytesIO(subset)).getGlyphOrder()
        fonts[key] = (str(font["/BaseFont"]).lstrip("/"), cid_to_gid, order)
    return fonts


def drawn_lines(document: bytes) -> list[list[Glyph]]:
    """The glyphs each text object of the first page draws, left to right."""
    reader = PdfReader(io.BytesIO(document))
    page = reader.pages[0]
    fonts = _fonts(page)
    lines, current, font = [], [], None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BT":
            current = []
        elif operator == b"ET":
            lines.append(current)
        elif operator == b"Tf":
            font = fonts[operands[0]]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else [operands[0]]
            for string in strings:
                if isinstance(string, int | float):
                    continue
                raw = getattr(string, "original_bytes", None) or bytes(string)
                name, cid_to_gid, order = font
                for index in range(0, len(raw), 2):
                    code = int.from_bytes(raw[index : index + 2], "big")
                    gid = int.from_bytes(cid_to_gid[code * 2 : code * 2 + 2], "big")
                    current.append(Glyph(name, order[gid], gid))
    return lines


def shaped(text: str, font_path) -> list[str]:
    """The glyph names HarfBuzz gives `text` in the font, in visual order."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(font_path))))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    order = TTFont(str(font_path)).getGlyphOrder()
    return [order[info.codepoint] for info in buffer.glyph_infos]


def unshaped_backwards(text: str, font_path) -> list[str]:
    """What the PDF drew before: each letter's own glyph, left to right as stored."""
    font = TTFont(str(font_path))
    cmap = font.getBestCmap()
    return [cmap[ord(c)] for c in text]


def contains(sequence: list[str], part: list[str]) -> bool:
    return any(sequence[i : i + len(part)] == part for i in range(len(sequence) - len(part) + 1))


def names(line: list[Glyph]) -> list[str]:
    return [glyph.name for glyph in line]


def scorecard(alice, *, title, metric_name=None, unit="patients"):
    partnership = partnership_with_data(owner=alice, metrics=1, title=title)
    if metric_name:
        partnership.objectives.get().metrics.update(name=metric_name, unit=unit)
    assess([DECEMBER])
    return card_of(partnership)


@pytest.mark.django_db
class TestRightToLeft:
    def test_an_arabic_title_is_drawn_as_harfbuzz_shapes_it(self, alice):
        document = pdf.scorecard_pdf(scorecard(alice, title=ARABIC_TITLE))
        expected = shaped(ARABIC_TITLE, BOLD_ARABIC_FONT)  # the title is bold
        # The reference is what the bug was not: joined forms, right to left.
        assert expected != unshaped_backwards(ARABIC_TITLE, BOLD_ARABIC_FONT)
        assert expected[0] == "uniFE94"  # the final form of teh marbuta, the last letter
        title = next(line for line in drawn_lines(document) if contains(names(line), expected))
        assert names(title) == expected
        assert {g.font for g in title if g.name != "space"} == {"MPDFAA+NotoSansArabicBold"}

    def test_an_arabic_metric_name_is_drawn_as_harfbuzz_shapes_it(self, alice):
        card = scorecard(alice, title="Partenariat Dakar", metric_name=ARABIC_METRIC, unit="مريض")
        lines = [names(line) for line in drawn_lines(pdf.scorecard_pdf(card))]
        expected_name = shaped(ARABIC_METRIC, ARABIC_FONT)
        expected_unit = shaped("مريض", ARABIC_FONT)
        # The metrics table's line ("name (unit)"); a flag's may name the metric too.
        line = next(
            line
            for line in lines
            if contains(line, expected_name) and contains(line, expected_unit)
        )
        # It reads right to left: the name on the right, its unit left of it.
        assert line.index(expected_unit[0]) < line.index(expected_name[0])

    def test_an_arabic_justification_is_a_right_to_left_paragraph_of_its_own(self, alice, rita):
        card = scorecard(alice, title="Partenariat Dakar")
        other = {"green": "amber", "amber": "red", "red": "amber"}[card.rating]
        review.scorecard_override(
            scorecard_id=card.pk, reviewer=rita, rating=other, justification=ARABIC_REASON
        )
        document = pdf.scorecard_pdf(card_of(card.partnership))
        expected = shaped(ARABIC_REASON, ARABIC_FONT)
        assert any(names(line) == expected for line in drawn_lines(document))

    def test_a_hebrew_title_is_drawn_right_to_left(self, alice):
        document = pdf.scorecard_pdf(scorecard(alice, title=HEBREW_TITLE))
        bold_hebrew = pdf.FONT_DIR / "noto/NotoSansHebrew-Bold.ttf"
        expected = shaped(HEBREW_TITLE, bold_hebrew)
        assert expected != unshaped_backwards(HEBREW_TITLE, bold_hebrew)
        assert expected == list(reversed(unshaped_backwards(HEBREW_TITLE, bold_hebrew)))
        assert any(names(line) == expected for line in drawn_lines(document))


@pytest.mark.django_db
class TestOtherScripts:
    @pytest.mark.parametrize(
        "title",
        [
            "Đại học Y Hà Nội",  # Vietnamese
            "北京协和医院",  # Chinese
            "東京医科大学 さくら病院",  # Japanese: kanji and kana
        ],
    )
    def test_the_name_is_drawn_with_real_glyphs(self, alice, title):
        card = scorecard(alice, title=title, metric_name=title)
        document = pdf.scorecard_pdf(card)
        page = PdfReader(io.BytesIO(document)).pages[0]
        # The ToUnicode maps of the fonts' subsets hold every character.
        assert title in page.extract_text()
        drawn = [glyph for line in drawn_lines(document) for glyph in line]
        assert not [glyph for glyph in drawn if glyph.gid == 0]  # no empty box
        assert "?" not in "\n".join(pdf.render(card).printed)


@pytest.mark.django_db
def test_its_dates_follow_the_language_it_is_printed_in(alice):
    """Month names come from Django's own catalogues: French already; the
    labels follow once Accord's French catalogue exists."""
    card = scorecard(alice, title="Hôpital Université de Dakar")
    with translation.override("fr"):
        text = "\n".join(pdf.render(card).printed)
    assert "décembre 2025" in text
    assert "December" not in text
