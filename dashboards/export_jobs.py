"""Portfolio exports too large for a request: the worker writes them.

An export of more than `in_request_rows()` partnerships is an `ExportJob`: the
page asks the person to confirm (a GET changes nothing), the job is stored
with the filters and sent to the worker through the outbox, and the worker
writes the file in the language of whoever asked, recording its progress for
the page. Only that person may download it, until the job expires
(`KEPT_FOR`, swept daily by `tasks.expire_export_jobs`). A fault is
recorded on the job and shown on its page, never silent.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.preferences import in_users_locale
from notifications.models import Kind
from notifications.services import Draft, email_on_commit, notifications_create
from ops.outbox import outbox_enqueue
from partnerships.models import Partnership

from . import exports_portfolio
from .filters import narrow
from .forms import portfolio_filters
from .models import EXPORT_UNDER_WAY, ExportJob, ExportStatus

logger = logging.getLogger(__name__)

KEPT_FOR = dt.timedelta(days=7)
# A job under way that has not moved for this long has lost its worker (the
# worker writes its progress every `exports_portfolio.PROGRESS_EVERY` rows, a
# fraction of a second apart): its page says so rather than wait in silence.
STALLED_AFTER = dt.timedelta(minutes=10)
# A job whose runs keep ending their worker (memory, a kill) is failed after this.
MAX_ATTEMPTS = 3
TASK = "dashboards.tasks.export_job_run"


def in_request_rows() -> int:
    """The most partnerships an export is written for within a request
    (`ACCORD_EXPORT_IN_REQUEST_ROWS`); larger ones go to the worker. At 5,000,
    the default, the request writes the CSV in 0.8 s and the XLSX in 1.6 s on
    the 2-core reference machine; the XLSX of 100,000 partnerships took about
    25 s, near gunicorn's 30-second timeout."""
    return settings.ACCORD_EXPORT_IN_REQUEST_ROWS


def export_size(data: dict) -> int:
    """How many partnerships (rows) the export under these filters holds."""
    return narrow(Partnership.objects.all(), data).count()


class FiltersNoLongerApply(Exception):
    """A job's filters no longer validate (e.g. its owner owns no partnership
    now): the job fails rather than export the unfiltered portfolio."""


def job_filters(filters: dict[str, str], *, user) -> dict:
    """The cleaned filters of a job's stored GET parameters, as `user` may apply
    them now, or FiltersNoLongerApply."""
    form, data = portfolio_filters(filters, user=user)
    if filters and not form.is_valid():
        raise FiltersNoLongerApply(form.errors.as_json())
    return data


def export_job_start(
    *, fmt: str, filters: dict[str, str], user, queue: str | None = None
) -> ExportJob:
    """The job writing this export for `user`: the one already under way (and
    not stalled) for the same format and filters, or a new one, stored and
    queued for the worker (on `queue`, else the default one) once saved."""
    with transaction.atomic():
        # Locked, so that two clicks at once queue one job.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        under_way = ExportJob.objects.filter(
            created_by=user,
            fmt=fmt,
            filters=filters,
            status__in=EXPORT_UNDER_WAY,
            updated_at__gte=timezone.now() - STALLED_AFTER,  # a stalled one is not followed
        ).first()
        if under_way is not None:
            return under_way
        job = ExportJob(
            fmt=fmt,
            filters=filters,
            created_by=user,
            rows=export_size(job_filters(filters, user=user)),
        )
        job.full_clean()
        job.save()
        outbox_enqueue(task_name=TASK, kwargs_list=[{"job_id": job.pk}], queue=queue)
    return job


