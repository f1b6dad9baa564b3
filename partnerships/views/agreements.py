"""Agreement (MoU) pages: read by everyone signed in, changed by the owner and
co-leads of the partnership only.

Every change checks `permissions.require_edit` before it reads the form, so a
forged POST meets the same rule as a hidden button.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from audit.history import object_history
from core.forms import add_service_errors
from core.http import form_status

from .. import documents, permissions, services
from ..forms_agreements import (
    AgreementForm,
    DocumentForm,
    ObligationFormSet,
    PartyFormSet,
    SupersedeForm,
)
from ..models import Agreement, AgreementParty, Obligation, Partnership


def partnership_url(partnership: Partnership) -> str:
    """The partnership's page, or "" while that page does not exist yet."""
    try:
        return reverse("partnerships:partnership_detail", args=[partnership.pk])
    except NoReverseMatch:
        return ""


# --- reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    date: dt.date
    label: str
    agreement: Agreement | None = None  # an amendment or renewal, linked from the timeline


def timeline(agreement: Agreement) -> list[Milestone]:
    """The dates of the agreement's life in order: signature, effect, the last
    day for notice, expiry, and the amendments and renewals that change it."""
    milestones = [
        Milestone(agreement.signed_on, gettext("Signed")),
        Milestone(agreement.effective_date, gettext("In effect")),
        Milestone(
            agreement.notice_date,
            ngettext(
                "Last day for notice (%(days)d day)",
                "Last day for notice (%(days)d days)",
                agreement.notice_period_days,
            )
            % {"days": agreement.notice_period_days},
        ),
        Milestone(agreement.expiry_date, gettext("Expires")),
    ]
    for change in agreement.changed_by.all():
        label = f"{change.get_change_kind_display()}: {change.title}"
        milestones.append(Milestone(change.effective_date or change.signed_on, label, change))
    return sorted((m for m in milestones if m.date), key=lambda m: m.date)


def _detail_queryset():
    return Agreement.objects.select_related("partnership", "changes").prefetch_related(
        Prefetch(
            "parties",
            AgreementParty.objects.select_related("partner").order_by("-is_our_organisation", "pk"),
        ),
        Prefetch("obligations", Obligation.objects.select_related("party__partner")),
        Prefetch("changed_by", Agreement.objects.order_by("effective_date", "pk")),
    )


def _render_detail(request, agreement, document_form=None, supersede_form=None):
    can_change = permissions.can_edit(request.user, agreement.partnership)
    today = timezone.localdate()
    obligations = [
        {"obligation": o, "overdue": o.is_overdue_on(today)} for o in agreement.obligations.all()
    ]
    context = {
        "agreement": agreement,
        "partnership_url": partnership_url(agreement.partnership),
        "obligations": obligations,
        "timeline": timeline(agreement),
        "history": object_history(agreement),
        "can_change": can_change,
        "document_form": document_form or (DocumentForm() if can_change else None),
        "supersede_form": supersede_form,
    }
    refused = document_form is not None or supersede_form is not None
    return render(
        request,
        "partnerships/agreements/detail.html",
        context,
        status=form_status(request, refused=refused),
    )


@permission_required("partnerships.view_agreement", raise_exception=True)
def agreement_detail(request, pk):
    agreement = get_object_or_404(_detail_queryset(), pk=pk)
    return _render_detail(request, agreement)


# --- creating and editing ------------------------------------------------------------


def _bind_forms(request, partnership, agreement):
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, instance=agreement, partnership=partnership)
    parties = PartyFormSet(
        data,
        instance=agreement,
        prefix="parties",
        partnership=partnership,
        queryset=AgreementParty.objects.select_related("partner").order_by(
            "-is_our_organisation", "pk"
        ),
    )
    obligations = ObligationFormSet(
        data,
        instance=agreement,
        prefix="obligations",
        party_rows=parties.row_choices(),
        party_ids=[f.instance.pk for f in parties.forms],
    )
    return form, parties, obligations


def _filled(formset):
    """The rows the user filled in: untouched extra rows are not parties, and a
    row that claims to be a saved one but is not among this agreement's (a stale
    or forged id) is ignored, as Django's own formset saving does."""
    initial = formset.initial_form_count()
    return [
        form
        for index, form in enumerate(formset.forms)
        if form.instance.pk or (index >= initial and form.has_changed())
    ]


def _check_party_rows(parties, obligations) -> bool:
    filled = _filled(parties)
    ok = True
    for form in _filled(obligations):
        row = form.cleaned_data.get("party_row")
        if row is not None and (row >= len(parties.forms) or parties.forms[row] not in filled):
            form.add_error("party_row", gettext("This row of the parties is empty."))
            ok = False
    return ok


PARTY_FIELDS = [field.name for field in dataclasses.fields(services.Party)]


