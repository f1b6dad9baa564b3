"""The portfolio view as a spreadsheet: one row per partnership with its latest
scorecard (the one the dashboard shows, under the same filters), its flags in
words and the reviewers' comments, for a board pack or a second look offline."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Value
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from evaluation.models import Rating, ReviewState, ScorecardEvent, Trend
from partnerships.models import Partnership, Purpose, Stage

from .filters import narrow, shown_scorecards

COLUMNS = [
    "Partnership",
    "Stage",
    "Purpose",
    "Owner",
    "Partner countries",
    "Partner sectors",
    "Scorecard month",
    "Review",
    "Rating",
    "Computed rating",
    "Overall score",
    "Trend",
    "Outcomes",
    "Objectives",
    "Relationship",
    "Agreement",
    "Flags",
    "Review comments",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def portfolio_rows(data: dict) -> list[list]:
    """The rows of the export in three queries: partnerships, their latest
    shown scorecards, and the comments of those scorecards' reviews."""
    partnerships = narrow(Partnership.objects.all(), data)
    cards = {
        card.partnership_id: card
        for card in shown_scorecards(
            period=data.get("period"),
            provisional=bool(data.get("provisional")),
            partnerships=partnerships,
        )
    }
    comments = defaultdict(list)
    for scorecard_id, comment in (
        ScorecardEvent.objects.filter(scorecard__in=[card.pk for card in cards.values()])
        .exclude(comment="")
        .order_by("created_at", "pk")
        .values_list("scorecard_id", "comment")
    ):
        comments[scorecard_id].append(comment)
    rows = []
    for partnership in (
        partnerships.select_related("owner")
        .annotate(
            countries=ArrayAgg(
                "members__partner__country",
                distinct=True,
                filter=Q(members__isnull=False),
                default=Value([]),
            ),
            sectors=ArrayAgg(
                "members__partner__sector",
                distinct=True,
                filter=Q(members__isnull=False),
                default=Value([]),
            ),
        )
        .order_by("title", "pk")
    ):
        row = [
            partnership.title,
            Stage(partnership.stage).label,
            Purpose(partnership.purpose).label,
            str(partnership.owner),
            ", ".join(partnership.countries),
            ", ".join(partnership.sectors),
        ]
        card = cards.get(partnership.pk)
        if card is None:
            rows.append(row + [""] * (len(COLUMNS) - len(row)))
            continue
        rows.append(
            row
            + [
                card.period_start.strftime("%Y-%m"),
                "Approved"
                if card.review_state == ReviewState.APPROVED
                else f"Provisional ({ReviewState(card.review_state).label.lower()})",
                Rating(card.shown_rating).label if card.shown_rating else "",
                Rating(card.rating).label if card.rating else "",
                card.overall_score,
                Trend(card.trend).label,
                card.outcomes_score,
                card.objectives_score,
                card.health_score,
                card.agreement_score,
                "; ".join(flag["message"] for flag in card.flags),
                "; ".join(comments[card.pk]),
            ]
        )
    return rows


def _cell(value):
    """Text a spreadsheet would run as a formula (a title starting "=") is kept text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def response(data: dict, *, fmt: str) -> HttpResponse:
    rows = [[_cell(value) for value in row] for row in portfolio_rows(data)]
    name = f"portfolio-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if fmt == "csv":
        writer = csv.writer(response)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return response
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Portfolio")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response.write(buffer.getvalue())
    return response
