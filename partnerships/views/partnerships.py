"""Partnership pages: the board by stage, the partnership page with its
objectives and metrics, create and edit, stage changes and the measurement grid.

Everyone signed in reads; a change needs `permissions.require_edit` (the owner
or a co-lead, never an executive or a reviewer), checked in each view that
writes, whatever the page showed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from audit.history import object_history
from core.formatting import typed_number
from core.forms import add_service_errors
from core.http import form_status
from core.numbers import percent_text, plain_int, whole_percent
from core.versioning import StaleVersion

from .. import permissions, services
from ..forms_partnerships import (
    LeadFormSet,
    MeasurementCellForm,
    MeasurementPagesForm,
    MemberFormSet,
    MetricForm,
    ObjectiveForm,
    PartnershipForm,
    StageChangeForm,
)
from ..models import (
    STAGES_BY_FAMILY,
    Benefit,
    Measurement,
    Objective,
    OutcomeMetric,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    StageChange,
)
from ..periods import Frequency, Period, last_closed_period, periods_between
from ..progress import actual_value, progress_of

GRID_PERIODS = 6
HISTORY_SHOWN = 20

# The cards a column of the board shows; the others are a click away in the list.
BOARD_CARDS = 50


# --- reading --------------------------------------------------------------------


@permission_required("partnerships.view_partnership", raise_exception=True)
def partnership_board(request):
    """Each stage's column: how many partnerships are in it, and the first
    BOARD_CARDS of them by title as cards (the column links to the list of all
    of them). Two queries, and a page of the same size however large the
    portfolio."""
    counts = dict(
        Partnership.objects.order_by()
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    by_stage = {}
    for partnership in (
        Partnership.objects.select_related("owner")
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("stage"), order_by=[F("title").asc(), F("pk").asc()]
            )
        )
        .filter(place__lte=BOARD_CARDS)
        .order_by("title", "pk")
    ):
        by_stage.setdefault(partnership.stage, []).append(partnership)
    families = [
        (family, [(stage, by_stage.get(stage, []), counts.get(stage, 0)) for stage in stages])
        for family, stages in STAGES_BY_FAMILY.items()
    ]
    return render(request, "partnerships/partnerships/board.html", {"families": families})


def _metrics_with_latest():
    return OutcomeMetric.objects.with_measured(until=timezone.localdate()).order_by("name")


def _with_progress(metric):
    """Where the metric stands (`actual`: its latest value, or its baseline plus
    what was added since) and its progress to target in whole percent."""
    metric.actual = actual_value(
        aggregation=metric.aggregation,
        baseline=metric.baseline_value,
        total=metric.total,
        latest=metric.latest,
    )
    fraction = progress_of(
        aggregation=metric.aggregation,
        baseline=metric.baseline_value,
        target=metric.target_value,
        total=metric.total,
        latest=metric.latest,
    )
    metric.progress = whole_percent(fraction)
    metric.progress_text = percent_text(fraction)
    metric.bar = None if fraction is None else max(0, min(100, metric.progress))
    return metric


@permission_required("partnerships.view_partnership", raise_exception=True)
def partnership_detail(request, pk, objective_form=None, metric_form=None):
    partnership = get_object_or_404(
        Partnership.objects.select_related("owner").prefetch_related(
            Prefetch(
                "members",
                queryset=PartnershipMember.objects.select_related("partner").order_by(
                    "role", "partner__name"
                ),
            ),
            Prefetch("leads", queryset=PartnershipLead.objects.select_related("user")),
            "agreements",
            Prefetch(
                "objectives",
                queryset=Objective.objects.select_related("owner").prefetch_related(
                    Prefetch("metrics", queryset=_metrics_with_latest())
                ),
            ),
            Prefetch(
                "stage_changes",
                queryset=StageChange.objects.select_related("changed_by").order_by("-changed_at"),
            ),
        ),
        pk=pk,
    )
    can_edit = permissions.can_edit(request.user, partnership)
    objectives = list(partnership.objectives.all())
    for objective in objectives:
        objective.metric_rows = [_with_progress(metric) for metric in objective.metrics.all()]
        if can_edit:
            bound = metric_form is not None and metric_form.objective.pk == objective.pk
            objective.metric_form = metric_form if bound else MetricForm(objective=objective)
    context = {
        "partnership": partnership,
        "can_edit": can_edit,
        "objectives": objectives,
        "benefits": [Benefit(value).label for value in partnership.benefits_sought],
        "history": object_history(partnership, limit=HISTORY_SHOWN),
        "objective_form": objective_form or (ObjectiveForm() if can_edit else None),
    }
    refused = objective_form is not None or metric_form is not None
    return render(
        request,
        "partnerships/partnerships/detail.html",
        context,
        status=form_status(request, refused=refused),
    )


# --- writing --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def partnership_create(request):
    permissions.require_create(request.user)
    form = PartnershipForm(request.POST or None)
    members = MemberFormSet(request.POST or None, prefix="members")
    leads = LeadFormSet(request.POST or None, prefix="leads")
    if request.method == "POST":
        # Every part is checked, so that all that is wrong is said at once.
        valid = all([form.is_valid(), members.is_valid(), leads.is_valid()])
        member_rows = (
            [f for f in members if f.cleaned_data.get("partner")] if members.is_valid() else []
        )
        lead_rows = [f for f in leads if f.cleaned_data.get("user")] if leads.is_valid() else []
        # With no member chosen, an error about the members goes under the first row.
        rows = {"members": member_rows or members.forms[:1], "leads": lead_rows}
        try:
            if valid:
                partnership = services.partnership_create(
                    # The owner is whoever creates it, whatever the POST says.
                    owner=request.user,
                    members=[services.Member(**f.cleaned_data) for f in member_rows],
                    leads=[services.Lead(**f.cleaned_data) for f in lead_rows],
                    **form.edited_data,
                )
                messages.success(
                    request, gettext("“%(partnership)s” is created.") % {"partnership": partnership}
                )
                return redirect("partnerships:partnership_detail", pk=partnership.pk)
            if members.is_valid():
                # Refused anyway: say now too, not on the next try, that no partner is chosen.
                services.require_members(member_rows)
        except ValidationError as error:
            add_service_errors(error, form, rows)
    return render(
        request,
        "partnerships/partnerships/form.html",
        {"form": form, "members": members, "leads": leads, "partnership": None},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def partnership_edit(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    # The form has no owner or stage field: a forged POST naming them is ignored.
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                partnership=partnership,
                expected_version=form.expected_version,
                **form.edited_data,
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, gettext("Saved."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/partnerships/form.html",
        {"form": form, "partnership": partnership},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def partnership_stage(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    form = StageChangeForm(
        request.POST or None,
        initial={"stage": partnership.stage, "expected_stage": partnership.stage},
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.partnership_change_stage(
                partnership=partnership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(error, form)
            partnership.refresh_from_db()  # the page says where it is now
        else:
            messages.success(
                request, gettext("Moved to “%(stage)s”.") % {"stage": change.get_to_stage_display()}
            )
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/partnerships/stage.html",
        {"form": form, "partnership": partnership},
        status=form_status(request),
    )


@require_POST
def objective_create(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    form = ObjectiveForm(request.POST)
    if form.is_valid():
        try:
            services.objective_create(
                partnership=partnership, owner=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, gettext("Objective added."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return partnership_detail(request, pk, objective_form=form)


@require_POST
def metric_create(request, pk, oid):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    # Scoped to the partnership just checked: another partnership's objective is a 404.
    objective = get_object_or_404(Objective, pk=oid, partnership=partnership)
    form = MetricForm(request.POST, objective=objective)
    if form.is_valid():
        try:
            services.metric_create(objective=objective, owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, gettext("Metric added."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return partnership_detail(request, pk, metric_form=form)


# --- the measurement grid -------------------------------------------------------


def _shown(value) -> str:
    """A value as a person would type it: 12.5 rather than 12.5000, 20 rather than
    2E+1, with the reader's decimal mark (12,5 in French), as the cell reads it."""
    return "" if value is None else typed_number(value)


