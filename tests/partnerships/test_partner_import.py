"""Bulk import of partners: the whole file is checked, then all rows or none are saved."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from partnerships import imports
from partnerships.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("partnerships:partner_import")
HEADER = imports.COLUMNS
GOOD_ROWS = [
    ["Moi Teaching Hospital", "hospital", "10", "government", "KE", "Eldoret", "en; sw",
     "Africa/Nairobi", "surgery; nursing", "https://mtrh.go.ke"],
    ["Makerere University", "University", "Academic, training and research", "ACADEMIC",
     "Uganda", "Kampala", "English, Ganda", "Africa/Kampala", "public health", ""],
]  # fmt: skip


def csv_file(rows, name="partners.csv"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, name="partners.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_it_imports_a_good_csv(client, alice):
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file([HEADER, *GOOD_ROWS])})
    assert response.status_code == 302
    assert response.url == reverse("partnerships:partner_list")
    moi = Partner.objects.get(name="Moi Teaching Hospital")
    assert moi.languages == ["en", "sw"]
    assert moi.expertise == ["surgery", "nursing"]
    assert moi.history.get().pgh_context["user"] == alice.pk
    makerere = Partner.objects.get(name="Makerere University")
    assert (makerere.kind, makerere.organisation_type, makerere.sector) == (
        "university",
        "80",
        "academic",
    )
    assert makerere.country.code == "UG"
    assert makerere.languages == ["en", "lg"]


def test_it_imports_a_good_xlsx(client, alice):
    client.force_login(alice)
    response = client.post(IMPORT, {"file": xlsx_file([HEADER, *GOOD_ROWS])})
    assert response.status_code == 302
    assert Partner.objects.count() == 2


def test_a_file_with_bad_rows_saves_nothing_and_names_them(client, alice):
    PartnerFactory(name="Kenyatta National Hospital", country="KE")
    bad_sector = [*GOOD_ROWS[1]]
    bad_sector[3] = "charity"
    bad_sector[7] = "Mars/Olympus"
    in_db = ["KENYATTA national hospital", *GOOD_ROWS[0][1:]]
    rows = [HEADER, GOOD_ROWS[0], bad_sector, GOOD_ROWS[0], in_db]
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file(rows)})
    assert response.status_code == 400
    assert Partner.objects.count() == 1
    found = {(e.row, e.column) for e in response.context["result"].errors}
    assert found == {(3, "sector"), (3, "time_zone"), (4, "name"), (5, "name")}
    assert b"Nothing was imported" in response.content
    assert b"Same name and country as row 2 of this file." in response.content
    assert b"A partner with this name already exists in this country." in response.content
    assert b"Mars/Olympus" in response.content


def test_missing_required_values_are_named(client, alice):
    row = [*GOOD_ROWS[0]]
    row[0] = ""
    row[4] = ""
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file([HEADER, row])})
    found = {(e.row, e.column) for e in response.context["result"].errors}
    assert found == {(2, "name"), (2, "country")}
    assert Partner.objects.count() == 0


def test_a_missing_column_is_reported(client, alice):
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file([["name", "city"], ["A", "B"]])})
    (error,) = response.context["result"].errors
    assert "kind" in error.message and "time_zone" in error.message


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("partners.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("partners.xlsx", b"not a workbook"),
    ],
)
def test_other_files_are_refused(client, alice, upload):
    client.force_login(alice)
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert Partner.objects.count() == 0


def test_a_large_file_is_refused(client, alice, monkeypatch):
    monkeypatch.setattr(imports, "MAX_SIZE", 10)
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file([HEADER, *GOOD_ROWS])})
    assert response.context["form"].errors["file"] == ["The file is larger than 5 MB."]


def test_the_templates_download_and_import_as_they_are(client, alice):
    client.force_login(alice)
    url = reverse("partnerships:partner_import_template_csv")
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="partners-template.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == HEADER and len(rows) == 2

    response = client.get(reverse("partnerships:partner_import_template_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER

    upload = SimpleUploadedFile("template.xlsx", response.content)
    assert client.post(IMPORT, {"file": upload}).status_code == 302
    assert Partner.objects.get().name == imports.EXAMPLE[0]


@pytest.mark.parametrize("who", ["erin", "rita"])
def test_readers_get_403_and_import_nothing(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": csv_file([HEADER, *GOOD_ROWS])}).status_code == 403
    template = reverse("partnerships:partner_import_template_csv")
    assert client.get(template).status_code == 403
    assert Partner.objects.count() == 0
