"""Bulk import of a partnership's measurements: the whole file is checked, then all or none."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from partnerships import measurement_import
from partnerships.models import EVIDENCE_MAX_LENGTH, Measurement
from tests.factories import MetricFactory, partnership_with_data
from tests.spreadsheets import csv_rows

pytestmark = pytest.mark.django_db

HEADER = measurement_import.COLUMNS


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def partnership(alice):
    # Started in 2024, so that the quarters of 2024 can be recorded.
    return partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2024, 1, 1))


@pytest.fixture
def metric(partnership):
    """Quarterly, with values for Q1 2025, Q2 and Q3 (14, 18, 24)."""
    return partnership.objectives.get().metrics.get()


@pytest.fixture
def monthly(metric):
    return MetricFactory(objective=metric.objective, name="Clinic visits", frequency="monthly")


def url(name, partnership):
    return reverse(f"partnerships:{name}", args=[partnership.pk])


def row(metric, period_start, value, evidence="", version=""):
    return [
        metric.pk,
        metric.name,
        metric.unit,
        metric.frequency,
        period_start,
        value,
        evidence,
        version,
    ]


def version_of(metric, period_start):
    """The version of the period's value as stored: what a file made now carries."""
    return metric.measurements.get(period_start=dt.date.fromisoformat(period_start)).version


def csv_file(rows, name="measurements.csv"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, name="measurements.xlsx"):
    book = Workbook()
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def values(metric):
    return dict(metric.measurements.values_list("period_start", "value"))


def test_a_good_csv_creates_and_updates(client, alice, partnership, metric, monthly):
    rows = [
        HEADER,
        row(metric, "2024-10-01", "12.5", "Ward register"),
        # recorded already: corrected, from the version stored
        row(metric, "2025-07-01", "30", version=version_of(metric, "2025-07-01")),
        row(monthly, "2025-10-01", "1 200"),
        row(monthly, "2025-09-01", ""),  # left blank: skipped
    ]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 302
    assert response.url == url("measurement_grid", partnership)
    assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12.5")
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("30")
    assert values(monthly) == {dt.date(2025, 10, 1): Decimal("1200")}
    created = metric.measurements.get(period_start=dt.date(2024, 10, 1))
    assert (created.evidence, created.entered_by) == ("Ward register", alice)
    assert metric.measurements.get(period_start=dt.date(2025, 7, 1)).entered_by == alice
    page = client.get(response.url)
    assert "2 created, 1 updated" in page.content.decode()


def test_a_good_xlsx_creates_and_updates(client, alice, partnership, metric):
    rows = [
        HEADER,
        row(metric, dt.datetime(2024, 10, 1), 12),  # a date cell and a number cell
        row(metric, "2025-04-01", 19.5, version=version_of(metric, "2025-04-01")),
    ]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": xlsx_file(rows)})
    assert response.status_code == 302
    assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12")
    assert values(metric)[dt.date(2025, 4, 1)] == Decimal("19.5")
    assert metric.measurements.count() == 4


def test_a_file_with_bad_rows_saves_nothing_and_names_them(client, alice, bob, partnership, metric):
    other = partnership_with_data(owner=bob, metrics=1).objectives.get().metrics.get()
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    rows = [
        HEADER,
        row(metric, "2024-10-01", "12"),  # good
        row(metric, "2025-08-01", "12"),  # not the start of a quarter
        row(other, "2024-10-01", "12"),  # another partnership's metric
        row(metric, "2024-07-01", "a dozen"),  # not a number
        row(metric, "2024-10-01", "13"),  # row 2 again
        row(metric, "1 July 2024", "13"),  # not a date
        row(metric, "2024-04-01", "12,5"),  # a decimal comma
    ]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before
    found = {(e.row, e.column) for e in response.context["result"].errors}
    assert found == {
        (3, "period_start"),
        (4, "metric_id"),
        (5, "value"),
        (6, "period_start"),
        (7, "period_start"),
        (8, "value"),
    }
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "This metric is reported quarterly" in content
    assert f"“{other.pk}” is not an active metric of this partnership." in content
    assert "a dozen" in content
    assert "The same metric and period as row 2 of this file." in content