def _first_periods(partnership, metrics) -> dict[str, Period]:
    """The first period each frequency's grid can show: the partnership's start,
    or without one the earliest baseline or recorded value of its metrics of
    that frequency: any value recorded (the API and files take any period of a
    partnership with no start) is on some page, to be read, corrected or cleared."""
    if partnership.start_date:
        return {
            metric.frequency: Period.containing(partnership.start_date, metric.frequency)
            for metric in metrics
        }
    days = defaultdict(list)
    for metric in metrics:
        if metric.baseline_date:
            days[metric.frequency].append(metric.baseline_date)
    recorded = (
        Measurement.objects.filter(metric__in=metrics)
        .values_list("metric__frequency")
        .annotate(first=Min("period_start"))
        .order_by()
    )
    for frequency, first in recorded:
        days[frequency].append(first)
    return {
        frequency: Period.containing(min(found), frequency) for frequency, found in days.items()
    }


def _last_periods(partnership, metrics, today) -> dict[str, Period]:
    """The last period each frequency's grid can show: the last closed one, or,
    for a partnership that has ended, the one its end date falls in (a later
    one cannot be recorded, `periods.unrecordable`). A value recorded later,
    before that rule, still has its page, to be read and cleared."""
    lasts = {frequency.value: last_closed_period(today, frequency) for frequency in Frequency}
    if not partnership.end_date:
        return lasts
    recorded = dict(
        Measurement.objects.filter(metric__in=metrics)
        .values_list("metric__frequency")
        .annotate(latest=Max("period_start"))
        .order_by()
    )
    for frequency, last in lasts.items():
        ending = Period.containing(partnership.end_date, frequency)
        if frequency in recorded:
            ending = max(ending, Period.containing(recorded[frequency], frequency))
        lasts[frequency] = min(last, ending)
    return lasts


