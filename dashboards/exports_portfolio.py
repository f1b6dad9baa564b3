"""The portfolio view as a spreadsheet: one row per partnership with its latest
scorecard (the one the dashboard shows, under the same filters), its flags in
words and the reviewers' comments, for a board pack or a second look offline."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import phrases, spreadsheets
from core.queries import AnyOf
from evaluation.codes import flag_text
from evaluation.models import Rating, ReviewState, ScorecardEvent, Trend
from partnerships.models import Partnership, Purpose, Sector, Stage

from .filters import narrow, shown_scorecards

COLUMNS = [
    _("Partnership"),
    _("Stage"),
    _("Purpose"),
    _("Owner"),
    _("Partner countries"),
    _("Partner sectors"),
    _("Scorecard month"),
    _("Review"),
    _("Rating"),
    _("Computed rating"),
    _("Overall score"),
    _("Trend"),
    _("Outcomes"),
    _("Objectives"),
    _("Relationship"),
    _("Agreement"),
    _("Flags"),
    _("Review comments"),
]
CONTENT_TYPES = {"csv": spreadsheets.CSV, "xlsx": spreadsheets.XLSX}


# Each this many rows, `progress` is told how far the rows have come.
PROGRESS_EVERY = 1000


def portfolio_rows(data: dict, *, progress=None) -> list[list]:
    """The rows of the export in three queries: partnerships, their latest
    shown scorecards, and the comments of those scorecards' reviews.
    `progress(done, total)`, if given, hears how far the rows have come."""
    partnerships = narrow(Partnership.objects.all(), data)
    shown = shown_scorecards(
        period=data.get("period"),
        provisional=bool(data.get("provisional")),
        partnerships=partnerships,
    )
    # Plain values, not model instances: building 10,000 of each would cost
    # more than the queries themselves.
    cards = {
        card["partnership_id"]: card
        for card in shown.values(
            "pk",
            "partnership_id",
            "period_start",
            "review_state",
            "shown_rating",
            "rating",
            "overall_score",
            "trend",
            "outcomes_score",
            "objectives_score",
            "health_score",
            "agreement_score",
            "flags",
        )
    }
    comments = defaultdict(list)
    for scorecard_id, comment in (
        # The scorecards read above, by key: `shown` as a subquery would find
        # every partnership's latest scorecard a second time.
        ScorecardEvent.objects.filter(AnyOf(F("scorecard_id"), [c["pk"] for c in cards.values()]))
        .exclude(comment="")
        .order_by("created_at", "pk")
        .values_list("scorecard_id", "comment")
    ):
        comments[scorecard_id].append(comment)
    # Each label translated once, not once per cell: a choice's label is a lazy
    # translation, looked up again each time it is written.
    stages, purposes, sectors = _labels(Stage), _labels(Purpose), _labels(Sector)
    ratings, trends, states = _labels(Rating), _labels(Trend), _labels(ReviewState)
    approved = gettext("Approved")
    provisional = {
        state: gettext("Provisional (%(state)s)") % {"state": label.lower()}
        for state, label in states.items()
    }
    shown_once = phrases.shown_memo()
    rows = []
    listed = list(
        partnerships.with_member_places()
        .order_by("title", "pk")
        .values(
            "pk",
            "title",
            "stage",
            "purpose",
            "countries",
            "sectors",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
    )
    for done, partnership in enumerate(listed):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(listed))
        owner = " ".join(
            name
            for name in (partnership["owner__first_name"], partnership["owner__last_name"])
            if name
        )
        row = [
            partnership["title"],
            stages[partnership["stage"]],
            purposes[partnership["purpose"]],
            owner or partnership["owner__username"],
            ", ".join(partnership["countries"]),
            # Named as the page names them ("Industrie"), not by their codes.
            ", ".join(sectors.get(sector, sector) for sector in partnership["sectors"]),
        ]
        card = cards.get(partnership["pk"])
        if card is None:
            rows.append(row + [""] * (len(COLUMNS) - len(row)))
            continue
        rows.append(
            row
            + [
                card["period_start"].strftime("%Y-%m"),
                approved
                if card["review_state"] == ReviewState.APPROVED
                else provisional[card["review_state"]],
                ratings.get(card["shown_rating"], ""),
                ratings.get(card["rating"], ""),
                card["overall_score"],
                trends[card["trend"]],
                card["outcomes_score"],
                card["objectives_score"],
                card["health_score"],
                card["agreement_score"],
                "; ".join(flag_text(flag, shown=shown_once) for flag in card["flags"]),
                "; ".join(comments[card["pk"]]),
            ]
        )
    if progress is not None:
        progress(len(listed), len(listed))
    return rows


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def file_name(fmt: str, *, on) -> str:
    return f"portfolio-{on:%Y-%m-%d}.{fmt}"


def file_bytes(data: dict, *, fmt: str, progress=None) -> bytes:
    """The export of the portfolio under the filters `data`, in the current
    language, as a CSV or XLSX file; `progress` as for `portfolio_rows`."""
    rows = portfolio_rows(data, progress=progress)
    # A sheet's title and header are text, not the lazy translations.
    header = [str(title) for title in COLUMNS]
    if fmt == "csv":
        return spreadsheets.csv_bytes([header, *rows])
    return spreadsheets.xlsx_bytes([(gettext("Portfolio"), header, rows)])


def response(data: dict, *, fmt: str) -> HttpResponse:
    """The export written within the request (a portfolio of at most
    `export_jobs.in_request_rows()` partnerships: larger ones go to the worker)."""
    response = HttpResponse(file_bytes(data, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    name = file_name(fmt, on=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
