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
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from partnerships.models import Partner, Partnership

from . import charts, detail, exports_detail, pdf

COMPONENTS = (
    ("overall_score", "Overall"),
    ("outcomes_score", "Outcomes"),
    ("objectives_score", "Objectives"),
    ("health_score", "Relationship"),
    ("agreement_score", "Agreement"),
)


def _readable_partnership(user, pk) -> Partnership:
    if not user.has_perm("partnerships.view_partnership"):
        raise Http404
    return get_object_or_404(Partnership.objects.select_related("owner"), pk=pk)


def _readable_partner(user, pk) -> Partner:
    if not user.has_perm("partnerships.view_partner"):
        raise Http404
    return get_object_or_404(Partner, pk=pk)


def _number(value):
    return None if value is None else float(value)


def _period_label(card) -> str:
    label = f"{card.period_start:%b %Y}"
    return f"{label} (provisional)" if detail.is_provisional(card) else label


def _history_chart(cards):
    return charts.chart(
        "line",
        [_period_label(card) for card in cards],
        [
            {"label": label, "data": [_number(getattr(card, field)) for card in cards]}
            for field, label in COMPONENTS
        ],
        title="Scorecard history",
        links=[reverse("evaluation:scorecard", args=[card.pk]) for card in cards],
        suggested_max=100,
    )


def _metric_chart(metric):
    points = metric.trajectory
    datasets = [{"label": "Actual", "data": [_number(p.actual) for p in points]}]
    if metric.target_value is not None:
        datasets += [
            {"label": "Planned", "data": [_number(p.planned) for p in points]},
            {"label": "Target", "data": [float(metric.target_value)] * len(points)},
        ]
    return charts.chart(
        "line",
        [p.period.label for p in points],
        datasets,
        title=metric.name,
        unit=metric.unit,
    )


def _members_map(members):
    counts = {}
    for member in members:
        code = member.partner.country.code
        counts[code] = counts.get(code, 0) + 1
    return charts.world_map(
        counts,
        title="Where the members are",
        label="Members",
        links={
            member.partner.country.code: reverse("dashboards:partner", args=[member.partner_id])
            for member in members
        },
    )


@login_required
@require_safe
def partnership_dashboard(request, pk):
    partnership = _readable_partnership(request.user, pk)
    data = detail.partnership_dashboard(partnership, user=request.user, today=timezone.localdate())
    for metric in data["metrics"]:
        metric.chart = _metric_chart(metric)
        metric.chart_id = f"metric-chart-{metric.pk}"
    return render(
        request,
        "dashboards/partnership.html",
        data
        | {
            "partnership": partnership,
            "now": timezone.now(),
            "history_chart": _history_chart(data["scorecards"]),
            "members_map": _members_map(data["members"]),
            "sees_provisional": detail.sees_provisional(request.user),
        },
    )


@login_required
@require_safe
def partner_dashboard(request, pk):
    partner = _readable_partner(request.user, pk)
    data = detail.partner_dashboard(partner, user=request.user, today=timezone.localdate())
    periods = sorted({card.period_start for m in data["memberships"] for card in m.scorecards})
    relationship_chart = charts.chart(
        "line",
        [f"{period:%b %Y}" for period in periods],
        [
            {"label": m.partnership.title, "data": _scores_by_period(m.scorecards, periods)}
            for m in data["memberships"]
        ],
        title="Overall score of each partnership by period",
        suggested_max=100,
    )
    where = charts.world_map(
        {partner.country.code: 1}, title=f"Where {partner.name} is", label="Partner"
    )
    return render(
        request,
        "dashboards/partner.html",
        data
        | {
            "partner": partner,
            "now": timezone.now(),
            "relationship_chart": relationship_chart,
            "map": where,
            "sees_provisional": detail.sees_provisional(request.user),
        },
    )


def _scores_by_period(cards, periods):
    by_period = {card.period_start: card.overall_score for card in cards}
    return [_number(by_period.get(period)) for period in periods]


def _file_name(partnership, suffix):
    return f"{slugify(partnership.title) or 'partnership'}-{partnership.pk}{suffix}"


@login_required
@require_safe
def partnership_csv(request, pk):
    partnership = _readable_partnership(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(partnership, ".csv")}"'
    exports_detail.write_csv(response, partnership, user=request.user, today=timezone.localdate())
    return response


@login_required
@require_safe
def partnership_xlsx(request, pk):
    partnership = _readable_partnership(request.user, pk)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(partnership, ".xlsx")}"'
    exports_detail.write_xlsx(response, partnership, user=request.user, today=timezone.localdate())
    return response


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
        detail.visible_scorecards(request.user)
        .filter(partnership=partnership)
        .select_related("partnership", "reviewer", "policy")
        .order_by("-period_start")
        .first()
    )
    if card is None:
        # The button sits on pages that do not know whether there is one yet.
        approved = "" if detail.sees_provisional(request.user) else "approved "
        messages.info(request, f"{partnership.title} has no {approved}scorecard to print yet.")
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
        detail.visible_scorecards(request.user).select_related("partnership", "reviewer", "policy"),
        pk=pk,
    )
    return _pdf_response(card)
