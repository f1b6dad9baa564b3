"""A partner's dashboard as CSV and XLSX: its partnerships with their
scorecards by period, its agreements, and the funding each side commits.

The same rows as the page (`detail.partner_dashboard`), so an executive's
export holds approved scorecards only. The CSV holds the tables one after the
other, each under a title row and apart by an empty row; the XLSX holds one
sheet each. Every cell passes through `core.spreadsheets`' writers, which make
text inert and give the CSV its byte-order mark.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core import spreadsheets
from evaluation.models import Rating

from . import detail


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _tables(partner, *, user, today: dt.date) -> list[tuple[str, list, list[list]]]:
    """(title, header, rows) of each table: the dashboard's four queries."""
    data = detail.partner_dashboard(partner, user=user, today=today)
    # A rating by its name in the reader's language, as the pages write it.
    ratings = {value: str(label) for value, label in Rating.choices}
    partnerships = []
    for membership in data["memberships"]:
        partnership = membership.partnership
        start = [
            partnership.title,
            membership.get_role_display(),
            partnership.get_stage_display(),
            str(partnership.owner),
        ]
        if not membership.scorecards:
            partnerships.append(start + [""] * 5)
        for card in membership.scorecards:
            partnerships.append(
                start
                + [
                    _date(card.period_start),
                    _("yes") if card.is_provisional else _("no"),
                    card.overall_score,
                    ratings.get(card.effective_rating, ""),
                    card.get_trend_display(),
                ]
            )
    agreements = [
        [
            agreement.title,
            agreement.partnership.title,
            agreement.get_status_display(),
            _date(agreement.effective_date),
            _date(agreement.notice_date),
            _date(agreement.expiry_date),
        ]
        for agreement in data["agreements"]
    ]
    funding = [
        [row["currency"], row["partner"], row["us"], row["others"]] for row in data["funding"]
    ]
    return [
        (
            _("Partnerships"),
            [
                _("Partnership"),
                _("Role"),
                _("Stage"),
                _("Owner"),
                _("Scorecard period start"),
                _("Provisional"),
                _("Overall"),
                _("Rating"),
                _("Trend"),
            ],
            partnerships,
        ),
        (
            _("Agreements"),
            [
                _("Agreement"),
                _("Partnership"),
                _("Status"),
                _("Effective"),
                _("Notice by"),
                _("Expires"),
            ],
            agreements,
        ),
        (
            _("Funding committed"),
            [_("Currency"), partner.name, _("Us"), _("Other parties")],
            funding,
        ),
    ]


def write_csv(stream, partner, *, user, today: dt.date) -> None:
    writer = spreadsheets.CsvWriter(stream)
    for index, (title, header, rows) in enumerate(_tables(partner, user=user, today=today)):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([("" if value is None else value) for value in row] for row in rows)


def write_xlsx(stream, partner, *, user, today: dt.date) -> None:
    stream.write(spreadsheets.xlsx_bytes(_tables(partner, user=user, today=today)))
