"""A large portfolio export through Celery: a real worker process writes the
file the page then offers; real Redis, real PostgreSQL."""

import csv
import io

import pytest
from django.urls import reverse

from dashboards import export_jobs
from dashboards.models import ExportJob, ExportStatus
from tests.factories import PartnershipFactory
from tests.spreadsheets import csv_text
from tests.workers import Worker, new_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_worker_writes_the_export_and_its_page_offers_the_file(
    client, erin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    for n in range(3):
        PartnershipFactory(title=f"Partnership {n}")
    queue = new_queue()
    worker = Worker(queue, env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    try:
        # Sent through the outbox once the job is saved, as the page sends it.
        job = export_jobs.export_job_start(fmt="csv", filters={}, user=erin, queue=queue)
        wait_for(
            lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE,
            what="the export written",
        )
    finally:
        print(worker.stop())

    client.force_login(erin)
    page = client.get(reverse("dashboards:export_job", args=[job.pk])).content.decode()
    assert reverse("dashboards:export_job_file", args=[job.pk]) in page
    download = client.get(reverse("dashboards:export_job_file", args=[job.pk]))
    rows = list(csv.DictReader(io.StringIO(csv_text(b"".join(download.streaming_content)))))
    assert sorted(row["Partnership"] for row in rows) == [
        "Partnership 0",
        "Partnership 1",
        "Partnership 2",
    ]