def test_what_python_reads_as_a_number_but_a_person_does_not_write_is_named(
    client, alice, partnership, metric
):
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    typed = ["1_000", "1e3", "NaN", "Infinity", "١٢"]
    rows = [HEADER, row(metric, "2024-10-01", "12.5")] + [
        row(metric, period, text)
        for period, text in zip(["2024-01-01", "2024-04-01", "2024-07-01"], typed, strict=False)
    ]
    rows += [row(metric, "2025-01-01", typed[3]), row(metric, "2025-04-01", typed[4])]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before
    errors = response.context["result"].errors
    assert {(e.row, e.column, e.value) for e in errors} == {
        (3, "value", "1_000"),
        (4, "value", "1e3"),
        (5, "value", "NaN"),
        (6, "value", "Infinity"),
        (7, "value", "١٢"),
    }
    assert all("is not a number written with a decimal point" in e.message for e in errors)


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_metric_id_or_value_in_other_digits_is_named_by_row_and_column(
    client, alice, partnership, metric, make
):
    """int() read the metric id "٣" as 3 (another record than the one meant);
    the file's ids and values are read with the digits 0-9, as the pages' and the API's."""
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    arabic_indic = str(metric.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    fullwidth = "１２"
    rows = [
        HEADER,
        row(metric, "2024-10-01", "12.5"),
        [arabic_indic, *row(metric, "2024-07-01", "3")[1:]],
        row(metric, "2024-04-01", fullwidth),
    ]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": make(rows)})
    assert response.status_code == 400
    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before
    errors = response.context["result"].errors
    assert {(e.row, e.column, e.value) for e in errors} == {
        (3, "metric_id", arabic_indic),
        (4, "value", fullwidth),
    }


def test_a_tiny_number_cell_of_a_workbook_is_read_as_its_value(client, alice, partnership, metric):
    """openpyxl gives the cell as the float 5e-05: read as 0.00005, too many
    decimal places, not as something that is no number."""
    rows = [HEADER, row(metric, "2024-10-01", 0.00005), row(metric, "2024-07-01", 0.0001)]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": xlsx_file(rows)})
    assert response.status_code == 400
    [error] = response.context["result"].errors
    assert (error.row, error.column, error.value) == (2, "value", "0.00005")
    assert "decimal places" in error.message


@pytest.mark.parametrize(
    ("period_start", "message"),
    [
        ("2025-10-01", "Q4 2025 has not ended yet"),  # today, 5 November, is inside it
        ("2030-01-01", "Q1 2030 has not ended yet"),
        ("2023-10-01", "Q4 2023 ended before the partnership started (1 January 2024)."),
        ("9999-10-01", "Give a date from 2000 to 2075."),
    ],
)
def test_a_period_that_cannot_be_recorded_is_named_by_row_and_column(
    client, alice, partnership, metric, period_start, message
):
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    rows = [HEADER, row(metric, "2024-10-01", "12"), row(metric, period_start, "12")]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before
    errors = response.context["result"].errors
    assert {(e.row, e.column) for e in errors} == {(3, "period_start")}
    assert any(message in e.message for e in errors)
    assert message in response.content.decode()


def test_a_null_character_in_the_evidence_is_refused_and_saves_nothing(
    client, alice, partnership, metric
):
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    rows = [HEADER, row(metric, "2024-10-01", "12", "HMIS\x00 report")]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert "row 2 holds a null character" in message
    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before


def test_evidence_over_the_limit_is_named_and_at_the_limit_is_saved(
    client, alice, partnership, metric
):
    """The file keeps the limit the API and the page keep (EVIDENCE_MAX_LENGTH)."""
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    rows = [
        HEADER,
        row(metric, "2024-10-01", "12", "e" * EVIDENCE_MAX_LENGTH),
        row(metric, "2024-07-01", "11", "e" * (EVIDENCE_MAX_LENGTH + 1)),
    ]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    (error,) = response.context["result"].errors
    assert (error.row, error.column) == (3, "evidence")
    assert f"at most {EVIDENCE_MAX_LENGTH} characters" in error.message
    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before

    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows[:2])})
    assert response.status_code == 302
    saved = metric.measurements.get(period_start=dt.date(2024, 10, 1))
    assert saved.evidence == "e" * EVIDENCE_MAX_LENGTH


