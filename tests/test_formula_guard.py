"""Every file Accord writes keeps a hostile name inert, through one guard.

A partner or metric named like a formula ("=HYPERLINK(…)", "+…", "-…", "@…")
must reach a spreadsheet as text: each writer is asked for its file here and
the file opened back. And no module but core/spreadsheets.py builds a CSV or a
workbook itself, so a new writer cannot forget the guard."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core.history import because
from evaluation import services
from partnerships import imports
from partnerships.models import OutcomeMetric, Partner
from tests.factories import MemberFactory, PartnerFactory, partnership_with_data, user_with_role
from tests.spreadsheets import csv_rows

pytestmark = pytest.mark.django_db

PARTNER = '=HYPERLINK("http://evil.example","Hôpital")'
TITLE = "+1-Rheinhöhe"
METRIC = "-2+3 patients"
UNIT = "@SUM(A1:A9)"
HOSTILE = {PARTNER, TITLE, METRIC, UNIT}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def january_2026():
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def hostile(alice):
    """A partnership, its partner and its metric, all named like formulas, assessed."""
    partnership = partnership_with_data(owner=alice, metrics=1, title=TITLE)
    partner = PartnerFactory(name=PARTNER)
    MemberFactory(partnership=partnership, partner=partner, role="implementer")
    OutcomeMetric.objects.filter(objective__partnership=partnership).update(name=METRIC, unit=UNIT)
    run = services.assessment_run_start(period_start=dt.date(2025, 12, 1))
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    return partnership, partner


def cells(response) -> list:
    """Every cell of the file, opened back as a spreadsheet program would, as
    (its text, whether it is marked as text): in a CSV by a leading apostrophe
    (taken off here), in a workbook as Excel marks text typed after one."""
    if response["Content-Type"].startswith("text/csv"):
        return [
            (cell[1:], True) if cell.startswith("'") else (cell, False)
            for row in csv_rows(response.content)
            for cell in row
        ]
    book = load_workbook(io.BytesIO(response.content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate  # no cell is a formula
                if cell.value is not None:
                    marked = cell.quotePrefix and cell.data_type == "s"
                    found.append((str(cell.value), marked))
    return found


def writers(partnership, partner):
    """Each writer's URL and the hostile names its file holds."""
    return {
        "portfolio CSV": ("/dashboards/portfolio.csv", {TITLE}),
        "portfolio XLSX": ("/dashboards/portfolio.xlsx", {TITLE}),
        "partnership CSV": (
            reverse("dashboards:partnership_csv", args=[partnership.pk]),
            {METRIC, UNIT},
        ),
        "partnership XLSX": (
            reverse("dashboards:partnership_xlsx", args=[partnership.pk]),
            {METRIC, UNIT},
        ),
        "partner CSV": (reverse("dashboards:partner_csv", args=[partner.pk]), {PARTNER, TITLE}),
        "partner XLSX": (reverse("dashboards:partner_xlsx", args=[partner.pk]), {PARTNER, TITLE}),
        "measurement template CSV": (
            reverse("partnerships:measurement_import_template_csv", args=[partnership.pk]),
            {METRIC, UNIT},
        ),
        "measurement template XLSX": (
            reverse("partnerships:measurement_import_template_xlsx", args=[partnership.pk]),
            {METRIC, UNIT},
        ),
    }


@pytest.mark.parametrize(
    "writer",
    [
        "portfolio CSV",
        "portfolio XLSX",
        "partnership CSV",
        "partnership XLSX",
        "partner CSV",
        "partner XLSX",
        "measurement template CSV",
        "measurement template XLSX",
    ],
)
def test_a_hostile_name_comes_out_inert(client, alice, hostile, writer):
    url, names = writers(*hostile)[writer]
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    found = cells(response)
    for name in names:
        assert (name, True) in found, name
    # Wherever a hostile name went, into a cell of its own or into a sentence
    # (a flag names its metric), no cell unmarked starts a formula.
    unmarked = [text for text, marked in found if not marked]
    assert not [text for text in unmarked if text.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [text for text in unmarked if text.startswith("-") and not _is_number(text)]


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-\d+(\.\d+)?", text) is not None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_partner_template_goes_through_the_guard(client, alice, monkeypatch, fmt):
    """The template's example row is ours, but it is written by the same guard."""
    monkeypatch.setattr(imports, "EXAMPLE", [PARTNER, *imports.EXAMPLE[1:]])
    client.force_login(alice)
    response = client.get(reverse(f"partnerships:partner_import_template_{fmt}"))
    assert (PARTNER, True) in cells(response)


def test_the_audit_export_goes_through_the_guard(client):
    partner = PartnerFactory(name="Plain")
    with because(PARTNER):
        Partner.objects.filter(pk=partner.pk).update(name=METRIC)
    client.force_login(user_with_role("ada", Role.ADMINISTRATOR))
    response = client.get(reverse("audit:export"), {"model": "partnerships.Partner"})
    assert response.status_code == 200
    assert (PARTNER, True) in cells(response)  # the reason given


# A spreadsheet built anywhere else would bypass the guard.
WRITING = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(|\.to_csv\(|\.to_excel\(")


def test_no_module_but_core_spreadsheets_writes_a_spreadsheet():
    apps = [
        path
        for path in ROOT.glob("*/**/*.py")
        if path.parts[len(ROOT.parts)] not in {"tests", "tooling", ".venv", "node_modules"}
    ]
    writing = {
        str(path.relative_to(ROOT)) for path in apps if WRITING.search(path.read_text("utf-8"))
    }
    assert writing == {"core/spreadsheets.py"}
