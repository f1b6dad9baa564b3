"""Partner pages: the list, one partner, create and edit, and the bulk import."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from audit.history import object_history
from core import spreadsheets
from core.forms import add_service_errors
from core.http import form_status
from core.numbers import plain_int

from .. import import_jobs, imports, permissions, services
from ..forms_partners import SORTS, ImportForm, PartnerFilterForm, PartnerForm
from ..geography import countries_in, language_name
from ..models import Agreement, ImportKind, Partner

# How many changes the partner page shows, newest first.
HISTORY_SHOWN = 20


def _require_edit_partner(user):
    if not permissions.can_edit_partner(user):
        raise PermissionDenied(gettext("Only partnership managers change partners."))


def _filtered(filters: PartnerFilterForm):
    """The partners the list's filters choose, and their order (the list and its export)."""
    partners = Partner.objects.all()
    order = SORTS["name"][1]
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            partners = partners.search(data["q"])
        for name in ("country", "sector", "organisation_type"):
            if data[name]:
                partners = partners.filter(**{name: data[name]})
        if data["region"]:
            partners = partners.filter(country__in=countries_in(data["region"]))
        if data["sort"]:
            order = SORTS[data["sort"]][1]
    return partners, order


@permission_required("partnerships.view_partner", raise_exception=True)
def partner_list(request):
    filters = PartnerFilterForm(request.GET or None)
    partners, order = _filtered(filters)
    partners = partners.with_partnership_count()
    page = Paginator(partners.order_by(*order), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/partners/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "can_create": permissions.can_create(request.user),
        },
    )


@permission_required("partnerships.view_partner", raise_exception=True)
def partner_export(request):
    """The listed partners (the list's filters) as CSV, in the import's columns:
    a file exported here imports elsewhere as it is. One query."""
    partners, order = _filtered(PartnerFilterForm(request.GET or None))
    response = HttpResponse(content_type=spreadsheets.CSV)
    response["Content-Disposition"] = 'attachment; filename="partners.csv"'
    writer = spreadsheets.CsvWriter(response)
    writer.writerow(imports.COLUMNS)
    for partner in partners.order_by(*order):
        writer.writerow([_cell(partner, name) for name in imports.COLUMNS])
    return response


def _cell(partner, name: str) -> str:
    value = getattr(partner, name)
    if isinstance(value, list):
        return "; ".join(value)  # as the import reads lists
    if name == "country":
        return value.code
    return str(value)


# Matches a picker shows: enough to choose from, few enough to send at once.
SEARCH_RESULTS = 20


@permission_required("partnerships.view_partner", raise_exception=True)
def partner_search(request):
    """The partners whose name holds `q`, or whose ROR ID or IATI identifier is
    `q`, for the partner pickers: one query, a page of matches whatever the
    number of partners. With `partnership` (an id), only that partnership's
    members: an agreement's parties are chosen among them."""
    query = request.GET.get("q", "").strip()
    if "\x00" in query:
        query = ""  # a NUL is no text a name holds (and PostgreSQL refuses it)
    scope = request.GET.get("partnership", "")
    partnership = plain_int(scope)
    partners = []
    if query and (not scope or partnership is not None):
        matches = Partner.objects.pick(query)
        if scope:
            matches = matches.filter(memberships__partnership=partnership).distinct()
        partners = list(
            matches.only("name", "city", "country", "ror_id", "iati_id").order_by(
                "name", "country"
            )[: SEARCH_RESULTS + 1]
        )
    return render(
        request,
        "partnerships/partners/_search_results.html",
        {
            "partners": partners[:SEARCH_RESULTS],
            "more": len(partners) > SEARCH_RESULTS,
            "query": query,
        },
    )


@permission_required("partnerships.view_partner", raise_exception=True)
def partner_detail(request, pk):
    partner = get_object_or_404(Partner, pk=pk)
    agreements = (
        Agreement.objects.filter(parties__partner=partner)
        .select_related("partnership")
        .distinct()
        .order_by("-effective_date", "title")
    )
    return render(
        request,
        "partnerships/partners/detail.html",
        {
            "partner": partner,
            "languages": [language_name(code) for code in partner.languages],
            "contacts": partner.contacts.all(),
            "memberships": partner.memberships.select_related("partnership").order_by(
                "partnership__title"
            ),
            "agreements": agreements,
            "history": object_history(partner, limit=HISTORY_SHOWN),
            "can_edit": permissions.can_edit_partner(request.user),
        },
    )


def _save_partner(form, save):
    """Save through the service; its refusal is shown next to the field it names."""
    if not form.is_valid():
        return None
    try:
        return save(**form.edited_data)
    except ValidationError as error:
        add_service_errors(error, form)
    return None


@require_http_methods(["GET", "POST"])
def partner_create(request):
    permissions.require_create(request.user)
    form = PartnerForm(request.POST or None, user=request.user)
    if request.method == "POST":
        partner = _save_partner(form, services.partner_create)
        if partner is not None:
            messages.success(request, gettext("%(partner)s is saved.") % {"partner": partner})
            return redirect("partnerships:partner_detail", pk=partner.pk)
    return render(
        request,
        "partnerships/partners/form.html",
        {"form": form},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def partner_edit(request, pk):
    _require_edit_partner(request.user)
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    if request.method == "POST":

        def save(**fields):
            return services.partner_update(
                partner=partner, expected_version=form.expected_version, **fields
            )

        saved = _save_partner(form, save)
        if saved is not None:
            messages.success(request, gettext("%(partner)s is saved.") % {"partner": saved})
            return redirect("partnerships:partner_detail", pk=saved.pk)
    # The heading names the partner as stored, not as half-typed in the form.
    stored = Partner.objects.get(pk=pk) if form.is_bound else partner
    return render(
        request,
        "partnerships/partners/form.html",
        {"form": form, "partner": stored},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def partner_import(request):
    permissions.require_create(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if import_jobs.is_large(upload):
                job = import_jobs.import_job_start(
                    kind=ImportKind.PARTNERS, upload=upload, user=request.user
                )
                return redirect("partnerships:import_job", pk=job.pk)
            result = imports.partners_import(upload=upload, user=request.user)
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if not result.errors:
                messages.success(
                    request,
                    import_jobs.imported_message(kind=ImportKind.PARTNERS, created=result.created),
                )
                return redirect("partnerships:partner_list")
    return render(
        request,
        "partnerships/partners/import.html",
        {
            "form": form,
            "result": result,
            "columns": imports.COLUMNS,
            "background_rows": import_jobs.BACKGROUND_ROWS,
        },
        status=form_status(request, refused=bool(form.errors or (result and result.errors))),
    )


def partner_import_template(request, fmt):
    permissions.require_create(request.user)
    if fmt == "csv":
        response = HttpResponse(imports.template_csv(), content_type=spreadsheets.CSV)
    else:
        response = HttpResponse(imports.template_xlsx(), content_type=spreadsheets.XLSX)
    response["Content-Disposition"] = f'attachment; filename="partners-template.{fmt}"'
    return response
