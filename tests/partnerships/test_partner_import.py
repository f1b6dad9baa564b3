"""Bulk import of partners: the whole file is checked, then all rows or none are saved."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core import zones
from partnerships import imports
from partnerships.models import EXPERTISE_MAX_AREAS, Partner
from tests.factories import PartnerFactory
from tests.spreadsheets import csv_rows

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


def test_a_choice_not_offered_is_told_what_is_offered_in_the_readers_words(client, alice):
    row = [*GOOD_ROWS[0]]
    row[2], row[3] = "public", "health"
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file([HEADER, row])}, HTTP_ACCEPT_LANGUAGE="fr")
    messages = {e.column: e.message for e in response.context["result"].errors}
    assert messages["sector"] == (
        "« health » ne fait pas partie des secteurs proposés : "
        "Non lucratif, Industrie, Pouvoirs publics, Universitaire."
    )
    assert messages["organisation_type"].startswith(
        "« public » ne fait pas partie des types d'organisation proposés : "
        "Pouvoirs publics (10), Collectivité locale (11), "
    )
    assert Partner.objects.count() == 0


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


@pytest.mark.parametrize("column", [0, 5])  # the name (checked for duplicates), the city
def test_a_null_character_is_refused_naming_its_rows_and_saves_nothing(client, alice, column):
    """A NUL is not text (PostgreSQL refuses it): the file is refused with its
    rows named, not answered with a server error."""
    spoilt = [*GOOD_ROWS[0]]
    spoilt[column] = spoilt[column][:3] + "\x00" + spoilt[column][3:]
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file([HEADER, GOOD_ROWS[1], spoilt])})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert "row 3 holds a null character" in message
    assert Partner.objects.count() == 0


def test_a_workbook_that_unpacks_to_far_more_than_it_weighs_is_refused(client, alice, monkeypatch):
    monkeypatch.setattr("core.spreadsheets.MAX_UNPACKED_SIZE", 1000)
    client.force_login(alice)
    response = client.post(IMPORT, {"file": xlsx_file([HEADER, *GOOD_ROWS])})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert "would unpack to more than" in message
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
    rows = csv_rows(response.content)
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


def many_rows(count, start=0):
    return [
        [f"Clinic {number}", "hospital", "10", "government", "KE", "Nairobi", "en",
         "Africa/Nairobi", "", ""]
        for number in range(start, start + count)
    ]  # fmt: skip


@pytest.mark.parametrize("count", [10, 200])
def test_the_import_costs_the_same_queries_for_10_or_200_rows(
    alice, count, django_assert_num_queries
):
    upload = csv_file([HEADER, *many_rows(count)])
    # 1 the duplicates already stored; 2 SAVEPOINT; 3 the partners' ids from
    # their sequence; 4 the history context handed to PostgreSQL for the COPY;
    # 5 RELEASE SAVEPOINT. Between 4 and 5, the COPY of the partners, which goes
    # by the driver's cursor and so is not counted here (its history is written
    # by the triggers).
    with django_assert_num_queries(5):
        result = imports.partners_import(upload=upload, user=alice)
    assert result.created == count
    assert Partner.objects.count() == count
    created = Partner.pgh_event_model.objects.filter(pgh_label="insert")
    assert [event.pgh_context["user"] for event in created] == [alice.pk] * count


def test_a_large_file_goes_to_the_worker_and_its_page_shows_progress_then_the_report(
    client, alice, django_capture_on_commit_callbacks, settings, tmp_path
):
    from partnerships import import_jobs, tasks
    from partnerships.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    PartnerFactory(name="Clinic 700", country="KE")
    rows = many_rows(import_jobs.BACKGROUND_ROWS + 500)
    rows[3][3] = "charity"
    client.force_login(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(IMPORT, {"file": csv_file([HEADER, *rows])})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("partnerships:import_job", args=[job.pk])
    assert len(callbacks) == 1  # the task, sent once the job is saved

    page = client.get(response.url)
    assert "Waiting for the worker" in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()

    tasks.import_job_run(job.pk)  # what the worker does

    polled = client.get(response.url, headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    page = client.get(response.url)
    assert Partner.objects.count() == 1  # all or nothing
    found = {(e.row, e.column) for e in page.context["result"]["errors"]}
    assert found == {(5, "sector"), (702, "name")}
    assert "Nothing was imported" in page.content.decode()

    job.refresh_from_db()
    assert (job.status, job.checked, job.rows) == ("refused", 1000, 1000)


def test_a_good_large_file_is_imported_by_the_worker(
    client, alice, django_capture_on_commit_callbacks, settings, tmp_path
):
    from partnerships import tasks
    from partnerships.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    with django_capture_on_commit_callbacks():
        response = client.post(IMPORT, {"file": xlsx_file([HEADER, *many_rows(600)])})
    job = ImportJob.objects.get()
    tasks.import_job_run(job.pk)
    tasks.import_job_run(job.pk)  # a rerun (a redelivered task) does nothing more
    assert Partner.objects.count() == 600
    assert Partner.objects.first().history.get().pgh_context["user"] == alice.pk
    assert "600 partners imported" in client.get(response.url).content.decode()


def test_only_the_uploader_sees_an_import_job(client, alice, bob, settings, tmp_path):
    from partnerships import import_jobs

    settings.MEDIA_ROOT = tmp_path
    job = import_jobs.import_job_start(
        kind="partners", upload=csv_file([HEADER, *GOOD_ROWS]), user=alice
    )
    client.force_login(bob)
    assert client.get(reverse("partnerships:import_job", args=[job.pk])).status_code == 404


def test_the_job_page_polls_with_the_rows_checked_while_the_worker_runs(
    client, alice, settings, tmp_path
):
    from partnerships import import_jobs

    settings.MEDIA_ROOT = tmp_path
    job = import_jobs.import_job_start(
        kind="partners", upload=csv_file([HEADER, *GOOD_ROWS]), user=alice
    )
    job.status, job.checked, job.rows = "checking", 3000, 10000
    job.save()
    client.force_login(alice)
    polled = client.get(
        reverse("partnerships:import_job", args=[job.pk]), headers={"HX-Request": "true"}
    )
    content = polled.content.decode()
    assert "3,000 of 10,000 rows checked" in content
    assert "accord-w-30" in content and 'hx-trigger="every 1s"' in content
    assert "HX-Refresh" not in polled
    page = client.get(reverse("partnerships:import_job", args=[job.pk])).content.decode()
    assert "A file of about 10,000 rows, uploaded" in page


@pytest.mark.parametrize(
    ("language", "progress", "about", "done"),
    [
        (
            "fr",
            "3\xa0000 lignes vérifiées sur 10\xa0000",
            "environ 10\xa0000 lignes",
            "12\xa0345 partenaires",
        ),
        ("es", "3\xa0000 de 10\xa0000", "unas 10\xa0000 filas", "12\xa0345 socios"),
        ("pt", "3.000 de 10.000", "cerca de 10.000 linhas", "12.345 parceiros"),
    ],
)
def test_the_job_page_groups_thousands_as_the_readers_language_does(
    client, alice, settings, tmp_path, language, progress, about, done
):
    from partnerships import import_jobs

    settings.MEDIA_ROOT = tmp_path
    alice.language = language
    alice.save(update_fields=["language"])
    job = import_jobs.import_job_start(
        kind="partners", upload=csv_file([HEADER, *GOOD_ROWS]), user=alice
    )
    job.status, job.checked, job.rows = "checking", 3000, 10000
    job.save()
    client.force_login(alice)
    url = reverse("partnerships:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert progress in page and about in page
    # The bar is named for screen readers in the reader's language too.
    assert 'aria-label="Rows checked"' not in page
    with translation.override(language):
        message = import_jobs.imported_message(kind="partners", created=12345)
    assert done in message


def test_a_partner_saved_meanwhile_by_someone_else_saves_nothing(alice, monkeypatch):
    PartnerFactory(name="Moi Teaching Hospital", country="KE")
    # As if the other partner were saved between the check and the save.
    monkeypatch.setattr(imports, "_stored", lambda keys: set())
    result = imports.partners_import(upload=csv_file([HEADER, *GOOD_ROWS]), user=alice)
    assert [e.message for e in result.errors] == [
        "A partner with this name already exists in this country. Import the file again."
    ]
    assert Partner.objects.count() == 1


def with_areas(row, count, name=None):
    """`row` listing `count` areas of expertise (and another name, if given)."""
    changed = [*row]
    changed[HEADER.index("expertise")] = "; ".join(f"area {n}" for n in range(count))
    if name:
        changed[0] = name
    return changed


def test_a_partner_with_twenty_areas_is_imported(client, alice):
    client.force_login(alice)
    rows = [HEADER, with_areas(GOOD_ROWS[0], EXPERTISE_MAX_AREAS)]
    response = client.post(IMPORT, {"file": csv_file(rows)})
    assert response.status_code == 302
    assert Partner.objects.get().expertise == [f"area {n}" for n in range(EXPERTISE_MAX_AREAS)]


def test_a_row_with_twenty_one_areas_is_named_and_nothing_is_saved(client, alice):
    client.force_login(alice)
    rows = [
        HEADER,
        with_areas(GOOD_ROWS[0], EXPERTISE_MAX_AREAS - 1),
        with_areas(GOOD_ROWS[1], EXPERTISE_MAX_AREAS + 1),
        with_areas(GOOD_ROWS[0], EXPERTISE_MAX_AREAS, name="Kisii Teaching Hospital"),
    ]
    response = client.post(IMPORT, {"file": csv_file(rows)})
    assert response.status_code == 400
    (error,) = response.context["result"].errors
    assert (error.row, error.column) == (3, "expertise")
    assert error.message == (
        "A partner has at most 20 areas of expertise; this lists 21. Keep the main ones."
    )
    assert not Partner.objects.exists()


def test_an_imported_area_given_twice_is_kept_once(client, alice):
    client.force_login(alice)
    row = [*GOOD_ROWS[0]]
    row[HEADER.index("expertise")] = "surgery; ; Surgery, nursing;"
    response = client.post(IMPORT, {"file": csv_file([HEADER, row])})
    assert response.status_code == 302
    assert Partner.objects.get().expertise == ["surgery", "nursing"]


@pytest.mark.parametrize(
    "name", ["=1+1", "+44 clinic", "-minus", "@home", "'plain quote", "O'Neill"]
)
def test_a_partner_exported_imports_again_as_it_was(client, alice, name):
    """The export keeps "=1+1" from being a formula ("'=1+1"); the import takes
    that guard off, so the file round-trips instead of gaining an apostrophe."""
    PartnerFactory(name=name, country="KE", ror_id="", iati_id="")
    client.force_login(alice)
    exported = client.get(reverse("partnerships:partner_export")).content
    Partner.objects.all().delete()

    upload = SimpleUploadedFile("partners.csv", exported, content_type="text/csv")
    response = client.post(reverse("partnerships:partner_import"), {"file": upload})

    assert response.status_code == 302, response.context["result"].errors
    assert Partner.objects.get().name == name


def test_an_exported_xlsx_cell_reads_back_without_its_guard():
    from io import BytesIO

    from core import spreadsheets

    data = spreadsheets.xlsx_bytes(
        [("Partners", ["name"], [["=1+1"], ["'quoted"]])], streamed=False
    )
    table = spreadsheets.read_xlsx(BytesIO(data))
    assert table.rows[1:] == [["=1+1"], ["'quoted"]]


def test_a_large_file_sent_while_the_broker_is_away_waits_in_the_outbox(
    client, alice, django_capture_on_commit_callbacks, settings, tmp_path
):
    # Sent straight to the broker after the commit, it answered 500 and left a
    # saved job that no worker would ever run.
    from ops.models import OutboxMessage
    from ops.outbox import outbox_relay
    from partnerships import import_jobs
    from partnerships.models import ImportJob
    from tests.ops.faults import redis_down

    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    rows = many_rows(import_jobs.BACKGROUND_ROWS + 1)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT, {"file": csv_file([HEADER, *rows])})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("partnerships:import_job", args=[job.pk])
    (message,) = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert (message.task_name, message.kwargs) == (
        "partnerships.tasks.import_job_run",
        {"job_id": job.pk},
    )
    assert outbox_relay() == 1  # once the broker is back


@pytest.mark.parametrize("count", [3, 30])
def test_the_system_time_zones_are_read_once_however_many_rows(monkeypatch, count):
    """Reading the zone files costs some 10 ms: read for each row, a file of
    10,000 partners took 30 s to check instead of 1.7 s (the benchmark)."""
    import zoneinfo

    reads = []

    def counted():
        reads.append(1)
        return available()

    available = zoneinfo.available_timezones
    monkeypatch.setattr(zoneinfo, "available_timezones", counted)
    zones.time_zone_names.cache_clear()
    rows = [[f"Clinic {number}", *GOOD_ROWS[0][1:]] for number in range(count)]
    parsed, errors = imports.check([HEADER, *rows])
    assert errors == [] and len(parsed) == count
    assert len(reads) == 1