def _claim(job_id: int) -> ExportJob | None:
    """Take the job for this run, or None if it is not to be written (gone,
    written, failed, or out of attempts: then it fails). Each run takes the
    next attempt; its writes are fenced by that number, so a run overtaken by
    a later one (a task delivered twice) changes nothing."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=EXPORT_UNDER_WAY, attempts__lt=MAX_ATTEMPTS
    ).update(status=ExportStatus.WRITING, written=0, attempts=F("attempts") + 1, updated_at=Now())
    job = ExportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if claimed:
        return job
    if job is not None and job.is_under_way:
        # Sent again and again: each run ended its worker (memory, a kill).
        logger.error("Export job %s failed: %s attempts", job.pk, job.attempts)
        if _fenced(job, status=ExportStatus.FAILED, failure="Out of attempts"):
            _tell(job)
    return None


def _fenced(job: ExportJob, **fields) -> bool:
    """Save `fields` at once (the page polls them) if no later run has taken
    the job; whether they were saved."""
    fields["updated_at"] = timezone.now()
    saved = ExportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    return bool(saved)


def export_job_run(*, job_id: int) -> None:
    """Write the job's file. A job already written or failed is left as it is
    (a redelivered task); one that was being written when its worker died is
    written again from the start, up to `MAX_ATTEMPTS` times."""
    job = _claim(job_id)
    if job is None:
        return

    def progress(done, total):
        _fenced(job, written=done, rows=total)

    try:
        # Written once, in the language and time zone of whoever asked for it.
        with in_users_locale(job.created_by):
            data = job_filters(job.filters, user=job.created_by)
            content = exports_portfolio.file_bytes(data, fmt=job.fmt, progress=progress)
        # The stored name is generated (`export_file_path`).
        job.file.save(f"export.{job.fmt}", ContentFile(content), save=False)
    except Exception as error:
        logger.exception("Export job %s failed", job.pk)
        saved = _fenced(job, status=ExportStatus.FAILED, failure=f"{type(error).__name__}: {error}")
    else:
        saved = _fenced(job, status=ExportStatus.DONE, written=job.rows, file=job.file.name)
        if not saved:
            job.file.delete(save=False)  # a later run writes its own
    if saved:
        _tell(job)


def _tell(job: ExportJob) -> None:
    """Whoever asked hears that the file is ready, or that it failed: in their
    inbox (and by email, if that is how they take their reminders), with the
    link to the job's page, once per job."""
    with in_users_locale(job.created_by):
        if job.status == ExportStatus.DONE:
            subject = _("Your portfolio export is ready")
            body = ngettext(
                "The %(format)s file of %(count)s partnership can be downloaded for %(days)s days.",
                "The %(format)s file of %(count)s partnerships can be downloaded "
                "for %(days)s days.",
                job.rows,
            ) % {
                "format": job.fmt.upper(),
                "count": floatformat(job.rows, "0g"),
                "days": KEPT_FOR.days,
            }
        else:
            subject = _("Your portfolio export failed")
            body = _(
                "Ask for it again from the portfolio; if it fails again, tell an administrator."
            )
    url = reverse("dashboards:export_job", args=[job.pk])
    draft = Draft(job.created_by_id, f"export:{job.pk}", Kind.EXPORT, subject, body, url)
    with transaction.atomic():
        email_on_commit([notification.pk for notification in notifications_create(drafts=[draft])])


def is_stalled(job: ExportJob) -> bool:
    """Whether the job is under way but has not moved for `STALLED_AFTER`."""
    return job.is_under_way and timezone.now() - job.updated_at > STALLED_AFTER


def download_name(job: ExportJob) -> str:
    """The name the file is downloaded under: the day it was asked for."""
    return exports_portfolio.file_name(job.fmt, on=timezone.localdate(job.created_at))


def export_jobs_expire() -> int:
    """Delete the jobs asked for more than `KEPT_FOR` ago, then their files
    once that commits, so no job is left without its file; how many."""
    expired = ExportJob.objects.filter(created_at__lt=timezone.now() - KEPT_FOR)
    names = [name for name in expired.values_list("file", flat=True) if name]
    count, _ = expired.delete()
    storage = ExportJob._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return count