@pytest.mark.parametrize("metric_id", ["²", "¹²", "99999999999999999999"])
def test_a_metric_id_that_is_no_plain_number_is_named(
    client, alice, partnership, metric, metric_id
):
    """ "²" passes str.isdigit() but not int(): a row error, not a server error."""
    rows = [HEADER, [metric_id, *row(metric, "2024-10-01", "12")[1:]]]
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "metric_id")]


def test_an_inactive_metric_is_refused(client, alice, partnership, metric):
    metric.is_active = False
    metric.save()
    client.force_login(alice)
    response = client.post(
        url("measurement_import", partnership),
        {"file": csv_file([HEADER, row(metric, "2024-10-01", "1")])},
    )
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "metric_id")]


def test_a_missing_column_is_reported(client, alice, partnership):
    client.force_login(alice)
    upload = csv_file([["metric_id", "value"], ["1", "2"]])
    response = client.post(url("measurement_import", partnership), {"file": upload})
    (error,) = response.context["result"].errors
    assert "period_start" in error.message


def test_a_file_without_values_is_reported(client, alice, partnership, metric):
    client.force_login(alice)
    upload = csv_file([HEADER, row(metric, "2025-07-01", "")])
    response = client.post(url("measurement_import", partnership), {"file": upload})
    assert response.status_code == 400
    assert "no values" in response.context["result"].errors[0].message


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("measurements.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("measurements.xlsx", b"not a workbook"),
    ],
)
def test_other_files_are_refused(client, alice, partnership, upload):
    client.force_login(alice)
    response = client.post(url("measurement_import", partnership), {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_a_large_file_is_refused(client, alice, partnership, metric, monkeypatch):
    monkeypatch.setattr("partnerships.imports.MAX_SIZE", 10)
    client.force_login(alice)
    upload = csv_file([HEADER, row(metric, "2024-10-01", "1")])
    response = client.post(url("measurement_import", partnership), {"file": upload})
    assert response.status_code == 400
    assert "5 MB" in str(response.context["form"].errors["file"])
    assert metric.measurements.count() == 3


@pytest.mark.parametrize("who", ["bob", "erin", "rita"])
@pytest.mark.parametrize(
    "name",
    ["measurement_import", "measurement_import_template_csv", "measurement_import_template_xlsx"],
)
def test_only_the_partnerships_editors_import(client, request, partnership, metric, who, name):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(name, partnership)).status_code == 403
    if name == "measurement_import":
        upload = csv_file([HEADER, row(metric, "2024-10-01", "1")])
        assert client.post(url(name, partnership), {"file": upload}).status_code == 403
        assert metric.measurements.count() == 3


def test_a_co_lead_imports(client, bob, partnership, metric):
    partnership.leads.create(user=bob, functional_area="administrative")
    client.force_login(bob)
    assert client.get(url("measurement_import", partnership)).status_code == 200


def test_the_csv_template_lists_the_active_metrics(client, alice, partnership, metric, monthly):
    MetricFactory(objective=metric.objective, name="Retired", is_active=False)
    client.force_login(alice)
    response = client.get(url("measurement_import_template_csv", partnership))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    july = metric.measurements.get(period_start=dt.date(2025, 7, 1))
    # The last closed period of each: October, not recorded (version 0); the
    # third quarter, recorded: its value and evidence as stored, and its version.
    assert rows == [
        HEADER,
        [str(monthly.pk), "Clinic visits", "patients", "monthly", "2025-10-01", "", "", "0"],
        [
            str(metric.pk),
            metric.name,
            "patients",
            "quarterly",
            "2025-07-01",
            "24",
            july.evidence,
            str(july.version),
        ],
    ]


def test_the_xlsx_template_lists_the_active_metrics(client, alice, partnership, metric):
    client.force_login(alice)
    response = client.get(url("measurement_import_template_xlsx", partnership))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    version = str(metric.measurements.get(period_start=dt.date(2025, 7, 1)).version)
    assert rows[1][:5] == [str(metric.pk), metric.name, "patients", "quarterly", "2025-07-01"]
    assert (rows[1][5], rows[1][7]) == ("24", version)


def test_a_filled_in_template_imports(client, alice, partnership, metric):
    client.force_login(alice)
    response = client.get(url("measurement_import_template_csv", partnership))
    rows = csv_rows(response.content)
    rows[1][5] = "31"
    upload = csv_file(rows)
    response = client.post(url("measurement_import", partnership), {"file": upload})
    assert response.status_code == 302
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("31")


def test_the_grid_links_to_the_import_for_editors_only(client, alice, erin, partnership):
    link = url("measurement_import", partnership)
    client.force_login(alice)
    assert link in client.get(url("measurement_grid", partnership)).content.decode()
    client.force_login(erin)
    assert link not in client.get(url("measurement_grid", partnership)).content.decode()


def monthly_rows(metrics, count):
    """`count` rows over the metrics' months recordable in November 2025 (2024-01 to 2025-10)."""
    months = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(22)]
    cells = [(metric, month) for metric in metrics for month in months]
    return [
        row(metric, month.isoformat(), str(n)) for n, (metric, month) in enumerate(cells[:count])
    ]


