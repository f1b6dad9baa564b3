"""A scorecard on one printed page, for a board pack.

The page never flows onto a second one: every line is a single cell cut to
the width it has, and flags and metrics beyond what fits end in "and N more".
Names come from every script our partners write in. DejaVu Sans (Debian's
fonts-dejavu-core) covers Latin, Vietnamese, Greek and Cyrillic; a character
no font on the machine has is printed as "?" rather than silently dropped, and
without DejaVu the PDF falls back to the built-in Helvetica (Latin-1).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF

from core.numbers import percent_text, score_text
from evaluation.codes import status_label
from evaluation.models import Rating, Scorecard, Trend
from partnerships.models import OutcomeMetric

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
# Fonts that cover the scripts DejaVu lacks (Chinese, Japanese, Korean), used
# for those characters when the machine has one.
FALLBACK_FONTS = [
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]

FLAGS_SHOWN = 8
METRICS_SHOWN = 8
LINE = 6  # mm
PAGE_WIDTH = 180  # mm between the margins of A4
FOOTER_Y = 277  # mm from the top of A4

# Typography Helvetica lacks, in the fallback without DejaVu.
LATIN_1_STAND_INS = str.maketrans({"—": "-", "–": "-", "•": "-", "…": "...", "“": '"', "”": '"'})
RATING_COLOURS = {"green": (26, 127, 55), "amber": (240, 180, 41), "red": (207, 34, 46)}
TREND_WORDS = {
    Trend.UP: _("Improving since the previous period"),
    Trend.FLAT: _("Steady since the previous period"),
    Trend.DOWN: _("Worsening since the previous period"),
    Trend.NEW: _("No earlier scorecard to compare with"),
}


class _Page(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(False)
        self.unicode = False
        self.covered = None
        # What was printed, line by line: a PDF's text is glyph ids, not words.
        self.printed: list[str] = []
        regular = next((d / REGULAR for d in FONT_DIRS if (d / REGULAR).exists()), None)
        if regular is None:
            return
        self.add_font("body", "", str(regular))
        bold = regular.with_name(BOLD)
        self.add_font("body", "B", str(bold if bold.exists() else regular))
        self.covered = set(self.fonts["body"].cmap)
        fallbacks = []
        for index, path in enumerate(p for p in FALLBACK_FONTS if p.exists()):
            family = f"fallback{index}"
            self.add_font(family, "", str(path))
            self.covered |= set(self.fonts[family].cmap)
            fallbacks.append(family)
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
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
        """The text cut, with an ellipsis, to the width given."""
        text = self.printable(text)
        if self.get_string_width(text) <= width:
            return text
        ellipsis = "…" if self.unicode else "..."
        while text and self.get_string_width(text + ellipsis) > width:
            text = text[:-1]
        return text.rstrip() + ellipsis

    def line(self, text, *, width: float = PAGE_WIDTH, height: float = LINE, **kwargs):
        self.cell(width, height, self.fit(text, width), new_x="LMARGIN", new_y="NEXT", **kwargs)

    def heading(self, text):
        self.ln(2)
        self.use(12, bold=True)
        self.line(text, height=7)
        self.use(10)


def _top_metrics(card: Scorecard) -> list[dict]:
    """The metrics that weigh most in the score, with what the scorecard found."""
    results = {result["id"]: result for result in card.metric_results}
    metrics = OutcomeMetric.objects.filter(pk__in=list(results)).order_by("-weight", "name", "pk")
    return [{"name": metric.name, "unit": metric.unit, **results[metric.pk]} for metric in metrics]


def _watermark(page: _Page):
    """ "PROVISIONAL" across the page, along its diagonal, behind the content."""
    page.use(72, bold=True)
    page.set_text_color(225, 225, 225)
    mark = gettext("PROVISIONAL")
    width = page.get_string_width(mark)
    centre_x, centre_y = page.w / 2, page.h / 2
    with page.rotation(55, centre_x, centre_y):
        page.text(centre_x - width / 2, centre_y + 9, mark)
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
        gettext("%(organisation)s · Partnership scorecard · board pack")
        % {"organisation": settings.ACCORD_ORGANISATION_NAME}
    )
    page.set_text_color(0, 0, 0)
    page.use(18, bold=True)
    page.line(card.partnership.title, height=10)
    page.use(11)
    state = gettext("provisional, not yet approved") if provisional else gettext("approved")
    page.line(f"{dateformat.format(card.period_start, 'F Y')} ({state})")

    page.ln(3)
    rating = card.effective_rating
    page.use(28, bold=True)
    page.cell(30, 14, score_text(card.overall_score))
    colour = RATING_COLOURS.get(rating)
    page.use(14, bold=True)
    if colour:
        page.set_fill_color(*colour)
        page.set_text_color(*((31, 35, 40) if rating == "amber" else (255, 255, 255)))
        page.cell(30, 10, str(Rating(rating).label), align="C", fill=True)
        page.set_text_color(0, 0, 0)
    else:
        page.cell(30, 10, gettext("Not rated"), align="C", border=1)
    page.use(10)
    page.set_x(80)
    if card.override_rating:
        computed = str(Rating(card.rating).label) if card.rating else gettext("None")
        page.line(
            gettext("Rating set by the reviewer; computed rating: %(rating)s")
            % {"rating": computed},
            width=115,
        )
    else:
        page.line(gettext("Computed rating"), width=115)
    page.set_y(page.get_y() + 6)
    if card.override_justification:
        page.line(gettext("Why: %(why)s") % {"why": card.override_justification})
    page.line(str(TREND_WORDS.get(card.trend, card.get_trend_display())))

    page.heading(gettext("Components"))
    for label, value in (
        (gettext("Outcomes"), card.outcomes_score),
        (gettext("Objectives"), card.objectives_score),
        (gettext("Relationship"), card.health_score),
        (gettext("Agreement"), card.agreement_score),
    ):
        page.cell(45, LINE, label)
        page.cell(20, LINE, score_text(value), align="R", new_x="LMARGIN", new_y="NEXT")

    page.heading(gettext("Flags"))
    if not card.flags:
        page.line(gettext("No flags."))
    for flag in card.flags[:FLAGS_SHOWN]:
        page.line(f"• {flag['message']}")
    if len(card.flags) > FLAGS_SHOWN:
        page.line(_more(len(card.flags) - FLAGS_SHOWN))

    page.heading(gettext("Top metrics"))
    metrics = _top_metrics(card)
    if not metrics:
        page.line(gettext("No metrics."))
    else:
        page.use(9, bold=True)
        for text, width in (
            (gettext("Metric"), 95),
            (gettext("Progress"), 25),
            (gettext("Planned"), 25),
            (gettext("Status"), 35),
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

    page.heading(gettext("Review"))
    if card.reviewer and card.reviewed_at:
        when = timezone.localtime(card.reviewed_at)
        page.line(
            gettext("Reviewed by %(reviewer)s on %(day)s (%(state)s).")
            % {
                "reviewer": card.reviewer,
                "day": dateformat.format(when, "d F Y"),
                "state": card.get_review_state_display().lower(),
            }
        )
    else:
        page.line(
            gettext("Not yet approved (%(state)s): provisional.")
            % {"state": card.get_review_state_display().lower()}
        )

    # Where the content ended: above the footer, or the page is overfull.
    page.content_bottom = page.get_y()
    page.set_y(FOOTER_Y)
    page.use(8)
    page.set_text_color(90, 90, 90)
    page.line(
        gettext("Computed %(computed)s with scoring policy v%(version)s · printed %(printed)s")
        % {
            "computed": dateformat.format(timezone.localtime(card.computed_at), "d M Y H:i"),
            "version": card.policy.version,
            "printed": dateformat.format(timezone.localtime(), "d M Y H:i"),
        }
    )
    return page


def _more(count: int) -> str:
    return ngettext("and %(count)d more", "and %(count)d more", count) % {"count": count}