def _step(period: Period, count: int, bound: Period | None) -> Period:
    """`count` periods later (earlier when negative), stopping at `bound`."""
    for _ in range(abs(count)):
        if period == bound:
            break
        period = period.next() if count > 0 else period.previous()
    return period


def _page(first: Period | None, last: Period, until) -> list[Period]:
    """GRID_PERIODS periods ending at `until` (the last closed one when not
    given), kept between the first period and the last closed one."""
    if first is not None and first > last:
        return []  # the partnership started in a period still running
    end = last if until is None else min(Period.containing(until, last.frequency), last)
    if first is not None:
        # The earliest page is as wide as the others.
        end = max(end, _step(first, GRID_PERIODS - 1, last))
    return periods_between(_step(end, -(GRID_PERIODS - 1), first), end)


def _page_url(query, frequency: str, until: Period | None) -> str:
    """The page's own address with one grid moved, the other parameters kept."""
    query = query.copy()
    if until is None:
        query.pop(frequency, None)
    else:
        query[frequency] = until.start.isoformat()
    return f"?{query.urlencode()}"


@permission_required("partnerships.view_partnership", raise_exception=True)
def measurement_grid(request, pk):
    """One grid per reporting frequency: a row per active metric, a column per
    period, so every cell is a period the metric really reports. Each grid
    shows GRID_PERIODS periods and pages back to the partnership's start."""
    partnership = get_object_or_404(Partnership, pk=pk)
    return _grid_page(request, partnership)


def _grid_page(request, partnership, *, refused: dict | None = None):
    """The grid page; with `refused`, a cell a save without JavaScript could not
    store, shown in its place with why and what was typed (or above the grid
    when its period is not on the page), answered 400."""
    can_edit = permissions.can_edit(request.user, partnership)
    metrics = list(
        OutcomeMetric.objects.filter(objective__partnership=partnership, is_active=True)
        .select_related("objective")
        .order_by("objective__title", "name")
    )
    pages = MeasurementPagesForm(request.GET)
    today = timezone.localdate()
    grids = []
    firsts = _first_periods(partnership, metrics)
    lasts = _last_periods(partnership, metrics, today)
    for frequency in Frequency:
        if not any(metric.frequency == frequency for metric in metrics):
            continue
        first = firsts.get(frequency)
        last = lasts[frequency]
        periods = _page(first, last, pages.until(frequency))
        earlier = later = None
        if periods and (first is None or periods[0] > first):
            earlier = _page_url(request.GET, frequency, periods[0].previous())
        if periods and periods[-1] < last:
            following = _step(periods[-1], GRID_PERIODS, last)
            later = _page_url(request.GET, frequency, None if following == last else following)
        grids.append(
            {
                "frequency": frequency,
                "periods": periods,
                "earlier_url": earlier,
                "later_url": later,
                "metrics": [metric for metric in metrics if metric.frequency == frequency],
            }
        )
    shown = [period.start for grid in grids for period in grid["periods"]]
    stored = {
        (m.metric_id, m.period_start): m
        for m in Measurement.objects.filter(
            metric__in=metrics,
            period_start__gte=min(shown, default=today),
            period_start__lte=max(shown, default=today),
        )
    }
    for grid in grids:
        grid["rows"] = [
            (
                metric,
                [
                    _cell(metric, period.start, stored.get((metric.pk, period.start)))
                    for period in grid["periods"]
                ],
            )
            for metric in grid.pop("metrics")
        ]
    refused_elsewhere = None
    if refused is not None:
        key = (refused["metric"].pk, refused["period_start"])
        place = next(
            (
                (cells, index)
                for grid in grids
                for metric, cells in grid["rows"]
                for index, cell in enumerate(cells)
                if (metric.pk, cell["period_start"]) == key
            ),
            None,
        )
        if place is None:
            refused_elsewhere = refused
        else:
            cells, index = place
            cells[index] = cells[index] | refused
    return render(
        request,
        "partnerships/partnerships/measurements.html",
        {
            "partnership": partnership,
            "grids": grids,
            "can_edit": can_edit,
            "refused_elsewhere": refused_elsewhere,
        },
        status=400 if refused is not None else 200,
    )


