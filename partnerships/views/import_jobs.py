"""The page of a large import the worker is doing: its progress, then its report."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .. import import_jobs
from ..models import ImportJob


def import_job(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("partnership", "created_by"), pk=pk)
    # Whoever uploaded the file, while they may still import such files.
    if job.created_by_id != request.user.pk:
        raise Http404
    import_jobs.require_rights(job)
    context = {"job": job}
    if request.headers.get("HX-Request"):
        # Polled while the job is under way; once it ends the whole page reloads.
        response = render(request, "partnerships/_import_progress.html", context)
        if not job.is_under_way:
            response["HX-Refresh"] = "true"
        return response
    context["result"] = {"errors": import_jobs.job_errors(job)}
    context["imported"] = import_jobs.imported_message(
        kind=job.kind, created=job.created, updated=job.updated
    )
    return render(request, "partnerships/import_job.html", context)