@pytest.mark.parametrize("count", [10, 200])
def test_the_import_costs_the_same_queries_for_10_or_200_rows(
    alice, partnership, metric, count, django_assert_num_queries
):
    monthly = MetricFactory.create_batch(10, objective=metric.objective, frequency="monthly")
    correction = row(metric, "2025-07-01", "30", version=version_of(metric, "2025-07-01"))
    upload = csv_file([HEADER, *monthly_rows(monthly, count), correction])
    # 1 the active metrics with their partnership; 2 the values recorded already;
    # 3 the versions past which the new ones start (their periods' history);
    # 4 SAVEPOINT; 5 the partnership's start date, held (FOR SHARE) to the
    # commit; 6 the corrected ones' versions, locked (FOR UPDATE) to the
    # commit; 7 the new values' ids from their sequence; 8 the history context
    # handed to PostgreSQL for the COPY (then the COPY, by the driver's cursor:
    # not counted); 9 UPDATE the corrected one (its history by the triggers);
    # 10 RELEASE SAVEPOINT.
    with django_assert_num_queries(10):
        result = measurement_import.measurements_import(
            upload=upload, partnership=partnership, user=alice
        )
    assert (result.created, result.updated) == (count, 1)
    created = Measurement.pgh_event_model.objects.filter(
        pgh_label="insert", pgh_context__user=alice.pk
    )
    assert created.count() == count
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("30")


def test_a_large_file_goes_to_the_worker_all_or_nothing_naming_every_bad_row(
    client, alice, partnership, metric, django_capture_on_commit_callbacks, settings, tmp_path
):
    from partnerships import tasks
    from partnerships.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    monthly = MetricFactory.create_batch(30, objective=metric.objective, frequency="monthly")
    rows = monthly_rows(monthly, 600)
    rows[10][5] = "ten"
    rows[500][4] = "2025-11-01"  # not over yet
    before = list(Measurement.objects.values_list("pk", "value").order_by("pk"))
    client.force_login(alice)
    with django_capture_on_commit_callbacks():
        response = client.post(
            url("measurement_import", partnership), {"file": csv_file([HEADER, *rows])}
        )
    job = ImportJob.objects.get()
    assert response.url == reverse("partnerships:import_job", args=[job.pk])
    assert "Waiting for the worker" in client.get(response.url).content.decode()

    tasks.import_job_run(job.pk)

    assert list(Measurement.objects.values_list("pk", "value").order_by("pk")) == before
    page = client.get(response.url)
    found = {(e.row, e.column) for e in page.context["result"]["errors"]}
    assert found == {(12, "value"), (502, "period_start")}
    assert "Nov 2025 has not ended yet" in page.content.decode()

    rows[10][5], rows[500][4] = "10", "2025-10-01"
    rows[500] = row(metric, "2025-07-01", "31", version=version_of(metric, "2025-07-01"))
    with django_capture_on_commit_callbacks():
        response = client.post(
            url("measurement_import", partnership), {"file": csv_file([HEADER, *rows])}
        )
    tasks.import_job_run(ImportJob.objects.latest("pk").pk)
    assert "599 created, 1 updated" in client.get(response.url).content.decode()
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("31")