def _cell(metric, period_start, measurement) -> dict:
    """A cell as stored: its value, and the version a save from it is made on."""
    value = measurement.value if measurement is not None else None
    return {
        "metric": metric,
        "period_start": period_start.isoformat(),
        "period_label": Period(period_start, metric.frequency).label,
        "value": value,
        "text": _shown(value),
        "version": measurement.version if measurement is not None else 0,
    }


def _period_label(metric, text: str) -> str:
    """The period a cell posted names, as its column's heading does ("T3 2025");
    a day that starts none, or no day, as it was sent."""
    try:
        return Period(dt.date.fromisoformat(text), metric.frequency).label
    except ValueError:
        return text


def _stale_cell(error: StaleVersion, cell: dict) -> dict:
    """Someone else changed the cell since the grid was shown: say to what, keep
    what was typed, and move the cell to the current version so that saving
    again replaces their value."""
    now = error.current
    said = f"“{_shown(now.value)}”" if now is not None else gettext("empty")
    return cell | {
        "error": gettext(
            "Someone else changed this value to %(value)s since you opened the grid. "
            "Save again to replace it with yours."
        )
        % {"value": said},
        "version": now.version if now is not None else 0,
    }


@transaction.atomic
@require_POST
def measurement_save(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    form = MeasurementCellForm(request.POST)
    metric_id = plain_int(form.data.get("metric"))
    if metric_id is None:
        raise Http404
    metric = get_object_or_404(
        OutcomeMetric, pk=metric_id, objective__partnership=partnership, is_active=True
    )
    cell = {
        "metric": metric,
        "text": form.data.get("value", ""),
        "version": form.data.get("version", ""),
    }
    if form.is_valid() and form.cleaned_data["value"] is None:
        try:
            services.measurement_clear(
                metric=metric,
                period_start=form.cleaned_data["period_start"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            cell = _stale_cell(error, cell)
        else:
            if not request.headers.get("HX-Request"):
                return redirect("partnerships:measurement_grid", pk=partnership.pk)
            cell |= {"value": None, "cleared": True, "text": "", "version": 0}
    elif form.is_valid():
        try:
            measurement, _ = services.measurement_save(
                metric=metric,
                period_start=form.cleaned_data["period_start"],
                value=form.cleaned_data["value"],
                entered_by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            cell = _stale_cell(error, cell)
        except ValidationError as error:
            cell["error"] = " ".join(error.messages)
        else:
            if not request.headers.get("HX-Request"):
                return redirect("partnerships:measurement_grid", pk=partnership.pk)
            cell |= {
                "value": measurement.value,
                "saved": True,
                "text": _shown(measurement.value),
                "version": measurement.version,
            }
    else:
        cell["error"] = " ".join(message for errors in form.errors.values() for message in errors)
    cell["period_start"] = form.data.get("period_start", "")
    cell["period_label"] = _period_label(metric, cell["period_start"])
    if cell.get("error") and not request.headers.get("HX-Request"):
        # A browser without JavaScript posted the cell's own form: the whole
        # grid again, the cell with its error, not a table cell alone.
        return _grid_page(request, partnership, refused=cell)
    return render(
        request,
        "partnerships/partnerships/_measurement_cell.html",
        {"cell": cell, "partnership": partnership, "can_edit": True},
        status=form_status(request, refused=bool(cell.get("error"))),
    )
