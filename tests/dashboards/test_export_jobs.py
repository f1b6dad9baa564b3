"""Portfolio exports too large for a request: offered, written by the worker,
followed on their page, downloaded by whoever asked for them, then deleted."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards import export_jobs, tasks
from dashboards.models import ExportJob, ExportStatus
from ops.models import OutboxMessage
from tests.dashboards.test_portfolio import cold_cache_in_november_2026, seed_portfolio
from tests.spreadsheets import csv_text

pytestmark = pytest.mark.django_db

EXPORT = "/dashboards/portfolio.csv"


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def portfolio(alice, bob, rita):
    # Six partnerships, two of them in industry.
    seed_portfolio(alice, bob, rita)


def rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_text(content))))


def ask_for(client, fmt="csv", **filters):
    return client.post(reverse("dashboards:export_job_create"), {"fmt": fmt, **filters})


def job_asked_for(client, fmt="csv", **filters) -> ExportJob:
    ask_for(client, fmt, **filters)
    return ExportJob.objects.latest("pk")


# --- in the request, or offered to the worker ------------------------------------


def test_a_portfolio_of_exactly_the_limit_is_written_in_the_request(
    client, erin, portfolio, settings
):
    settings.ACCORD_EXPORT_IN_REQUEST_ROWS = 6
    client.force_login(erin)
    response = client.get(EXPORT)
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(rows_of(response.content)) == 6
    assert not ExportJob.objects.exists()


def test_one_partnership_more_is_offered_to_the_worker_and_nothing_is_stored_yet(
    client, erin, portfolio, settings
):
    settings.ACCORD_EXPORT_IN_REQUEST_ROWS = 5
    client.force_login(erin)
    response = client.get(EXPORT, {"sector": "industry", "colour": "score"})
    # Two industry partnerships are within the limit: the file itself.
    assert response["Content-Disposition"].startswith("attachment;")

    response = client.get(EXPORT)
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "The portfolio holds 6 partnerships under these filters" in page
    assert 'name="fmt" value="csv"' in page
    # A GET stores nothing and sends nothing.
    assert not ExportJob.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_offer_keeps_the_filters_for_the_job(client, erin, portfolio, settings):
    settings.ACCORD_EXPORT_IN_REQUEST_ROWS = 1
    client.force_login(erin)
    page = client.get(EXPORT, {"sector": "industry", "period": "2026-09"}).content.decode()
    assert '<input type="hidden" name="sector" value="industry">' in page
    assert '<input type="hidden" name="period" value="2026-09">' in page


# --- the job -----------------------------------------------------------------------


def test_asking_stores_the_job_with_its_filters_and_queues_it(client, erin, portfolio):
    client.force_login(erin)
    response = ask_for(client, "xlsx", sector="industry", colour="score")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:export_job", args=[job.pk])
    # The map's colour is no filter of the rows.
    assert (job.fmt, job.filters, job.created_by, job.status, job.rows) == (
        "xlsx",
        {"sector": "industry"},
        erin,
        ExportStatus.WAITING,
        2,
    )
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.kwargs) == (export_jobs.TASK, {"job_id": job.pk})


def test_a_bad_filter_is_refused_rather_than_exporting_everything(client, erin, portfolio):
    client.force_login(erin)
    response = ask_for(client, sector="industry", owner="not-a-user")
    assert response.status_code == 400
    assert "These filters are not valid now" in response.content.decode()
    assert not ExportJob.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_asking_again_while_it_is_written_follows_the_same_job(client, erin, portfolio):
    client.force_login(erin)
    first = ask_for(client, sector="industry")
    again = ask_for(client, sector="industry")
    assert again["Location"] == first["Location"]
    other = ask_for(client, "xlsx", sector="industry")
    assert other["Location"] != first["Location"]
    assert ExportJob.objects.count() == OutboxMessage.objects.count() == 2
    # Once written, asking again writes it again (the portfolio may have changed).
    tasks.export_job_run(ExportJob.objects.get(fmt="csv").pk)
    assert ask_for(client, sector="industry")["Location"] != first["Location"]


@pytest.mark.parametrize(
    "filters",
    [
        {"owner": "alice"},
        {"period": "2026-09"},
        {"provisional": "1"},
        {"country": "KE"},
        {"region": "AF", "stage": "active"},
        {"purpose": "clinical_exchange", "sector": "government"},
    ],
    ids=lambda filters: "+".join(filters),
)
def test_every_filter_reaches_the_worker(client, erin, alice, portfolio, filters):
    if "owner" in filters:
        filters = {"owner": str(alice.pk)}
    # Unapproved scorecards are for those who enter or review them.
    client.force_login(alice if "provisional" in filters else erin)
    in_request = client.get(EXPORT, filters).content
    # Each changes the file (its rows, or the scorecards they show).
    assert in_request != client.get(EXPORT).content
    job = job_asked_for(client, **filters)
    assert job.filters == filters
    tasks.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.file.read() == in_request


def test_filters_that_no_longer_apply_fail_the_job_rather_than_export_everything(
    client, erin, alice, bob, portfolio
):
    from partnerships.models import Partnership

    client.force_login(erin)
    job = job_asked_for(client, owner=str(alice.pk))
    # Alice hands her partnerships over before the worker takes the job.
    Partnership.objects.filter(owner=alice).update(owner=bob)
    tasks.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.failure.startswith("FiltersNoLongerApply")
    assert not job.file


def test_the_worker_writes_the_same_file_as_the_request_would(client, erin, portfolio):
    client.force_login(erin)
    in_request = client.get(EXPORT, {"sector": "industry"}).content
    job = job_asked_for(client, sector="industry")
    assert job.filters == {"sector": "industry"}

    tasks.export_job_run(job.pk)  # what the worker does

    job.refresh_from_db()
    assert (job.status, job.written, job.rows) == (ExportStatus.DONE, 2, 2)
    download = client.get(reverse("dashboards:export_job_file", args=[job.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="portfolio-2026-11-15.csv"'
    assert b"".join(download.streaming_content) == in_request


def test_an_xlsx_job_is_a_workbook_of_every_row(client, erin, portfolio):
    client.force_login(erin)
    job = job_asked_for(client, "xlsx")
    tasks.export_job_run(job.pk)
    download = client.get(reverse("dashboards:export_job_file", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.title == "Portfolio"
    assert sheet.max_row == 7  # the header and six partnerships


def test_the_file_is_written_in_the_language_of_whoever_asked(client, erin, portfolio):
    erin.language = "fr"
    erin.save()
    client.force_login(erin)
    job = job_asked_for(client)
    tasks.export_job_run(job.pk)
    job.refresh_from_db()
    header = next(csv.reader(io.StringIO(csv_text(job.file.read()))))
    assert header[:2] == ["Partenariat", "Étape"]


def test_a_rerun_of_a_written_job_changes_nothing(client, erin, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    tasks.export_job_run(job.pk)
    job.refresh_from_db()
    written = job.file.name
    tasks.export_job_run(job.pk)  # a redelivered task
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ExportStatus.DONE, written)


def test_a_fault_is_recorded_on_the_job_and_shown_on_its_page(
    client, erin, portfolio, monkeypatch, caplog
):
    client.force_login(erin)
    job = job_asked_for(client)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("dashboards.exports_portfolio.portfolio_rows", broken)
    tasks.export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure, job.file.name) == (
        ExportStatus.FAILED,
        "RuntimeError: disk full",
        "",
    )
    assert "Export job" in caplog.text
    page = client.get(reverse("dashboards:export_job", args=[job.pk])).content.decode()
    assert "The export failed." in page
    assert reverse("dashboards:export_job_file", args=[job.pk]) not in page
    assert client.get(reverse("dashboards:export_job_file", args=[job.pk])).status_code == 404


# --- its page ----------------------------------------------------------------------


def test_the_page_follows_the_job_then_offers_the_file(client, erin, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    url = reverse("dashboards:export_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "Waiting for the worker" in page
    assert f'hx-get="{url}"' in page
    polled = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled

    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.WRITING, written=3000, rows=12000
    )
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "3,000 of 12,000 partnerships written" in polled
    assert 'aria-valuenow="3000"' in polled
    assert "accord-w-25" in polled

    tasks.export_job_run(job.pk)
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert "Download portfolio-2026-11-15.csv" in page
    assert "hx-get" not in page


def test_only_whoever_asked_sees_the_job_and_its_file(client, erin, alice, rita, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    tasks.export_job_run(job.pk)
    for other in (alice, rita):
        client.force_login(other)
        assert client.get(reverse("dashboards:export_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("dashboards:export_job_file", args=[job.pk])).status_code == 404


def test_someone_without_the_portfolio_can_neither_ask_nor_download(client, nora, erin, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    tasks.export_job_run(job.pk)
    client.force_login(nora)
    assert ask_for(client).status_code == 403
    assert ExportJob.objects.count() == 1
    assert client.get(reverse("dashboards:export_job_file", args=[job.pk])).status_code == 403


def test_a_format_that_is_not_offered_is_refused(client, erin, portfolio):
    client.force_login(erin)
    assert ask_for(client, "pdf").status_code == 400
    assert client.get(reverse("dashboards:export_job_create")).status_code == 405
    assert not ExportJob.objects.exists()


def test_a_job_that_cannot_be_done_without_its_file_is_refused_by_the_database(erin):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(fmt="csv", created_by=erin, status=ExportStatus.DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(fmt="csv", created_by=erin, rows=2, written=3)


# --- expiry ------------------------------------------------------------------------


def test_jobs_older_than_a_week_are_deleted_with_their_files(
    client, erin, portfolio, media, django_capture_on_commit_callbacks
):
    client.force_login(erin)
    ask_for(client)
    old = ExportJob.objects.get()
    tasks.export_job_run(old.pk)
    old.refresh_from_db()
    old_file = media / old.file.name
    assert old_file.exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        ask_for(client)
    recent = ExportJob.objects.latest("pk")
    assert recent != old

    # A week to the second after the first was asked for: kept.
    with time_machine.travel(old.created_at + export_jobs.KEPT_FOR, tick=False):
        assert tasks.expire_export_jobs() == 0
    with (
        time_machine.travel(
            old.created_at + export_jobs.KEPT_FOR + dt.timedelta(seconds=1), tick=False
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.expire_export_jobs() == 1
    assert list(ExportJob.objects.all()) == [recent]
    assert not old_file.exists()


def test_a_job_that_has_not_moved_for_ten_minutes_says_so(client, erin, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    url = reverse("dashboards:export_job", args=[job.pk])
    warning = "The worker has not moved this export for more than ten minutes:"
    with time_machine.travel(job.updated_at + export_jobs.STALLED_AFTER, tick=False):
        assert warning not in client.get(url).content.decode()
    with time_machine.travel(
        job.updated_at + export_jobs.STALLED_AFTER + dt.timedelta(seconds=1), tick=False
    ):
        polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert warning in polled
        assert "hx-get" in polled  # still followed: a worker may yet take it
        # Asking again starts a new job rather than follow the stalled one.
        assert ask_for(client)["Location"] != url
        tasks.export_job_run(job.pk)
        assert warning not in client.get(url).content.decode()


# --- telling whoever asked ---------------------------------------------------------


def test_whoever_asked_is_told_in_their_inbox_once(client, erin, portfolio):
    from notifications.models import Kind, Notification

    erin.language = "fr"
    erin.save()
    client.force_login(erin)
    job = job_asked_for(client)
    assert not Notification.objects.exists()  # not while it waits

    tasks.export_job_run(job.pk)
    tasks.export_job_run(job.pk)  # a redelivered task tells no one twice
    told = Notification.objects.get()
    assert (told.user, told.kind, told.url) == (
        erin,
        Kind.EXPORT,
        reverse("dashboards:export_job", args=[job.pk]),
    )
    assert told.subject == "Votre export du portefeuille est prêt"
    assert "6 partenariats" in told.body


def test_a_failed_export_is_told_too(client, erin, portfolio, monkeypatch):
    from notifications.models import Notification

    client.force_login(erin)
    job = job_asked_for(client)
    monkeypatch.setattr(
        "dashboards.exports_portfolio.portfolio_rows",
        lambda *args, **kwargs: 1 / 0,
    )
    tasks.export_job_run(job.pk)
    told = Notification.objects.get()
    assert told.subject == "Your portfolio export failed"
    assert told.url == reverse("dashboards:export_job", args=[job.pk])


# --- delivered more than once ------------------------------------------------------


def test_a_run_overtaken_by_a_second_delivery_leaves_one_file_and_one_message(
    client, erin, portfolio, media, monkeypatch
):
    from notifications.models import Notification

    client.force_login(erin)
    job = job_asked_for(client)
    real = export_jobs.exports_portfolio.file_bytes
    calls = []

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            # The same task, delivered again, runs to its end meanwhile.
            tasks.export_job_run(job.pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_jobs.exports_portfolio, "file_bytes", racing)
    tasks.export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, len(calls)) == (ExportStatus.DONE, 2, 2)
    assert [path.name for path in (media / "exports").iterdir()] == [Path(job.file.name).name]
    assert Notification.objects.count() == 1


def test_a_job_whose_runs_keep_dying_fails_after_its_attempts(client, erin, portfolio):
    from notifications.models import Notification

    client.force_login(erin)
    job = job_asked_for(client)
    # Each earlier run ended its worker mid-file (it stays "writing").
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.WRITING, attempts=export_jobs.MAX_ATTEMPTS - 1
    )
    tasks.export_job_run(job.pk)  # the last attempt: it is written
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.DONE, export_jobs.MAX_ATTEMPTS)

    ask_for(client)
    again = ExportJob.objects.latest("pk")
    ExportJob.objects.filter(pk=again.pk).update(
        status=ExportStatus.WRITING, attempts=export_jobs.MAX_ATTEMPTS
    )
    tasks.export_job_run(again.pk)  # delivered once more: no attempt left
    again.refresh_from_db()
    assert (again.status, again.failure) == (ExportStatus.FAILED, "Out of attempts")
    assert not again.file
    assert Notification.objects.filter(url__endswith=f"/{again.pk}/").count() == 1


def test_whoever_no_longer_reads_the_portfolio_loses_their_exports(client, erin, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    tasks.export_job_run(job.pk)
    erin.groups.clear()
    for url in (
        reverse("dashboards:export_job", args=[job.pk]),
        reverse("dashboards:export_job_file", args=[job.pk]),
    ):
        assert client.get(url).status_code == 403


def test_a_deleted_export_says_so_and_stops_its_page_polling(client, erin, alice, portfolio):
    client.force_login(erin)
    job = job_asked_for(client)
    url = reverse("dashboards:export_job", args=[job.pk])
    job.delete()  # expired
    response = client.get(url)
    assert response.status_code == 404
    assert "an export is deleted 7 days after it was asked for" in response.content.decode()
    # htmx stops polling on 286 (a page left open while the job was deleted).
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 286
    # Someone else's export reads the same: none can be guessed at.
    mine = job_asked_for(client)
    client.force_login(alice)
    response = client.get(reverse("dashboards:export_job", args=[mine.pk]))
    assert response.status_code == 404
    assert "There is no such export of yours" in response.content.decode()