def _render_form(request, template, context):
    return render(
        request, f"partnerships/agreements/{template}", context, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request, partnership_pk):
    partnership = get_object_or_404(Partnership, pk=partnership_pk)
    permissions.require_edit(request.user, partnership)
    form, parties, obligations = _bind_forms(request, partnership, Agreement())
    if request.method == "POST":
        valid = form.is_valid() & parties.is_valid() & obligations.is_valid()
        if valid and _check_party_rows(parties, obligations):
            party_forms = _filled(parties)
            index_of_row = {parties.forms.index(f): i for i, f in enumerate(party_forms)}
            obligation_forms = _filled(obligations)
            specs = [
                services.ObligationSpec(
                    description=f.cleaned_data["description"],
                    due_date=f.cleaned_data["due_date"],
                    completed_on=f.cleaned_data["completed_on"],
                    party_index=index_of_row.get(f.cleaned_data["party_row"]),
                )
                for f in obligation_forms
            ]
            try:
                agreement = services.agreement_create(
                    partnership=partnership,
                    parties=[
                        services.Party(**{k: f.cleaned_data[k] for k in PARTY_FIELDS})
                        for f in party_forms
                    ],
                    obligations=specs,
                    **form.edited_data,
                )
            except ValidationError as error:
                add_service_errors(
                    error, form, {"parties": party_forms, "obligations": obligation_forms}
                )
            else:
                messages.success(
                    request,
                    gettext("The agreement “%(agreement)s” is recorded.")
                    % {"agreement": agreement},
                )
                return redirect("partnerships:agreement_detail", pk=agreement.pk)
    return _render_form(
        request,
        "form.html",
        {
            "partnership": partnership,
            "partnership_url": partnership_url(partnership),
            "form": form,
            "parties": parties,
            "obligations": obligations,
        },
    )


def _update_from_forms(form, parties, obligations, party_forms, obligation_forms) -> Agreement:
    """The edited agreement through `services.agreement_update`: only the rows
    that changed, so the history records only real changes."""
    changed_obligations = []
    for obligation_form in obligation_forms:
        obligation = obligation_form.save(commit=False)
        row = obligation_form.cleaned_data.get("party_row")
        obligation.party = parties.forms[row].instance if row is not None else None
        changed_obligations.append(obligation)
    edited = form.edited_data
    return services.agreement_update(
        agreement=Agreement.objects.get(pk=form.instance.pk),
        fields={name: edited[name] for name in form.changed_data if name in edited},
        parties=[party_form.save(commit=False) for party_form in party_forms],
        obligations=changed_obligations,
        expected_version=form.expected_version,
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("partnership"), pk=pk)
    partnership = agreement.partnership
    permissions.require_edit(request.user, partnership)
    form, parties, obligations = _bind_forms(request, partnership, agreement)
    if request.method == "POST":
        valid = form.is_valid() & parties.is_valid() & obligations.is_valid()
        if valid and _check_party_rows(parties, obligations):
            party_forms = [f for f in _filled(parties) if f.has_changed()]
            obligation_forms = [f for f in _filled(obligations) if f.has_changed()]
            try:
                agreement = _update_from_forms(
                    form, parties, obligations, party_forms, obligation_forms
                )
            except ValidationError as error:
                add_service_errors(
                    error, form, {"parties": party_forms, "obligations": obligation_forms}
                )
            else:
                messages.success(
                    request,
                    gettext("The agreement “%(agreement)s” is saved.") % {"agreement": agreement},
                )
                return redirect("partnerships:agreement_detail", pk=agreement.pk)
    return _render_form(
        request,
        "form.html",
        {
            "agreement": agreement,
            "partnership": partnership,
            "partnership_url": partnership_url(partnership),
            "form": form,
            "parties": parties,
            "obligations": obligations,
        },
    )


# --- the signed document ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agreement_document(request, pk):
    """GET: the signed document as a download. POST: upload it (editors only).

    Whoever may read the agreement may download it (managers, reviewers,
    executives, administrators); each download is logged with the document's SHA-256.
    """
    if request.method == "POST":
        return _document_upload(request, pk)
    if not request.user.has_perm("partnerships.view_agreement"):
        raise PermissionDenied
    agreement = get_object_or_404(Agreement, pk=pk)
    if not agreement.document:
        raise Http404(gettext("This agreement has no document."))
    try:
        file = agreement.document.open("rb")
    except FileNotFoundError as error:
        raise Http404(gettext("The document is missing from storage.")) from error
    documents.document_download_record(agreement=agreement, user=request.user)
    kind = documents.document_kind(file)
    response = FileResponse(
        file,
        as_attachment=True,
        # The extension of what the file is, also for names stored before it was enforced.
        filename=documents.clean_name(agreement.document_name or "agreement", kind),
        content_type=kind.value if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document_upload(request, pk):
    agreement = get_object_or_404(_detail_queryset(), pk=pk)
    permissions.require_edit(request.user, agreement.partnership)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            documents.agreement_document_attach(
                agreement=agreement, upload=form.cleaned_data["document"]
            )
        except ValidationError as error:
            form.add_error("document", error)
        else:
            messages.success(request, gettext("The signed document is stored."))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    return _render_detail(request, agreement, document_form=form)


# --- superseding ------------------------------------------------------------------


@require_POST
def agreement_supersede(request, pk):
    """Mark this agreement superseded by one of the renewals that change it."""
    agreement = get_object_or_404(_detail_queryset(), pk=pk)
    permissions.require_edit(request.user, agreement.partnership)
    form = SupersedeForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            services.agreement_supersede(agreement=agreement, by=form.cleaned_data["by"])
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(
                request,
                gettext("“%(agreement)s” is marked superseded.") % {"agreement": agreement},
            )
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    return _render_detail(request, agreement, supersede_form=form)