def test_a_period_recorded_meanwhile_by_someone_else_saves_nothing(alice, partnership, metric):
    rows = [HEADER, row(metric, "2024-10-01", "12"), row(metric, "2024-07-01", "11")]
    cells = [[str(cell) for cell in values] for values in rows]  # as read from a file
    parsed, errors = measurement_import.check(cells, partnership=partnership, user=alice)
    assert errors == []
    # Typed into the grid between the check and the save.
    metric.measurements.create(period_start=dt.date(2024, 10, 1), value=9, entered_by=alice)
    result = measurement_import.measurements_save(parsed=parsed, user=alice)
    assert [e.message for e in result.errors] == [
        "A period was recorded by someone else meanwhile; import the file again."
    ]
    assert dt.date(2024, 7, 1) not in values(metric)


def test_a_start_date_moved_while_the_file_was_checked_saves_nothing(alice, partnership, metric):
    """The file was checked against the start read then; a start moved since
    (past Q3 2024, which would strand the file's value) refuses the whole file."""
    rows = [HEADER, row(metric, "2024-10-01", "12"), row(metric, "2024-07-01", "11")]
    cells = [[str(cell) for cell in values] for values in rows]  # as read from a file
    parsed, errors = measurement_import.check(cells, partnership=partnership, user=alice)
    assert errors == []
    type(partnership).objects.filter(pk=partnership.pk).update(start_date=dt.date(2024, 9, 1))
    result = measurement_import.measurements_save(parsed=parsed, user=alice)
    assert [e.message for e in result.errors] == [
        "The partnership’s start date changed while the file was checked; import it again."
    ]
    assert dt.date(2024, 7, 1) not in values(metric)
    assert dt.date(2024, 10, 1) not in values(metric)


def test_a_correction_moves_the_value_to_its_next_version(client, alice, partnership, metric):
    """A grid cell opened before the import is refused as stale, not saved over the file's value."""
    stored = metric.measurements.get(period_start=dt.date(2025, 7, 1))
    shown = stored.version
    client.force_login(alice)
    rows = [HEADER, row(metric, "2025-07-01", "30", version=shown)]
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.value, stored.version) == (Decimal("30"), shown + 1)
    # The cell, as the grid showed it before the import, typed over.
    response = client.post(
        url("measurement_save", partnership),
        {"metric": metric.pk, "period_start": "2025-07-01", "value": "5", "version": shown},
        headers={"HX-Request": "true"},
    )
    assert "Someone else changed this value" in response.content.decode()
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("30")


def test_a_value_changed_or_cleared_after_the_check_saves_nothing(alice, partnership, metric):
    july = row(metric, "2025-07-01", "30", version=version_of(metric, "2025-07-01"))
    rows = [HEADER, july, row(metric, "2024-07-01", "11")]
    cells = [[str(cell) for cell in values] for values in rows]  # as read from a file
    parsed, errors = measurement_import.check(cells, partnership=partnership, user=alice)
    assert errors == []
    # Corrected in the grid between the check and the save.
    Measurement.objects.filter(metric=metric, period_start=dt.date(2025, 7, 1)).update(
        value=25, version=2
    )
    result = measurement_import.measurements_save(parsed=parsed, user=alice)
    assert [e.message for e in result.errors] == [
        "A period was recorded by someone else meanwhile; import the file again."
    ]
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("25")
    assert dt.date(2024, 7, 1) not in values(metric)


