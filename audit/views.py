import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core import spreadsheets

from .forms import AuditFilterForm
from .history import entries
from .rights import may_read_audit

PAGE_SIZE = 50
CSV_HEADER = [
    _("When (UTC)"),
    _("Record"),
    _("Id"),
    _("Change"),
    _("By"),
    _("Task"),
    _("Reason"),
    _("URL"),
    _("What changed"),
]


def _filters(request) -> AuditFilterForm:
    if not may_read_audit(request.user):
        raise PermissionDenied
    # Always bound: no filter at all is a valid choice (every event).
    return AuditFilterForm(request.GET)


def audit_events(request):
    form = _filters(request)
    return _events_page(request, form, status=200 if form.is_valid() else 400)


def _events_page(request, form: AuditFilterForm, *, status: int, too_many: int = 0):
    page = None
    if form.is_valid():
        page = Paginator(form.events(), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(entries(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_max": settings.ACCORD_AUDIT_EXPORT_MAX_ROWS,
            "too_many": too_many,
        },
        status=status,
    )


def _json(value) -> str:
    """A value as JSON, readable: a choice by its label (a lazy translation),
    dates and decimals as text, letters as they are (not \\u escapes)."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def audit_export(request):
    form = _filters(request)
    if not form.is_valid():
        return _events_page(request, form, status=400)
    events = form.events()
    total = events.count()
    if total > settings.ACCORD_AUDIT_EXPORT_MAX_ROWS:
        # Refused before a row is written: the page again, saying how to narrow it.
        return _events_page(request, form, status=400, too_many=total)
    response = HttpResponse(content_type=spreadsheets.CSV)
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    writer = spreadsheets.CsvWriter(response)
    writer.writerow(CSV_HEADER)
    for entry in entries(events.iterator(chunk_size=2000)):
        event = entry.event
        changes = "; ".join(
            f"{change.field}: {_json(change.old)} → {_json(change.new)}" for change in entry.changes
        )
        row = [
            event.pgh_created_at.isoformat(),
            event.pgh_obj_model,
            event.pgh_obj_id,
            entry.kind,
            str(event.user) if event.user else "",
            event.task or "",
            event.reason or "",
            event.url or "",
            changes,
        ]
        writer.writerow(row)
    return response
