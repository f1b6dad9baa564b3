"""Import files as Excel saves them around the world.

The files are built here byte by byte as Excel writes them: a German Excel's
"CSV (Trennzeichen-getrennt)" (semicolons, decimal comma, dates 01.07.2025,
CRLF, and a byte-order mark for "CSV UTF-8"), a "Text (Tab delimited)" file,
and a French Excel's "CSV (séparateur : point-virgule)" in Windows-1252; an
XLSX written by a program leaves formulas without a value.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from partnerships import imports, tasks
from partnerships.models import ImportJob, OutcomeMetric, Partner
from tests.factories import MetricFactory
from tests.partnerships import test_measurement_import as measurements
from tests.partnerships.test_measurement_import import HEADER, url, values
from tests.partnerships.test_partner_import import GOOD_ROWS, IMPORT

pytestmark = pytest.mark.django_db

# The measurement import's fixtures: November 2025, a partnership started in
# 2024 with a quarterly metric, and a monthly one.
november_2025 = measurements.november_2025
partnership = measurements.partnership
metric = measurements.metric
monthly = measurements.monthly

PARTNER_HEADER = imports.COLUMNS
BOM = "\ufeff"


def as_excel_saves(rows, *, delimiter=";", encoding="utf-8", bom=True, name="file.csv"):
    """Rows joined as Excel joins them: CRLF ends, quotes only where needed."""

    def cell(value):
        text = str(value)
        if delimiter in text or '"' in text or "\n" in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)
    return SimpleUploadedFile(name, ((BOM if bom else "") + text).encode(encoding))


def xlsx_file(rows, name="file.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def report(response) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.message, e.value) for e in response.context["result"].errors]


class TestPartnerFiles:
    def test_a_german_excel_file_imports(self, client, alice):
        rows = [PARTNER_HEADER, ["Rheinhöhe Klinik; Mainz", *GOOD_ROWS[0][1:]], GOOD_ROWS[1]]
        client.force_login(alice)
        response = client.post(IMPORT, {"file": as_excel_saves(rows)})
        assert response.status_code == 302
        assert set(Partner.objects.values_list("name", flat=True)) == {
            "Rheinhöhe Klinik; Mainz",
            "Makerere University",
        }
        assert Partner.objects.get(name="Makerere University").languages == ["en", "lg"]

    def test_a_tab_delimited_file_imports(self, client, alice):
        rows = [PARTNER_HEADER, *GOOD_ROWS]
        client.force_login(alice)
        upload = as_excel_saves(rows, delimiter="\t", bom=False, name="partners.csv")
        assert client.post(IMPORT, {"file": upload}).status_code == 302
        assert Partner.objects.count() == 2

    def test_a_windows_1252_file_imports_with_its_accents(self, client, alice):
        rows = [PARTNER_HEADER, ["Hôpital Régional de Thiès", *GOOD_ROWS[0][1:]]]
        client.force_login(alice)
        upload = as_excel_saves(rows, encoding="cp1252", bom=False)
        assert client.post(IMPORT, {"file": upload}).status_code == 302
        assert Partner.objects.get().name == "Hôpital Régional de Thiès"

    def test_a_file_that_cannot_be_read_gets_one_message_naming_what_was_expected(
        self, client, alice
    ):
        rows = [["nom", "genre", "pays"], ["Hôpital", "hospital", "SN"]]
        client.force_login(alice)
        response = client.post(IMPORT, {"file": as_excel_saves(rows, delimiter="|")})
        assert response.status_code == 400
        assert response.context["form"].errors["file"] == [
            "Could not read the file: expected columns country, kind, name, "
            "organisation_type, sector, time_zone separated by commas, semicolons or tabs."
        ]
        assert Partner.objects.count() == 0

    def test_a_missing_column_is_named_with_the_columns_expected(self, client, alice):
        rows = [PARTNER_HEADER[:3], GOOD_ROWS[0][:3]]
        client.force_login(alice)
        response = client.post(IMPORT, {"file": as_excel_saves(rows)})
        assert response.status_code == 400
        [(row, _, message, _)] = report(response)
        assert row == 1
        assert message.startswith("Missing columns: country, sector, time_zone.")
        assert ", ".join(PARTNER_HEADER) in message

    @pytest.mark.parametrize("file", [as_excel_saves, xlsx_file])
    def test_a_column_given_twice_is_named_and_nothing_is_saved(self, client, alice, file):
        """Two "City" columns (one filled, one left blank, as a sheet pasted
        together does): read by the last alone, every city was lost unseen."""
        header = [*PARTNER_HEADER, "City", "Kind"]
        rows = [header, [*GOOD_ROWS[0], "", "", "", ""]]
        client.force_login(alice)
        response = client.post(IMPORT, {"file": file(rows)})
        assert response.status_code == 400
        [(row, column, message, _)] = report(response)
        assert (row, column) == (1, "")
        assert message == "The columns city, kind are given more than once: keep one of each."
        assert not Partner.objects.exists()

    def test_a_file_beginning_with_a_blank_line_imports(self, client, alice):
        """Its separator was found past the blank line, but the header was read
        from it: "Missing columns" named every column, all there."""
        upload = as_excel_saves([[], PARTNER_HEADER, *GOOD_ROWS], delimiter=",")
        client.force_login(alice)
        response = client.post(IMPORT, {"file": upload})
        assert response.status_code == 302
        assert Partner.objects.count() == 2

    def test_a_sheet_whose_first_rows_are_empty_names_its_bad_rows_by_their_numbers(
        self, client, alice
    ):
        no_kind = [GOOD_ROWS[1][0], "", *GOOD_ROWS[1][2:]]
        rows = [[None], [None], PARTNER_HEADER, GOOD_ROWS[0], no_kind]
        client.force_login(alice)
        response = client.post(IMPORT, {"file": xlsx_file(rows)})
        assert response.status_code == 400
        assert [(row, column) for row, column, _, _ in report(response)] == [(5, "kind")]
        assert not Partner.objects.exists()

    def test_a_column_the_import_does_not_read_may_be_given_twice(self, client, alice):
        header = [*PARTNER_HEADER, "comment", "Comment"]
        rows = [header, [*GOOD_ROWS[0], "", "", "first", "second"]]
        client.force_login(alice)
        assert client.post(IMPORT, {"file": as_excel_saves(rows)}).status_code == 302
        assert Partner.objects.get().city == "Eldoret"

    def test_a_formula_cell_is_reported_as_a_formula_not_as_blank(self, client, alice):
        rows = [PARTNER_HEADER, GOOD_ROWS[0], ['=A2&" Annex"', *GOOD_ROWS[1][1:]]]
        client.force_login(alice)
        response = client.post(IMPORT, {"file": xlsx_file(rows)})
        assert response.status_code == 400
        assert report(response) == [
            (3, "name", 'a formula (=A2&" Annex"); enter the value', '=A2&" Annex"')
        ]
        assert Partner.objects.count() == 0

    def test_a_large_file_that_cannot_be_read_is_refused_by_the_worker_with_the_message(
        self, client, alice, django_capture_on_commit_callbacks, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        rows = [["nom", "genre", "pays"]] + [[f"Clinique {i}", "clinic", "SN"] for i in range(600)]
        client.force_login(alice)
        with django_capture_on_commit_callbacks():
            response = client.post(IMPORT, {"file": as_excel_saves(rows, delimiter="|")})
        job = ImportJob.objects.get()
        tasks.import_job_run(job.pk)  # what the worker does
        page = client.get(response.url)
        job.refresh_from_db()
        assert job.status == "refused"
        assert [e.message for e in page.context["result"]["errors"]] == [
            "Could not read the file: expected columns country, kind, name, "
            "organisation_type, sector, time_zone separated by commas, semicolons or tabs."
        ]

    @pytest.mark.parametrize(
        ("count", "message"), [(1, "1 partner imported."), (2, "2 partners imported.")]
    )
    def test_the_count_imported_is_said_in_the_singular_or_plural(
        self, client, alice, count, message
    ):
        client.force_login(alice)
        upload = as_excel_saves([PARTNER_HEADER, *GOOD_ROWS[:count]], delimiter=",")
        response = client.post(IMPORT, {"file": upload}, follow=True)
        assert message in response.content.decode()


class TestMeasurementFiles:
    def test_a_german_excel_file_with_decimal_commas_imports(
        self, client, alice, partnership, metric, monthly
    ):
        july = metric.measurements.get(period_start=dt.date(2025, 7, 1))
        rows = [
            HEADER,
            [metric.pk, "Patients; treated", metric.unit, "quarterly", "01.10.2024", "12,5", ""],
            # A correction, from the version recorded.
            [
                metric.pk,
                metric.name,
                metric.unit,
                "quarterly",
                "2025-07-01",
                "1.234,75",
                "",
                july.version,
            ],
            [monthly.pk, monthly.name, monthly.unit, "monthly", "01.10.2025", "-0,5", "Register"],
        ]
        client.force_login(alice)
        response = client.post(
            url("measurement_import", partnership), {"file": as_excel_saves(rows)}
        )
        assert response.status_code == 302
        assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12.5")
        assert values(metric)[dt.date(2025, 7, 1)] == Decimal("1234.75")
        assert values(monthly) == {dt.date(2025, 10, 1): Decimal("-0.5")}

    def test_a_tab_file_with_decimal_commas_imports(self, client, alice, partnership, metric):
        rows = [
            HEADER,
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", "7,25", ""],
        ]
        client.force_login(alice)
        upload = as_excel_saves(rows, delimiter="\t")
        assert (
            client.post(url("measurement_import", partnership), {"file": upload}).status_code == 302
        )
        assert values(metric)[dt.date(2024, 10, 1)] == Decimal("7.25")

    def test_a_decimal_comma_in_a_comma_separated_file_is_refused(
        self, client, alice, partnership, metric
    ):
        rows = [
            HEADER,
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", "12,5", ""],
        ]
        client.force_login(alice)
        upload = as_excel_saves(rows, delimiter=",")
        response = client.post(url("measurement_import", partnership), {"file": upload})
        assert response.status_code == 400
        assert report(response) == [
            (2, "value", "“12,5” is not a number written with a decimal point, e.g. 12.5.", "12,5")
        ]

    def test_digits_grouped_by_points_in_a_decimal_comma_file_are_refused(
        self, client, alice, partnership, metric
    ):
        """1.234 is a thousand and more in Germany, one and a bit in England."""
        rows = [
            HEADER,
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", "1.234", ""],
        ]
        client.force_login(alice)
        response = client.post(
            url("measurement_import", partnership), {"file": as_excel_saves(rows)}
        )
        assert response.status_code == 400
        assert report(response)[0][1:] == (
            "value",
            "“1.234” is not a number written 12,5 or 12.5.",
            "1.234",
        )
        assert dt.date(2024, 10, 1) not in values(metric)

    def test_a_metric_id_grouped_by_points_in_a_decimal_comma_file_is_not_another_metric(
        self, client, alice, partnership, metric
    ):
        """A spreadsheet in Spanish or German writes the id 7000 as "7.000": a
        thousand there, not metric 7; so "7.000" is refused even where it would
        name metric 7, and "7" still reads as the id."""
        free = next(n for n in range(999, 0, -1) if not OutcomeMetric.objects.filter(pk=n))
        seven = MetricFactory(pk=free, objective=metric.objective)
        grouped = f"{seven.pk}.000"
        rows = [
            HEADER,
            [grouped, seven.name, seven.unit, "quarterly", "2024-10-01", "12,5", ""],
        ]
        client.force_login(alice)
        response = client.post(
            url("measurement_import", partnership), {"file": as_excel_saves(rows)}
        )
        assert response.status_code == 400
        assert report(response) == [
            (
                2,
                "metric_id",
                f"“{grouped}” is not an active metric of this partnership.",
                grouped,
            )
        ]
        assert values(seven) == {}
        rows[1][0] = str(seven.pk)
        response = client.post(
            url("measurement_import", partnership), {"file": as_excel_saves(rows)}
        )
        assert response.status_code == 302
        assert values(seven) == {dt.date(2024, 10, 1): Decimal("12.5")}

    def test_a_formula_value_is_reported_as_a_formula_not_skipped_as_blank(
        self, client, alice, partnership, metric
    ):
        rows = [
            HEADER,
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", 12, ""],
            [metric.pk, metric.name, metric.unit, "quarterly", "2025-07-01", "=F2*2", ""],
        ]
        client.force_login(alice)
        response = client.post(url("measurement_import", partnership), {"file": xlsx_file(rows)})
        assert response.status_code == 400
        assert report(response) == [(3, "value", "a formula (=F2*2); enter the value", "=F2*2")]
        assert dt.date(2024, 10, 1) not in values(metric)  # all or nothing

    def test_a_file_beginning_with_a_blank_line_names_its_rows_by_their_numbers(
        self, client, alice, partnership, metric
    ):
        rows = [
            [],
            HEADER,
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", "12", ""],
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-07-01", "a dozen", ""],
        ]
        client.force_login(alice)
        upload = as_excel_saves(rows, delimiter=",")
        response = client.post(url("measurement_import", partnership), {"file": upload})
        assert response.status_code == 400
        assert [(row, column) for row, column, _, _ in report(response)] == [(4, "value")]
        rows[3][5] = "11"
        upload = as_excel_saves(rows, delimiter=",")
        response = client.post(url("measurement_import", partnership), {"file": upload})
        assert response.status_code == 302
        assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12")

    def test_a_value_column_given_twice_is_named_and_nothing_is_saved(
        self, client, alice, partnership, metric
    ):
        """A second "value" column, blank on the first row: read by the last
        alone, that row was skipped as left blank and the rest imported."""
        before = values(metric)
        header = [*HEADER, "Value"]
        rows = [
            header,
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", "12", "", ""],
            [metric.pk, metric.name, metric.unit, "quarterly", "2024-07-01", "9", "", "9"],
        ]
        client.force_login(alice)
        response = client.post(
            url("measurement_import", partnership), {"file": as_excel_saves(rows, delimiter=",")}
        )
        assert response.status_code == 400
        assert report(response) == [
            (
                1,
                "",
                "The column value is given more than once: keep one of each.",
                ", ".join(header),
            )
        ]
        assert values(metric) == before

    def test_an_unreadable_file_names_the_columns_expected(self, client, alice, partnership):
        client.force_login(alice)
        upload = as_excel_saves([["metric", "wert"], ["1", "2"]])
        response = client.post(url("measurement_import", partnership), {"file": upload})
        assert response.status_code == 400
        assert response.context["form"].errors["file"] == [
            "Could not read the file: expected columns metric_id, period_start, value "
            "separated by commas, semicolons or tabs."
        ]

    def test_one_value_imported_is_said_in_the_singular(self, client, alice, partnership, metric):
        rows = [HEADER, [metric.pk, metric.name, metric.unit, "quarterly", "2024-10-01", "3", ""]]
        client.force_login(alice)
        response = client.post(
            url("measurement_import", partnership), {"file": as_excel_saves(rows)}, follow=True
        )
        assert "Measurements imported: 1 created, 0 updated." in response.content.decode()