def test_the_worker_saves_nothing_for_whoever_no_longer_leads_the_partnership(
    client, bob, partnership, metric, django_capture_on_commit_callbacks, settings, tmp_path
):
    """A co-lead uploads a large file and is taken off the partnership before
    the worker takes it up: the worker refuses it, as the page would now."""
    from partnerships import tasks
    from partnerships.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    lead = partnership.leads.create(user=bob, functional_area="administrative")
    monthly = MetricFactory.create_batch(30, objective=metric.objective, frequency="monthly")
    client.force_login(bob)
    with django_capture_on_commit_callbacks():
        response = client.post(
            url("measurement_import", partnership),
            {"file": csv_file([HEADER, *monthly_rows(monthly, 600)])},
        )
    job = ImportJob.objects.get()
    assert response.url == reverse("partnerships:import_job", args=[job.pk])
    lead.delete()

    tasks.import_job_run(job.pk)

    assert not Measurement.objects.filter(metric__in=monthly).exists()
    job.refresh_from_db()
    assert job.status == "refused"
    assert [error["message"] for error in job.report] == [
        "Only the partnership's owner and co-leads change it."
    ]


def test_a_value_imported_after_one_was_cleared_starts_past_its_versions(
    alice, partnership, metric
):
    from partnerships import services

    july = dt.date(2025, 7, 1)
    services.measurement_save(
        metric=metric, period_start=july, value=Decimal(25), entered_by=alice, expected_version=1
    )
    services.measurement_clear(metric=metric, period_start=july, by=alice, expected_version=2)

    result = measurement_import.measurements_import(
        upload=csv_file([HEADER, row(metric, "2025-07-01", "31")]),
        partnership=partnership,
        user=alice,
    )

    assert (result.created, result.errors) == (1, [])
    stored = Measurement.objects.get(metric=metric, period_start=july)
    assert stored.value == Decimal(31)
    assert stored.version > 2  # a page still showing version 1 or 2 is refused


# --- a row over a value already recorded: with its version, or a repeat of it ------------


def stored_rows():
    """Every value as stored, its version and who entered it: what a refused file leaves."""
    return list(
        Measurement.objects.order_by("pk").values_list(
            "pk", "value", "evidence", "version", "entered_by"
        )
    )


def import_rows(client, partnership, rows):
    return client.post(url("measurement_import", partnership), {"file": csv_file([HEADER, *rows])})


def test_a_row_without_a_version_that_would_change_a_recorded_value_is_refused_naming_it(
    client, alice, partnership, metric
):
    """Q3 2025 holds 24: a file made before it was entered (or from another
    source) must not write over it unseen; the whole file waits."""
    before = stored_rows()
    client.force_login(alice)
    response = import_rows(
        client,
        partnership,
        [row(metric, "2024-10-01", "12"), row(metric, "2025-07-01", "30")],
    )
    assert response.status_code == 400
    assert stored_rows() == before
    assert not metric.measurements.filter(period_start=dt.date(2024, 10, 1)).exists()
    version = version_of(metric, "2025-07-01")
    [error] = response.context["result"].errors
    assert (error.row, error.column, error.value) == (3, "version", "")
    assert error.message == (
        f"A value is already recorded for this period (24, version {version}); "
        "give its version to replace it."
    )
    assert "give its version to replace it" in response.content.decode()


def test_a_row_without_a_version_may_repeat_the_recorded_value_which_changes_nothing(
    client, alice, bob, partnership, metric
):
    """A file sent again, or a source that holds the same figures: "24.00"
    is the 24 recorded, blank evidence keeps its evidence. Nothing is written
    (the value keeps its version and who entered it); the new period is saved."""
    partnership.leads.create(user=bob, functional_area="administrative")
    before = stored_rows()
    history = Measurement.pgh_event_model.objects.count()
    client.force_login(bob)
    response = import_rows(
        client,
        partnership,
        [row(metric, "2025-07-01", "24.00"), row(metric, "2024-10-01", "12")],
    )
    assert response.status_code == 302
    assert [r for r in stored_rows() if r[0] in {pk for pk, *_ in before}] == before
    assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12")
    assert Measurement.pgh_event_model.objects.count() == history + 1  # the insert alone
    assert "1 created, 0 updated" in client.get(response.url).content.decode()


