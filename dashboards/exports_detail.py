"""A partnership as CSV and XLSX: its scorecards by period (components, rating,
trend, flags in words and review comments) and its metrics' targets against
actuals by period.

The CSV holds both tables one after the other, each under a title row and
apart by an empty row; the XLSX holds one sheet each. Both are built from the
same rows, which follow what the user may read (an executive's export holds
approved scorecards only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from core.numbers import whole_percent
from evaluation.models import Rating

from . import detail

SCORECARD_HEADER = [
    _("Period start"),
    _("Period end"),
    _("Review state"),
    _("Provisional"),
    _("Overall"),
    _("Outcomes"),
    _("Objectives"),
    _("Relationship"),
    _("Agreement"),
    _("Rating"),
    _("Computed rating"),
    _("Rating override justification"),
    _("Trend"),
    _("Flags"),
    _("Reviewer"),
    _("Reviewed at"),
    _("Review comments"),
]
METRIC_HEADER = [
    _("Objective"),
    _("Metric"),
    _("Unit"),
    _("Period"),
    _("Period start"),
    _("Planned"),
    _("Actual"),
    _("Target"),
    _("Progress (%)"),
]
SCORECARDS_TITLE = _("Scorecards")
METRICS_TITLE = _("Targets vs actuals")


def _comment(event) -> str:
    who = str(event.actor) if event.actor else gettext("assessment run")
    return f"{event.created_at:%Y-%m-%d} {who} ({event.get_action_display()}): {event.comment}"


def scorecard_rows(partnership, *, user) -> list[list]:
    # Ratings by their names in the reader's language, as the portfolio's export
    # and the pages write them: "Amber" (« Orange »), never the code "amber".
    ratings = {value: str(label) for value, label in Rating.choices}
    rows = []
    for card in detail.scorecard_history(partnership, user=user):
        rows.append(
            [
                card.period_start,
                card.period_end,
                card.get_review_state_display(),
                gettext("yes") if card.is_provisional else gettext("no"),
                card.overall_score,
                card.outcomes_score,
                card.objectives_score,
                card.health_score,
                card.agreement_score,
                ratings.get(card.effective_rating, ""),
                ratings.get(card.rating, ""),
                card.override_justification,
                card.get_trend_display(),
                detail.flags_in_words(card),
                str(card.reviewer) if card.reviewer else "",
                # Spreadsheets hold no time zone: the time as read here.
                timezone.localtime(card.reviewed_at).replace(tzinfo=None)
                if card.reviewed_at
                else None,
                "\n".join(_comment(event) for event in card.comments),
            ]
        )
    return rows


def _percent(fraction: Decimal | None) -> Decimal | None:
    """Progress as the dashboard and the PDF show it: a whole percent, half up.

    The export keeps its data columns (scores, planned and actual values) at the
    precision they are stored, so a spreadsheet reconciles with the database;
    but a percentage is only ever a figure shown, and one that reads 78.8 here
    and 79 on the page would look like two answers."""
    return whole_percent(fraction)


def metric_rows(partnership, *, today: dt.date) -> list[list]:
    rows = []
    for metric in detail.metrics_with_trajectories(partnership.pk, today=today):
        for point in metric.trajectory:
            rows.append(
                [
                    metric.objective.title,
                    metric.name,
                    metric.unit,
                    point.period.code,  # a file's: the same in every language
                    point.period.start,
                    point.planned.quantize(Decimal("0.01")) if point.planned is not None else None,
                    point.actual,
                    metric.target_value,
                    _percent(point.progress),
                ]
            )
    return rows


def _text(value):
    """A cell as the CSV writes it: numbers stay numbers (a negative one is no
    formula), the writer makes the text inert."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return value.quantize(1) if value == value.to_integral() else value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(stream, partnership, *, user, today: dt.date) -> None:
    writer = spreadsheets.CsvWriter(stream)
    writer.writerow([SCORECARDS_TITLE])
    writer.writerow(SCORECARD_HEADER)
    writer.writerows([_text(v) for v in row] for row in scorecard_rows(partnership, user=user))
    writer.writerow([])
    writer.writerow([METRICS_TITLE])
    writer.writerow(METRIC_HEADER)
    writer.writerows([_text(v) for v in row] for row in metric_rows(partnership, today=today))


def _said(header: list) -> list[str]:
    """The header in the reader's language, as text (a workbook takes no lazy string)."""
    return [str(title) for title in header]


def write_xlsx(stream, partnership, *, user, today: dt.date) -> None:
    stream.write(
        spreadsheets.xlsx_bytes(
            [
                (
                    str(SCORECARDS_TITLE),
                    _said(SCORECARD_HEADER),
                    scorecard_rows(partnership, user=user),
                ),
                (str(METRICS_TITLE), _said(METRIC_HEADER), metric_rows(partnership, today=today)),
            ]
        )
    )
