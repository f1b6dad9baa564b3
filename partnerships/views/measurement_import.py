"""Bulk import of a partnership's measurements, and its templates, for its editors."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core import spreadsheets
from core.http import form_status

from .. import import_jobs, measurement_import, permissions
from ..forms_partners import ImportForm
from ..models import ImportKind, Partnership


def _editable(request, pk) -> Partnership:
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    return partnership


@require_http_methods(["GET", "POST"])
def measurement_import_view(request, pk):
    partnership = _editable(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if import_jobs.is_large(upload):
                job = import_jobs.import_job_start(
                    kind=ImportKind.MEASUREMENTS,
                    upload=upload,
                    user=request.user,
                    partnership=partnership,
                )
                return redirect("partnerships:import_job", pk=job.pk)
            result = measurement_import.measurements_import(
                upload=upload, partnership=partnership, user=request.user
            )
        except measurement_import.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if not result.errors:
                messages.success(
                    request,
                    import_jobs.imported_message(
                        kind=ImportKind.MEASUREMENTS,
                        created=result.created,
                        updated=result.updated,
                    ),
                )
                return redirect("partnerships:measurement_grid", pk=partnership.pk)
    return render(
        request,
        "partnerships/partnerships/measurement_import.html",
        {
            "partnership": partnership,
            "form": form,
            "result": result,
            "columns": measurement_import.COLUMNS,
            "background_rows": import_jobs.BACKGROUND_ROWS,
        },
        status=form_status(request, refused=bool(form.errors or (result and result.errors))),
    )


def _download(content: bytes, content_type: str, partnership, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"measurements-{partnership.pk}-template.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def measurement_import_template_csv(request, pk):
    partnership = _editable(request, pk)
    content = measurement_import.template_csv(partnership)
    return _download(content, spreadsheets.CSV, partnership, "csv")


@require_GET
def measurement_import_template_xlsx(request, pk):
    partnership = _editable(request, pk)
    return _download(
        measurement_import.template_xlsx(partnership), spreadsheets.XLSX, partnership, "xlsx"
    )
