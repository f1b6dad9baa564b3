"""The partner and partnership dashboards, the partnership exports and the
scorecard PDF.

Everyone who may read partnerships reads these; anyone else gets a 404, as
for a record that does not exist. Nothing here writes, so nothing here takes
a POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import spreadsheets
from evaluation.models import Scorecard, sees_provisional
from partnerships.models import Partner, Partnership

from . import detail, exports_detail, exports_partner, pdf


def _readable_partnership(user, pk) -> Partnership:
    if not user.has_perm("partnerships.view_partnership"):
        raise Http404
    return get_object_or_404(Partnership.objects.select_related("owner"), pk=pk)


def _readable_partner(user, pk) -> Partner:
    if not user.has_perm("partnerships.view_partner"):
        raise Http404
    return get_object_or_404(Partner, pk=pk)


@login_required
@require_safe
def partnership_dashboard(request, pk):
    partnership = _readable_partnership(request.user, pk)
    data = detail.partnership_dashboard(partnership, user=request.user, today=timezone.localdate())
    return render(
        request,
        "dashboards/partnership.html",
        data
        | detail.partnership_charts(data)
        | {
            "partnership": partnership,
            "now": timezone.now(),
            "sees_provisional": sees_provisional(request.user),
        },
    )


@login_required
@require_safe
def partner_dashboard(request, pk):
    partner = _readable_partner(request.user, pk)
    data = detail.partner_dashboard(partner, user=request.user, today=timezone.localdate())
    return render(
        request,
        "dashboards/partner.html",
        data
        | detail.partner_charts(partner, data)
        | {
            "partner": partner,
            "now": timezone.now(),
            "sees_provisional": sees_provisional(request.user),
        },
    )


def _file_name(partnership, suffix):
    return f"{slugify(partnership.title) or 'partnership'}-{partnership.pk}{suffix}"


def _download(user, record, name: str, write, content_type: str) -> HttpResponse:
    """A dashboard's file, written for `user` by its exporter (`write`)."""
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write(response, record, user=user, today=timezone.localdate())
    return response


@login_required
@require_safe
def partnership_csv(request, pk):
    partnership = _readable_partnership(request.user, pk)
    name = _file_name(partnership, ".csv")
    return _download(request.user, partnership, name, exports_detail.write_csv, spreadsheets.CSV)


@login_required
@require_safe
def partnership_xlsx(request, pk):
    partnership = _readable_partnership(request.user, pk)
    name = _file_name(partnership, ".xlsx")
    return _download(request.user, partnership, name, exports_detail.write_xlsx, spreadsheets.XLSX)


def _partner_file_name(partner, suffix):
    return f"{slugify(partner.name) or 'partner'}-{partner.pk}{suffix}"


@login_required
@require_safe
def partner_csv(request, pk):
    """The partner dashboard as CSV, for whoever may read the dashboard."""
    partner = _readable_partner(request.user, pk)
    name = _partner_file_name(partner, ".csv")
    return _download(request.user, partner, name, exports_partner.write_csv, spreadsheets.CSV)


@login_required
@require_safe
def partner_xlsx(request, pk):
    partner = _readable_partner(request.user, pk)
    name = _partner_file_name(partner, ".xlsx")
    return _download(request.user, partner, name, exports_partner.write_xlsx, spreadsheets.XLSX)


def _pdf_response(card):
    response = HttpResponse(pdf.scorecard_pdf(card), content_type="application/pdf")
    name = _file_name(card.partnership, f"-{card.period_start:%Y-%m}.pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_safe
def partnership_scorecard_pdf(request, pk):
    """The latest scorecard the user may read, as one page for a board pack."""
    partnership = _readable_partnership(request.user, pk)
    card = (
        Scorecard.objects.visible_to(request.user)
        .filter(partnership=partnership)
        .select_related("partnership", "reviewer", "policy")
        .order_by("-period_start")
        .first()
    )
    if card is None:
        # The button sits on pages that do not know whether there is one yet.
        message = (
            _("%(title)s has no scorecard to print yet.")
            if sees_provisional(request.user)
            else _("%(title)s has no approved scorecard to print yet.")
        )
        messages.info(request, message % {"title": partnership.title})
        return redirect("dashboards:partnership", pk=partnership.pk)
    return _pdf_response(card)


@login_required
@require_safe
def scorecard_pdf(request, pk):
    """A chosen scorecard as one page; an executive asking for one not yet
    approved meets a 404, as on every page."""
    if not request.user.has_perm("partnerships.view_partnership"):
        raise Http404
    card = get_object_or_404(
        Scorecard.objects.visible_to(request.user).select_related(
            "partnership", "reviewer", "policy"
        ),
        pk=pk,
    )
    return _pdf_response(card)
