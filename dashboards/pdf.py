"""A scorecard on one printed page, for a board pack.

The page never flows onto a second one: every line is a single cell cut to
the width it has, and flags and metrics beyond what fits end in "and N more".
The partnership's title alone is printed whole: it wraps (a word too long for
the page is broken), in a smaller size when it would take more than its
three lines' room.

Names come from every script our partners write in. Text is shaped by
HarfBuzz (fpdf2's text shaping, with uharfbuzz) and ordered by the Unicode
bidirectional algorithm, so Arabic letters join and Arabic and Hebrew read
right to left. Noto Sans prints Latin (Vietnamese too), Greek and Cyrillic;
each character it lacks comes from the first fallback font that has it: Noto
Sans Arabic, Noto Sans Hebrew (Debian's fonts-noto-core), DejaVu Sans
(fonts-dejavu-core), Droid Sans Fallback for Chinese, Japanese and Korean
(fonts-droid-fallback). `make install` installs them (tooling/servers.py).
A character no font on the machine has is printed as "?" rather than silently
dropped; without any of these fonts the PDF falls back to the built-in
Helvetica (Latin-1).

The labels are translated into the language active when the PDF is made.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from fpdf import FPDF

from core.formatting import day, month, short_datetime
from core.numbers import percent_text, score_text
from evaluation.codes import flag_text, status_label
from evaluation.models import Rating, Scorecard, Trend
from partnerships.models import OutcomeMetric

# fpdf2 subsets each font with fontTools, which logs a hundred lines a PDF at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path("/usr/share/fonts/truetype")
# The body font: the first of these whose regular face the machine has.
BODY_FONTS = [
    ("noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf"),
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
]
# (family, regular, bold): for the characters the body font lacks, in this
# order. Arabic and Hebrew come before DejaVu, which has rougher Arabic.
FALLBACK_FONTS = [
    ("arabic", "noto/NotoSansArabic-Regular.ttf", "noto/NotoSansArabic-Bold.ttf"),
    ("hebrew", "noto/NotoSansHebrew-Regular.ttf", "noto/NotoSansHebrew-Bold.ttf"),
    ("dejavu", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    ("cjk", "droid/DroidSansFallbackFull.ttf", None),
    ("cjkwqy", "wqy/wqy-microhei.ttc", None),
]

FLAGS_SHOWN = 8
METRICS_SHOWN = 8
LINE = 6  # mm
# The title's sizes (pt), largest first, and the height it may take (mm): three
# lines of the largest. A line is as high as TITLE_LEADING times its size.
TITLE_SIZES = (18, 15, 12, 10, 8)
TITLE_LEADING = 0.55  # mm per pt
TITLE_ROOM = 30
PAGE_WIDTH = 180  # mm between the margins of A4
FOOTER_Y = 277  # mm from the top of A4
# The first start of a text _Page.fit measures (characters); it doubles from there.
FIT_FIRST_TRY = 32

# Typography Helvetica lacks, in the fallback without DejaVu.
LATIN_1_STAND_INS = str.maketrans({"—": "-", "–": "-", "•": "-", "…": "...", "“": '"', "”": '"'})
RATING_COLOURS = {"green": (26, 127, 55), "amber": (240, 180, 41), "red": (207, 34, 46)}
TREND_WORDS = {
    Trend.UP: gettext_lazy("Improving since the previous period"),
    Trend.FLAT: gettext_lazy("Steady since the previous period"),
    Trend.DOWN: gettext_lazy("Worsening since the previous period"),
    Trend.NEW: gettext_lazy("No earlier scorecard to compare with"),
}


def _rating_label(rating: str | None) -> str:
    return str(Rating(rating).label) if rating in Rating.values else _("None")


class _Page(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(False)
        self.unicode = False
        self.covered = None
        # What was printed, line by line: a PDF's text is glyph ids, not words.
        self.printed: list[str] = []
        body = next(
            ((FONT_DIR / r, FONT_DIR / b) for r, b in BODY_FONTS if (FONT_DIR / r).exists()),
            None,
        )
        if body is None:
            return
        regular, bold = body
        self.add_font("body", "", str(regular))
        self.add_font("body", "B", str(bold if bold.exists() else regular))
        self.covered = set(self.fonts["body"].cmap)
        fallbacks = []
        for family, fallback, fallback_bold in FALLBACK_FONTS:
            if FONT_DIR / fallback == regular or not (FONT_DIR / fallback).exists():
                continue
            self.add_font(family, "", str(FONT_DIR / fallback))
            if fallback_bold and (FONT_DIR / fallback_bold).exists():
                self.add_font(family, "B", str(FONT_DIR / fallback_bold))
            self.covered |= set(self.fonts[family].cmap)
            fallbacks.append(family)
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        # Joined Arabic letters, right-to-left runs in their visual order.
        self.set_text_shaping(True)
        self.unicode = True

    def cell(self, w=None, h=None, text="", *args, **kwargs):
        # Everything printed passes through here, so no character can fail the PDF.
        text = self.printable(text)
        self.printed.append(text)
        return super().cell(w, h, text, *args, **kwargs)

    def text(self, x, y, text=""):
        text = self.printable(text)
        self.printed.append(text)
        return super().text(x, y, text)

    def use(self, size: float, bold: bool = False):
        family = "body" if self.unicode else "helvetica"
        self.set_font(family, "B" if bold else "", size)

    def printable(self, text) -> str:
        text = " ".join(str(text).split())
        if not self.unicode:
            text = text.translate(LATIN_1_STAND_INS)
            return text.encode("latin-1", "replace").decode("latin-1")
        return "".join(c if ord(c) in self.covered else "?" for c in text)

    def fit(self, text, width: float) -> str:
        """The text cut, with an ellipsis, to the width given.

        The cut is the longest start of the text that fits with the ellipsis
        (shaped as a whole, as printed). It is found with a number of
        measurements logarithmic in the length that fits, whatever the text's
        length (a justification may run to thousands of characters): starts
        of 32, 64, 128... characters until one is too wide, then a binary
        search below it. Measuring the whole text once per character dropped
        took half a minute for 4,000 characters.
        """
        text = self.printable(text)
        # The length of a start too wide for the box, or the whole text.
        too_long = min(FIT_FIRST_TRY, len(text))
        while too_long < len(text) and self.get_string_width(text[:too_long]) <= width:
            too_long = min(2 * too_long, len(text))
        if too_long == len(text) and self.get_string_width(text) <= width:
            return text
        ellipsis = "…" if self.unicode else "..."
        # The longest start that fits with the ellipsis is `fits` long, at least
        # 0 and less than `too_long` (which is too wide even without it).
        fits, too_wide = 0, too_long
        while too_wide - fits > 1:
            middle = (fits + too_wide) // 2
            if self.get_string_width(text[:middle] + ellipsis) <= width:
                fits = middle
            else:
                too_wide = middle
        return text[:fits].rstrip() + ellipsis

    def line(self, text, *, width: float = PAGE_WIDTH, height: float = LINE, **kwargs):
        self.cell(width, height, self.fit(text, width), new_x="LMARGIN", new_y="NEXT", **kwargs)

    def whole_title(self, text):
        """`text` wrapped within the page, whole, at the largest of TITLE_SIZES
        that fits TITLE_ROOM (at the smallest, 200 of the widest letters take
        three lines)."""
        text = self.printable(text)
        for size in TITLE_SIZES:
            self.use(size, bold=True)
            height = size * TITLE_LEADING
            lines = self.multi_cell(PAGE_WIDTH, height, text, dry_run=True, output="LINES")
            if len(lines) * height <= TITLE_ROOM:
                break
        self.printed.append(text)
        self.title_size, self.title_lines = size, lines
        self.multi_cell(PAGE_WIDTH, height, text, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text):
        self.ln(2)
        self.use(12, bold=True)
        self.line(text, height=7)
        self.use(10)


def _more(count: int) -> str:
    return ngettext("and %(count)s more", "and %(count)s more", count) % {"count": count}


def _top_metrics(card: Scorecard) -> list[dict]:
    """The metrics that weigh most in the score, with what the scorecard found."""
    results = {result["id"]: result for result in card.metric_results}
    metrics = OutcomeMetric.objects.filter(pk__in=list(results)).order_by("-weight", "name", "pk")
    return [{"name": metric.name, "unit": metric.unit, **results[metric.pk]} for metric in metrics]


def _watermark(page: _Page):
    """ "PROVISIONAL" across the page, along its diagonal, behind the content."""
    page.use(72, bold=True)
    page.set_text_color(225, 225, 225)
    word = _("PROVISIONAL")
    width = page.get_string_width(word)
    centre_x, centre_y = page.w / 2, page.h / 2
    with page.rotation(55, centre_x, centre_y):
        page.text(centre_x - width / 2, centre_y + 9, word)
    page.set_text_color(0, 0, 0)


def scorecard_pdf(card: Scorecard) -> bytes:
    """One A4 page: `card` needs its partnership, reviewer and policy loaded."""
    return bytes(render(card).output())


def render(card: Scorecard) -> _Page:
    page = _Page()
    page.add_page()
    provisional = card.is_provisional
    if provisional:
        _watermark(page)

    page.use(9)
    page.set_text_color(90, 90, 90)
    page.line(
        _("%(organisation)s · Partnership scorecard · board pack")
        % {"organisation": settings.ACCORD_ORGANISATION_NAME}
    )
    page.set_text_color(0, 0, 0)
    page.whole_title(card.partnership.title)
    page.use(11)
    state = _("provisional, not yet approved") if provisional else _("approved")
    page.line(_("%(month)s (%(state)s)") % {"month": month(card.period_start), "state": state})

    page.ln(3)
    rating = card.effective_rating
    page.use(28, bold=True)
    page.cell(30, 14, score_text(card.overall_score))
    colour = RATING_COLOURS.get(rating)
    page.use(14, bold=True)
    if colour:
        page.set_fill_color(*colour)
        page.set_text_color(*((31, 35, 40) if rating == "amber" else (255, 255, 255)))
        page.cell(30, 10, _rating_label(rating), align="C", fill=True)
        page.set_text_color(0, 0, 0)
    else:
        page.cell(30, 10, _("Not rated"), align="C", border=1)
    page.use(10)
    page.set_x(80)
    if card.override_rating:
        page.line(
            _("Rating set by the reviewer; computed rating: %(rating)s")
            % {"rating": _rating_label(card.rating)},
            width=115,
        )
    else:
        page.line(_("Computed rating"), width=115)
    page.set_y(page.get_y() + 6)
    if card.override_justification:
        # The reviewer's words are a paragraph of their own, so that Arabic or
        # Hebrew ones are ordered right to left, not inside an English line.
        label = _("Why:")
        page.cell(page.get_string_width(label) + 2, LINE, label)
        page.line(card.override_justification, width=PAGE_WIDTH + page.l_margin - page.get_x())
    page.line(TREND_WORDS.get(card.trend, card.get_trend_display()))

    page.heading(_("Components"))
    for label, value in (
        (_("Outcomes"), card.outcomes_score),
        (_("Objectives"), card.objectives_score),
        (_("Relationship"), card.health_score),
        (_("Agreement"), card.agreement_score),
    ):
        page.cell(45, LINE, label)
        page.cell(20, LINE, score_text(value), align="R", new_x="LMARGIN", new_y="NEXT")

    page.heading(_("Flags"))
    if not card.flags:
        page.line(_("No flags."))
    for flag in card.flags[:FLAGS_SHOWN]:
        page.line(f"• {flag_text(flag)}")
    if len(card.flags) > FLAGS_SHOWN:
        page.line(_more(len(card.flags) - FLAGS_SHOWN))

    page.heading(_("Top metrics"))
    metrics = _top_metrics(card)
    if not metrics:
        page.line(_("No metrics."))
    else:
        page.use(9, bold=True)
        for text, width in (
            (_("Metric"), 95),
            (_("Progress"), 25),
            (_("Planned"), 25),
            (_("Status"), 35),
        ):
            page.cell(width, LINE, text)
        page.ln(LINE)
        page.use(10)
    for metric in metrics[:METRICS_SHOWN]:
        page.cell(95, LINE, page.fit(f"{metric['name']} ({metric['unit']})", 93))
        page.cell(25, LINE, percent_text(metric["progress"]))
        page.cell(25, LINE, percent_text(metric["planned"]))
        page.cell(35, LINE, status_label(metric["status"]))
        page.ln(LINE)
    if len(metrics) > METRICS_SHOWN:
        page.line(_more(len(metrics) - METRICS_SHOWN))

    page.heading(_("Review"))
    if card.reviewer and card.reviewed_at:
        when = timezone.localtime(card.reviewed_at)
        state = card.get_review_state_display().lower()
        page.line(
            _("Reviewed by %(reviewer)s on %(date)s (%(state)s).")
            % {"reviewer": card.reviewer, "date": day(when.date()), "state": state}
        )
    else:
        page.line(
            _("Not yet approved (%(state)s): provisional.")
            % {"state": card.get_review_state_display().lower()}
        )

    # Where the content ended: above the footer, or the page is overfull.
    page.content_bottom = page.get_y()
    page.set_y(FOOTER_Y)
    page.use(8)
    page.set_text_color(90, 90, 90)
    page.line(
        _("Computed %(computed)s with scoring policy v%(version)s · printed %(printed)s")
        % {
            "computed": short_datetime(card.computed_at),
            "version": card.policy.version,
            "printed": short_datetime(timezone.now()),
        }
    )
    return page
