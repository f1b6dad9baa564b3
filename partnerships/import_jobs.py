"""Large import files go to the worker, so no request waits on them.

A file of more than `BACKGROUND_ROWS` rows is stored in an `ImportJob` and
imported by the worker (`tasks.import_job_run`) with the same check and save
as a small file in the request; the job records its progress for the page, and
the report of every bad row at the end. The rows are saved all or none, as
ever.
"""

from __future__ import annotations

import dataclasses
import logging

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.preferences import in_users_locale
from core.formatting import grouped
from ops.outbox import outbox_enqueue

from . import permissions, tasks
from .imports import ImportFileError, RowError, count_rows, partners_import
from .measurement_import import measurements_import
from .models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

# Larger files are imported by the worker: checked and saved in well under a
# second at this size, so the request stays short whatever the machine.
BACKGROUND_ROWS = 500


def imported_message(*, kind: str, created: int, updated: int = 0) -> str:
    """What a finished import says, in the request or from the worker."""
    if kind == ImportKind.PARTNERS:
        return ngettext("%(count)s partner imported.", "%(count)s partners imported.", created) % {
            "count": grouped(created)
        }
    return _("Measurements imported: %(created)s, %(updated)s.") % {
        "created": ngettext("%(count)s created", "%(count)s created", created)
        % {"count": grouped(created)},
        "updated": ngettext("%(count)s updated", "%(count)s updated", updated)
        % {"count": grouped(updated)},
    }


def is_large(upload) -> bool:
    """Whether the worker should import this file (raises ImportFileError on a bad file)."""
    rows = count_rows(upload)
    return rows is None or rows > BACKGROUND_ROWS


def import_job_start(*, kind: str, upload, user, partnership=None) -> ImportJob:
    """Store the file and send it to the worker once the job is saved."""
    job = ImportJob(
        kind=kind,
        partnership=partnership,
        created_by=user,
        rows=max((count_rows(upload) or 1) - 1, 0),
    )
    job.file.save(upload.name, upload, save=False)
    job.full_clean()
    job.save()
    # Through the outbox: with the broker away the job waits there and the relay
    # sends it once it is back (a direct send failed after the commit: a 500, and
    # a saved job no worker would ever run).
    outbox_enqueue(task_name=tasks.import_job_run.name, kwargs_list=[{"job_id": job.pk}])
    return job


def require_rights(job: ImportJob) -> None:
    """Refuse (PermissionDenied) a job whose uploader may not import such a file
    now: a partners file needs a partnership manager, a measurements file
    someone who leads its partnership. The job's page and the worker ask alike."""
    if job.kind == ImportKind.PARTNERS:
        permissions.require_create(job.created_by)
    else:
        permissions.require_edit(job.created_by, job.partnership)


def _set(job: ImportJob, **fields) -> None:
    # Saved at once (outside the import's transaction), so the page sees it.
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


def import_job_run(*, job_id: int) -> None:
    """Check and save the job's file; a rerun of a finished job does nothing."""
    job = ImportJob.objects.select_related("partnership", "created_by").get(pk=job_id)
    if not job.is_under_way:
        return
    try:
        # Whoever uploaded the file must still be allowed to import it when the
        # worker takes it up, as they were when they uploaded it: no longer a
        # co-lead, or without their role or account since, nothing is saved.
        require_rights(job)
    except PermissionDenied as error:
        with in_users_locale(job.created_by):
            report = [dataclasses.asdict(RowError(0, "", str(error), ""))]
        _set(job, status=ImportStatus.REFUSED, report=report)
        return
    _set(job, status=ImportStatus.CHECKING, checked=0)

    def progress(done, total):
        status = ImportStatus.SAVING if done >= total else ImportStatus.CHECKING
        _set(job, checked=done, rows=total, status=status)

    try:
        # The report is written once, in the language of whoever uploaded the file.
        with in_users_locale(job.created_by), job.file.open("rb") as upload:
            if job.kind == ImportKind.PARTNERS:
                result = partners_import(upload=upload, user=job.created_by, progress=progress)
            else:
                result = measurements_import(
                    upload=upload,
                    partnership=job.partnership,
                    user=job.created_by,
                    progress=progress,
                )
    except ImportFileError as error:
        # The file as a whole cannot be read (its separator, its encoding): its
        # one message is the report, as it would be for a small file.
        _set(
            job,
            status=ImportStatus.REFUSED,
            report=[dataclasses.asdict(RowError(0, "", str(error), ""))],
        )
        return
    except Exception as error:
        logger.exception("Import job %s failed", job.pk)
        _set(job, status=ImportStatus.FAILED, failure=f"{type(error).__name__}: {error}")
        return
    if result.errors:
        _set(
            job,
            status=ImportStatus.REFUSED,
            checked=job.rows,
            report=[dataclasses.asdict(error) for error in result.errors],
        )
    else:
        _set(
            job,
            status=ImportStatus.DONE,
            checked=job.rows,
            created=result.created,
            updated=result.updated,
        )


def job_errors(job: ImportJob) -> list[RowError]:
    return [RowError(**error) for error in job.report]