def test_a_row_without_a_version_with_other_evidence_is_refused(client, alice, partnership, metric):
    """The evidence is part of what is recorded: naming another source over
    the same figure is a change, and needs the version."""
    before = stored_rows()
    client.force_login(alice)
    response = import_rows(client, partnership, [row(metric, "2025-07-01", "24", "Audit")])
    assert response.status_code == 400
    assert stored_rows() == before
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "version")]


def test_a_row_with_the_version_stored_corrects_the_value(client, alice, partnership, metric):
    stored = metric.measurements.get(period_start=dt.date(2025, 7, 1))
    client.force_login(alice)
    response = import_rows(
        client, partnership, [row(metric, "2025-07-01", "30", "Audit", version=stored.version)]
    )
    assert response.status_code == 302
    corrected = metric.measurements.get(period_start=dt.date(2025, 7, 1))
    assert (corrected.value, corrected.evidence, corrected.version) == (
        Decimal("30"),
        "Audit",
        stored.version + 1,
    )


def test_a_row_made_from_an_older_version_is_refused_naming_the_value_now(
    client, alice, partnership, metric
):
    """The file was made at version 1; someone corrected the value in the
    grid since (25, version 2): the file's row is refused, the 25 kept."""
    july = dt.date(2025, 7, 1)
    stored = metric.measurements.get(period_start=july)
    from partnerships import services

    services.measurement_save(
        metric=metric,
        period_start=july,
        value=Decimal("25.5"),
        entered_by=alice,
        expected_version=stored.version,
    )
    before = stored_rows()
    client.force_login(alice)
    response = import_rows(
        client, partnership, [row(metric, "2025-07-01", "30", version=stored.version)]
    )
    assert response.status_code == 400
    assert stored_rows() == before
    [error] = response.context["result"].errors
    assert (error.row, error.column, error.value) == (2, "version", str(stored.version))
    assert error.message == (
        f"This period’s value is now 25.5 (version {stored.version + 1}), not version "
        f"{stored.version} as in the file; give version {stored.version + 1} to replace it."
    )


def test_a_file_sent_again_after_it_corrected_a_value_changes_nothing(
    client, alice, partnership, metric
):
    """Its row's version is the one it corrected, no longer stored; its value
    is the one stored: nothing would be lost, so nothing is refused (found
    uploading the same edited template twice in Chromium)."""
    stored = metric.measurements.get(period_start=dt.date(2025, 7, 1))
    corrected = [row(metric, "2025-07-01", "30", version=stored.version)]
    client.force_login(alice)
    assert import_rows(client, partnership, corrected).status_code == 302
    before = stored_rows()
    again = import_rows(client, partnership, corrected)
    assert again.status_code == 302
    assert stored_rows() == before
    assert "0 created, 0 updated" in client.get(again.url).content.decode()
    # A different figure from the same old version is still refused.
    other = import_rows(
        client, partnership, [row(metric, "2025-07-01", "31", version=stored.version)]
    )
    assert other.status_code == 400
    assert stored_rows() == before


def test_a_row_with_version_0_is_refused_where_a_value_was_recorded_since(
    client, alice, partnership, metric
):
    before = stored_rows()
    client.force_login(alice)
    response = import_rows(client, partnership, [row(metric, "2025-07-01", "30", version=0)])
    assert response.status_code == 400
    assert stored_rows() == before
    assert "This period’s value is now 24" in response.context["result"].errors[0].message


def test_a_row_with_version_0_records_a_period_without_a_value(client, alice, partnership, metric):
    client.force_login(alice)
    response = import_rows(client, partnership, [row(metric, "2024-10-01", "12", version=0)])
    assert response.status_code == 302
    assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12")


def test_a_row_over_a_value_cleared_since_it_was_read_is_refused(
    client, alice, partnership, metric
):
    from partnerships import services

    july = dt.date(2025, 7, 1)
    version = version_of(metric, "2025-07-01")
    services.measurement_clear(metric=metric, period_start=july, by=alice, expected_version=version)
    client.force_login(alice)
    response = import_rows(client, partnership, [row(metric, "2025-07-01", "30", version=version)])
    assert response.status_code == 400
    assert july not in values(metric)
    assert response.context["result"].errors[0].message == (
        f"This period’s value was cleared since version {version}; "
        "give version 0 to record it again."
    )


