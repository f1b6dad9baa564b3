"""A CSV cell longer than the csv module's own limit (131,072 characters) is
read like any other: how long a column may be is the column's to say, row and
column named, never a server error."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import spreadsheets
from partnerships import imports, measurement_import
from partnerships.models import EVIDENCE_MAX_LENGTH, Measurement, Partner
from tests.factories import partnership_with_data

# The csv module's default limit, 131,072 characters.
CSV_LIMIT = 128 * 1024
HUGE = 200_000
GOOD_PARTNER = ["Moi Teaching Hospital", "hospital", "10", "government", "KE", "Eldoret", "en",
                "Africa/Nairobi", "surgery", "https://mtrh.go.ke"]  # fmt: skip


@pytest.fixture
def csv_limit():
    """The csv module's limit as it was (it is process-wide), put back after."""
    before = csv.field_size_limit()
    yield before
    csv.field_size_limit(before)


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def csv_file(rows, name):
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


class TestReading:
    def test_a_cell_longer_than_the_csv_modules_limit_is_read_whole(self, csv_limit):
        csv.field_size_limit(CSV_LIMIT)  # as in a fresh process
        data = csv_bytes([["name", "kind", "country"], ["x" * HUGE, "hospital", "KE"]])
        table = spreadsheets.read_csv(data, columns=["name", "kind", "country"], required=["name"])
        assert table.rows[1] == ["x" * HUGE, "hospital", "KE"]

    @pytest.mark.parametrize("delimiter", [",", ";", "\t"])
    def test_a_huge_cell_in_the_header_row_is_read_too(self, csv_limit, delimiter):
        csv.field_size_limit(CSV_LIMIT)
        text = delimiter.join(["name", "kind", "y" * HUGE]) + "\r\nMoi,hospital,z\r\n"
        table = spreadsheets.read_csv(
            text.encode(), columns=["name", "kind"], required=["name", "kind"]
        )
        assert table.rows[0][-1] == "y" * HUGE

    def test_a_cell_the_csv_module_still_refuses_names_its_row(self, csv_limit, monkeypatch):
        """Were the limit ever lower than a cell: the file is refused naming the
        row, like a row holding a NUL, not a csv.Error (a 500)."""
        monkeypatch.setattr(spreadsheets, "MAX_CELL_SIZE", 1000)
        csv.field_size_limit(1000)
        rows = [["name", "kind"], ["Moi", "hospital"], ['Kenyatta "National"', "x" * 1001]]
        with pytest.raises(spreadsheets.UnreadableFile, match="row 3 holds a cell longer than"):
            spreadsheets.read_csv(csv_bytes(rows), columns=["name", "kind"], required=["name"])


@pytest.mark.django_db
class TestThePartnerImport:
    def test_a_name_of_200000_characters_is_named_by_row_and_column(self, client, alice):
        csv.field_size_limit(CSV_LIMIT)
        rows = [imports.COLUMNS, GOOD_PARTNER, ["N" * HUGE, *GOOD_PARTNER[1:]]]
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:partner_import"), {"file": csv_file(rows, "partners.csv")}
        )
        assert response.status_code == 400
        errors = response.context["result"].errors
        assert {(error.row, error.column) for error in errors} == {(3, "name")}
        assert "at most" in errors[0].message
        assert Partner.objects.count() == 0
        # The report repeats enough of the value to find it, not all of it.
        assert errors[0].value == "N" * (imports.REPORTED_VALUE_CHARS - 1) + "…"
        assert len(response.content) < 100_000


@pytest.mark.django_db
class TestTheMeasurementImport:
    @pytest.fixture(autouse=True)
    def november_2025(self):
        with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
            yield

    @pytest.fixture
    def partnership(self, alice):
        return partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2024, 1, 1))

    def row(self, metric, period_start, value, evidence=""):
        return [
            metric.pk,
            metric.name,
            metric.unit,
            metric.frequency,
            period_start,
            value,
            evidence,
        ]

    def post(self, client, partnership, rows):
        return client.post(
            reverse("partnerships:measurement_import", args=[partnership.pk]),
            {"file": csv_file([measurement_import.COLUMNS, *rows], "measurements.csv")},
        )

    def test_an_evidence_of_200000_characters_is_read_and_named_as_too_long(
        self, client, alice, partnership
    ):
        """The CSV is read (the same cell in an XLSX always was), not a 500; the
        evidence is then over its limit (EVIDENCE_MAX_LENGTH), named by row and
        column, as the API refuses it, and nothing is saved."""
        csv.field_size_limit(CSV_LIMIT)
        metric = partnership.objectives.get().metrics.get()
        before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
        client.force_login(alice)
        response = self.post(
            client, partnership, [self.row(metric, "2024-10-01", "12", "e" * HUGE)]
        )
        assert response.status_code == 400
        (error,) = response.context["result"].errors
        assert (error.row, error.column) == (2, "evidence")
        assert f"at most {EVIDENCE_MAX_LENGTH} characters (it has {HUGE})" in error.message
        assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before

    def test_a_bad_row_beside_a_huge_cell_is_named_and_nothing_is_saved(
        self, client, alice, partnership
    ):
        csv.field_size_limit(CSV_LIMIT)
        metric = partnership.objectives.get().metrics.get()
        before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
        client.force_login(alice)
        response = self.post(
            client,
            partnership,
            [
                self.row(metric, "2024-10-01", "12", "e" * HUGE),
                self.row(metric, "2024-07-01", "a dozen"),
            ],
        )
        assert response.status_code == 400
        errors = response.context["result"].errors
        assert {(error.row, error.column) for error in errors} == {(2, "evidence"), (3, "value")}
        assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before
