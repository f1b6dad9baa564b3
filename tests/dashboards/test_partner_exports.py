"""A partner's dashboard as CSV and XLSX, opened back and checked against the
database; read by whoever may read the dashboard, and by no one else."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.models import Rating, Scorecard
from tests.dashboards import test_partner_dashboard
from tests.dashboards.test_partner_dashboard import partnerships_with, party, url
from tests.dashboards.test_partnership_dashboard import (
    MONTHS_2025,
    approve,
    assess,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.factories import AgreementFactory, UserFactory
from tests.spreadsheets import csv_rows

dakar = test_partner_dashboard.dakar  # a fixture: Hôpital Université de Dakar


def csv_url(partner):
    return reverse("dashboards:partner_csv", args=[partner.pk])


def xlsx_url(partner):
    return reverse("dashboards:partner_xlsx", args=[partner.pk])


def csv_tables(content: bytes) -> dict[str, list[dict]]:
    """The CSV's tables, each under its title row, apart by an empty row."""
    tables, title, header = {}, None, None
    for row in csv_rows(content):  # fails without the byte-order mark
        if not row:
            title = header = None
        elif title is None:
            title = row[0]
            tables[title] = []
        elif header is None:
            header = row
        else:
            tables[title].append(dict(zip(header, row, strict=True)))
    return tables


def xlsx_tables(content: bytes) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(content))
    tables = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        tables[sheet.title] = [
            {key: "" if value is None else value for key, value in zip(rows[0], row, strict=True)}
            for row in rows[1:]
        ]
    return tables


@pytest.fixture
def exported(dakar, alice, rita):
    """Dakar in two partnerships, three months assessed, October approved, an
    agreement in force in which Dakar commits 100,000 XOF and we 5,000 EUR."""
    first, second = partnerships_with(dakar, 2, alice)
    assess(MONTHS_2025[-3:])
    approve(first, MONTHS_2025[-3:-2], rita)
    agreement = AgreementFactory(partnership=first, status="active", title="MoU Dakar")
    party(agreement, partner=dakar, amount=Decimal("100000"), currency="XOF")
    party(agreement, amount=Decimal("5000"), currency="EUR")
    return first, second


@pytest.mark.django_db
class TestWhatItHolds:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_it_holds_the_dashboards_partnerships_agreements_and_funding(
        self, client, alice, dakar, exported, fmt
    ):
        first, second = exported
        client.force_login(alice)
        response = client.get(csv_url(dakar) if fmt == "csv" else xlsx_url(dakar))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert f"-{dakar.pk}.{fmt}" in response["Content-Disposition"]
        tables = (csv_tables if fmt == "csv" else xlsx_tables)(response.content)
        assert list(tables) == ["Partnerships", "Agreements", "Funding committed"]

        rows = tables["Partnerships"]
        cards = Scorecard.objects.filter(partnership__in=exported).order_by(
            "partnership__title", "period_start"
        )
        assert [(r["Partnership"], str(r["Scorecard period start"])) for r in rows] == [
            (card.partnership.title, card.period_start.isoformat()) for card in cards
        ]
        for row, card in zip(rows, cards, strict=True):
            assert Decimal(str(row["Overall"])) == card.overall_score
            assert row["Rating"] == Rating(card.effective_rating).label  # its name, not its code
            assert row["Provisional"] == ("yes" if card.is_provisional else "no")
            assert row["Role"] == "Implementer"
        assert [r["Provisional"] for r in rows[:3]] == ["no", "yes", "yes"]

        titles = {r["Agreement"] for r in tables["Agreements"]}
        assert "MoU Dakar" in titles
        funding = [
            [row["Currency"], *(_money(row[side]) for side in (dakar.name, "Us", "Other parties"))]
            for row in tables["Funding committed"]
        ]
        assert funding == [
            ["EUR", None, Decimal("5000"), None],
            ["XOF", Decimal("100000"), None, None],
        ]

    def test_the_page_links_to_both(self, client, alice, dakar):
        client.force_login(alice)
        html = client.get(url(dakar)).content.decode()
        assert f'href="{csv_url(dakar)}"' in html
        assert f'href="{xlsx_url(dakar)}"' in html

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_an_accented_name_reads_back_as_typed(self, client, alice, dakar, fmt):
        client.force_login(alice)
        response = client.get(csv_url(dakar) if fmt == "csv" else xlsx_url(dakar))
        if fmt == "csv":
            rows = csv_rows(response.content)
            header = rows[rows.index(["Funding committed"]) + 1]
        else:
            sheet = load_workbook(io.BytesIO(response.content))["Funding committed"]
            header = [cell.value for cell in sheet[1]]
        assert header[1] == "Hôpital Université de Dakar"


def _money(value) -> Decimal | None:
    """An amount as stored (5000.00 in a CSV, a number in an XLSX), or None."""
    return None if value == "" else Decimal(str(value))


@pytest.mark.django_db
class TestWhoReadsIt:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_an_executive_exports_approved_scorecards_only(
        self, client, erin, dakar, exported, fmt
    ):
        client.force_login(erin)
        response = client.get(csv_url(dakar) if fmt == "csv" else xlsx_url(dakar))
        rows = (csv_tables if fmt == "csv" else xlsx_tables)(response.content)["Partnerships"]
        first, second = exported
        assert [(r["Partnership"], str(r["Scorecard period start"])) for r in rows] == [
            (first.title, MONTHS_2025[-3].isoformat()),
            (second.title, ""),  # none approved: the partnership, no scorecard
        ]

    @pytest.mark.parametrize("name", ["partner_csv", "partner_xlsx"])
    def test_a_user_without_a_role_gets_no_export(self, client, dakar, name):
        client.force_login(UserFactory(username="charlie"))
        response = client.get(reverse(f"dashboards:{name}", args=[dakar.pk]))
        assert response.status_code == 403
        assert dakar.name.encode() not in response.content

    @pytest.mark.parametrize("name", ["partner_csv", "partner_xlsx"])
    def test_an_unknown_partner_is_404(self, client, erin, name):
        client.force_login(erin)
        assert client.get(reverse(f"dashboards:{name}", args=[999_999])).status_code == 404

    def test_nobody_signed_out_gets_one(self, client, dakar):
        response = client.get(csv_url(dakar))
        assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("count, months", [(1, MONTHS_2025[-3:]), (5, MONTHS_2025)])
def test_its_queries_do_not_grow_with_partnerships_or_periods(
    client, alice, dakar, django_assert_max_num_queries, count, months
):
    """1 vs 5 partnerships, 3 vs 12 periods, the same 10 queries: session, user,
    savepoint, user permissions, group permissions, the partner, its memberships
    with their partnerships, their scorecards, its agreements, the funding."""
    partnerships_with(dakar, count, alice)
    assess(months)
    client.force_login(alice)
    with django_assert_max_num_queries(11):
        response = client.get(csv_url(dakar))
    assert len(csv_tables(response.content)["Partnerships"]) == count * len(months)