@pytest.mark.parametrize("written", ["one", "-1", "1.5", "١"])
def test_a_version_that_is_no_version_is_named(client, alice, partnership, metric, written):
    before = stored_rows()
    client.force_login(alice)
    response = import_rows(client, partnership, [row(metric, "2025-07-01", "30", version=written)])
    assert response.status_code == 400
    assert stored_rows() == before
    [error] = response.context["result"].errors
    assert (error.row, error.column, error.value) == (2, "version", written)
    assert error.message.startswith(f"“{written}” is not a version")


def test_a_file_without_the_version_column_records_new_periods_and_refuses_changes(
    client, alice, partnership, metric
):
    """A file in the columns before `version` (made by hand, or an older
    template) still imports; it cannot change a recorded value."""
    old = HEADER[:-1]
    client.force_login(alice)
    new = client.post(
        url("measurement_import", partnership),
        {"file": csv_file([old, row(metric, "2024-10-01", "12")[:-1]])},
    )
    assert new.status_code == 302
    assert values(metric)[dt.date(2024, 10, 1)] == Decimal("12")
    before = stored_rows()
    change = client.post(
        url("measurement_import", partnership),
        {"file": csv_file([old, row(metric, "2025-07-01", "30")[:-1]])},
    )
    assert change.status_code == 400
    assert stored_rows() == before


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_template_edited_and_uploaded_corrects_what_it_showed(
    client, alice, partnership, metric, monthly, extension
):
    """Export → edit → upload: the template carries each value's version, so
    the value typed over is corrected, the month filled in is recorded, and
    the rows left as exported change nothing."""
    client.force_login(alice)
    template = client.get(url(f"measurement_import_template_{extension}", partnership))
    if extension == "csv":
        rows = csv_rows(template.content)
    else:
        sheet = load_workbook(io.BytesIO(template.content)).active
        rows = [["" if c is None else c for c in r] for r in sheet.iter_rows(values_only=True)]
    by_metric = {str(r[0]): r for r in rows[1:]}
    by_metric[str(monthly.pk)][5] = "410"
    by_metric[str(metric.pk)][5] = "26"
    make = csv_file if extension == "csv" else xlsx_file
    response = client.post(url("measurement_import", partnership), {"file": make(rows)})
    assert response.status_code == 302, response.context["result"].errors
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("26")
    assert values(monthly) == {dt.date(2025, 10, 1): Decimal("410")}
    assert "1 created, 1 updated" in client.get(response.url).content.decode()


def test_a_template_uploaded_as_exported_changes_nothing(client, alice, partnership, metric):
    client.force_login(alice)
    rows = csv_rows(client.get(url("measurement_import_template_csv", partnership)).content)
    before = stored_rows()
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 302
    assert stored_rows() == before
    assert "0 created, 0 updated" in client.get(response.url).content.decode()


def test_a_template_whose_value_was_corrected_since_it_was_made_is_refused(
    client, alice, partnership, metric
):
    """The template was downloaded; then someone typed another value into the
    grid. The edited template is refused, naming the row, and the grid's value stays."""
    client.force_login(alice)
    rows = csv_rows(client.get(url("measurement_import_template_csv", partnership)).content)
    shown = version_of(metric, "2025-07-01")
    grid = client.post(
        url("measurement_save", partnership),
        {"metric": metric.pk, "period_start": "2025-07-01", "value": "27", "version": shown},
        headers={"HX-Request": "true"},
    )
    assert grid.status_code == 200
    rows[1][5] = "31"
    response = client.post(url("measurement_import", partnership), {"file": csv_file(rows)})
    assert response.status_code == 400
    assert values(metric)[dt.date(2025, 7, 1)] == Decimal("27")
    [error] = response.context["result"].errors
    assert (error.row, error.column) == (2, "version")
    assert "now 27" in error.message
