"""Pages of the lifecycle app: the pipeline board, fit assessments, early
warnings, lessons and the portfolio view of factors.

Everyone who may view partnerships reads them all (as elsewhere in Accord);
each write asks `partnerships.permissions.require_edit` on the partnership
first, so only its owner and co-leads reach a form, never an executive.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.charts import chart
from core.forms import add_service_errors
from core.http import form_status
from core.queries import AnyOf
from partnerships import permissions
from partnerships.models import (
    STAGES_BY_FAMILY,
    Partnership,
    PartnershipMember,
    Stage,
    StageChange,
    StageFamily,
)

from . import factors, fit, rules, services
from .forms import (
    ConfirmWarningForm,
    DismissWarningForm,
    DropForm,
    FitAssessmentForm,
    LessonForm,
    MoveForm,
    NextStepForm,
    PipelineFilterForm,
)
from .models import EarlyWarning, FitAssessment, Lesson, LessonFactor, NextStep, WarningState
from .selectors import latest_factors

POTENTIAL = STAGES_BY_FAMILY[StageFamily.POTENTIAL]
ENDED = STAGES_BY_FAMILY[StageFamily.ENDED]
RECENTLY_DROPPED = 5

WARNINGS_PER_PAGE = 50
# The cards a column of the pipeline shows; the others are in the list by stage.
PIPELINE_CARDS = 50


def _members():
    return Prefetch(
        "members",
        queryset=PartnershipMember.objects.select_related("partner").order_by(
            "role", "partner__name"
        ),
    )


def _potential_or_404(pk) -> Partnership:
    return get_object_or_404(Partnership.objects.filter(stage__in=POTENTIAL), pk=pk)


# --- the pipeline ---------------------------------------------------------------


@permission_required("partnerships.view_partnership", raise_exception=True)
def pipeline_board(request):
    filters = PipelineFilterForm(request.GET or None)
    owner = filters.cleaned_data["owner"] if filters.is_valid() else None
    entered_stage = StageChange.objects.filter(
        partnership=OuterRef("pk"), to_stage=OuterRef("stage")
    ).order_by("-changed_at")
    potential = Partnership.objects.filter(stage__in=POTENTIAL)
    dropped = (
        Partnership.objects.filter(stage=Stage.WITHDRAWN)
        .select_related("owner")
        .annotate(drop_reason=Subquery(entered_stage.values("reason")[:1]))
        .order_by("-end_date", "-pk")
    )
    if owner is not None:
        potential = potential.filter(owner=owner)
        dropped = dropped.filter(owner=owner)
    counts = dict(
        potential.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    # Each column's first PIPELINE_CARDS, the next step due soonest first: the
    # page keeps its size however many prospects there are.
    soonest_first = [F("next_step__due_on").asc(nulls_last=True), F("title").asc(), F("pk").asc()]
    partnerships = list(
        potential.select_related("owner", "next_step")
        .annotate(
            place=Window(RowNumber(), partition_by=F("stage"), order_by=soonest_first),
            entered_stage_at=Subquery(entered_stage.values("changed_at")[:1]),
        )
        .filter(place__lte=PIPELINE_CARDS)
        .prefetch_related(_members())
        .order_by(*soonest_first)
    )
    today = timezone.localdate()
    editable = set(
        permissions.editable_partnerships(request.user)
        .filter(AnyOf(F("pk"), [partnership.pk for partnership in partnerships]))
        .values_list("pk", flat=True)
    )
    by_stage = {stage: [] for stage in POTENTIAL}
    for partnership in partnerships:
        since = partnership.entered_stage_at or partnership.created_at
        partnership.days_in_stage = (today - timezone.localdate(since)).days
        partnership.can_move = partnership.pk in editable
        by_stage[partnership.stage].append(partnership)
    columns = [(Stage(stage), by_stage[stage], counts.get(stage, 0)) for stage in POTENTIAL]
    return render(
        request,
        "lifecycle/pipeline.html",
        {
            "filters": filters,
            "columns": columns,
            "dropped": list(dropped[:RECENTLY_DROPPED]),
            "today": today,
            "move_form": MoveForm(),
        },
    )


def _card_page(request, partnership, *, next_step_form=None, move_form=None, drop_form=None):
    step = NextStep.objects.filter(partnership=partnership).first()
    bound = any(form is not None for form in (next_step_form, move_form, drop_form))
    # The stage the card shows: a move or drop made on it refuses to overwrite a later one.
    shown = {"expected_stage": partnership.stage}
    return render(
        request,
        "lifecycle/pipeline_card.html",
        {
            "partnership": partnership,
            "next_step_form": next_step_form or NextStepForm(instance=step),
            "move_form": move_form or MoveForm(initial={"stage": partnership.stage} | shown),
            "drop_form": drop_form or DropForm(initial=shown),
        },
        status=form_status(request, refused=bound),
    )


@require_http_methods(["GET"])
def pipeline_card(request, pk):
    partnership = _potential_or_404(pk)
    permissions.require_edit(request.user, partnership)
    return _card_page(request, partnership)


def _card_action(request, pk, make_form, slot: str, act):
    """A form on a pipeline card: GET shows the card; a POST binds
    `make_form(data, partnership)` and, valid, calls `act(partnership, form)`
    (the service), which returns the message to show on the board; a refused
    one shows the card again with the form's errors next to their fields."""
    if request.method == "GET":
        partnership = _potential_or_404(pk)
        permissions.require_edit(request.user, partnership)
        return _card_page(request, partnership)
    # At any stage: a card posted after someone moved it off the pipeline is
    # refused by the service, saying where it is now, rather than not found.
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    form = make_form(request.POST, partnership)
    if form.is_valid():
        try:
            message = act(partnership, form)
        except ValidationError as error:
            add_service_errors(error, form)
            partnership.refresh_from_db()  # the card says where it is now
        else:
            messages.success(request, message)
            return redirect("lifecycle:pipeline")
    return _card_page(request, partnership, **{slot: form})


@require_http_methods(["GET", "POST"])
def next_step_edit(request, pk):
    def act(partnership, form):
        services.next_step_set(
            partnership=partnership,
            by=request.user,
            expected_version=form.expected_version,
            **form.edited_data,
        )
        return _("Next step of “%(partnership)s” saved.") % {"partnership": partnership}

    def make_form(data, partnership):
        step = NextStep.objects.filter(partnership=partnership).first()
        return NextStepForm(data, instance=step)

    return _card_action(request, pk, make_form, "next_step_form", act)


@require_http_methods(["GET", "POST"])
def pipeline_move(request, pk):
    def act(partnership, form):
        change = services.pipeline_move(
            partnership=partnership, by=request.user, **form.cleaned_data
        )
        return _("“%(partnership)s” moved to %(stage)s.") % {
            "partnership": partnership,
            "stage": change.get_to_stage_display(),
        }

    return _card_action(request, pk, lambda data, _: MoveForm(data), "move_form", act)


@require_http_methods(["GET", "POST"])
def pipeline_drop(request, pk):
    def act(partnership, form):
        services.pipeline_drop(
            partnership=partnership,
            by=request.user,
            today=timezone.localdate(),
            **form.cleaned_data,
        )
        return _("“%(partnership)s” is dropped; the reason is kept.") % {"partnership": partnership}

    return _card_action(request, pk, lambda data, _: DropForm(data), "drop_form", act)


# --- fit assessment -------------------------------------------------------------


@permission_required("partnerships.view_partnership", raise_exception=True)
def fit_detail(request, pk):
    partnership = get_object_or_404(
        Partnership.objects.select_related("owner").prefetch_related(_members()), pk=pk
    )
    assessments = list(
        FitAssessment.objects.filter(partnership=partnership).select_related("assessed_by")
    )
    return render(
        request,
        "lifecycle/fit.html",
        {
            "partnership": partnership,
            "facts": fit.facts(partnership, today=timezone.localdate(), reader=request.user),
            "latest": assessments[0] if assessments else None,
            "earlier": assessments[1:],
            "can_assess": partnership.stage in POTENTIAL
            and permissions.can_edit(request.user, partnership),
        },
    )


@require_http_methods(["GET", "POST"])
def fit_new(request, pk):
    partnership = _potential_or_404(pk)
    permissions.require_edit(request.user, partnership)
    form = FitAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fit_assessment_record(
                partnership=partnership,
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Fit assessment kept with the partnership."))
            return redirect("lifecycle:fit", pk=partnership.pk)
    return render(
        request,
        "lifecycle/fit_form.html",
        {
            "partnership": partnership,
            "form": form,
            "facts": fit.facts(partnership, today=timezone.localdate(), reader=request.user),
        },
        status=form_status(request),
    )


# --- early warning --------------------------------------------------------------


@permission_required("partnerships.view_partnership", raise_exception=True)
def warning_list(request):
    leads_any = permissions.editable_partnerships(request.user).exists()
    # A manager starts with the warnings on their own partnerships; anyone may see all.
    scope = request.GET.get("scope") or ("mine" if leads_any else "all")
    warnings = (
        EarlyWarning.objects.open().visible_to(request.user).select_related("partnership__owner")
    )
    if scope == "mine":
        warnings = warnings.filter(partnership__in=Partnership.objects.led_by(request.user))
    page = Paginator(warnings.order_by("-raised_on", "-pk"), WARNINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "lifecycle/warnings.html",
        {
            "warnings": [_named(warning) for warning in page],
            "page": page,
            "scope": scope,
            "query": urlencode({"scope": scope}),
        },
    )


def _named(warning: EarlyWarning) -> EarlyWarning:
    warning.named_signals = [
        (rules.SIGNAL_NAMES.get(signal["code"], signal["code"]), rules.evidence_text(signal))
        for signal in warning.signals
    ]
    return warning


def _warning_page(request, warning, *, confirm_form=None, dismiss_form=None):
    can_decide = warning.state == WarningState.OPEN and permissions.can_edit(
        request.user, warning.partnership
    )
    bound = confirm_form is not None or dismiss_form is not None
    return render(
        request,
        "lifecycle/warning.html",
        {
            "warning": _named(warning),
            "can_decide": can_decide,
            "confirm_form": (confirm_form or ConfirmWarningForm()) if can_decide else None,
            "dismiss_form": (dismiss_form or DismissWarningForm()) if can_decide else None,
        },
        status=form_status(request, refused=bound),
    )


def _warning_or_404(request, pk) -> EarlyWarning:
    return get_object_or_404(
        EarlyWarning.objects.visible_to(request.user)
        .select_related("partnership__owner", "decided_by")
        .prefetch_related("factors"),
        pk=pk,
    )


@permission_required("partnerships.view_partnership", raise_exception=True)
def warning_detail(request, pk):
    return _warning_page(request, _warning_or_404(request, pk))


@require_POST
def warning_confirm(request, pk):
    warning = _warning_or_404(request, pk)
    permissions.require_edit(request.user, warning.partnership)
    form = ConfirmWarningForm(request.POST)
    if form.is_valid():
        try:
            services.early_warning_confirm(
                warning=warning, by=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(
                request,
                _("“%(partnership)s” is now struggling.") % {"partnership": warning.partnership},
            )
            return redirect("lifecycle:warning_detail", pk=warning.pk)
    return _warning_page(request, warning, confirm_form=form)


@require_POST
def warning_dismiss(request, pk):
    warning = _warning_or_404(request, pk)
    permissions.require_edit(request.user, warning.partnership)
    form = DismissWarningForm(request.POST)
    if form.is_valid():
        try:
            services.early_warning_dismiss(warning=warning, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Warning dismissed; the reason is kept."))
            return redirect("lifecycle:warning_detail", pk=warning.pk)
    return _warning_page(request, warning, dismiss_form=form)


# --- lessons --------------------------------------------------------------------


@permission_required("partnerships.view_partnership", raise_exception=True)
def lesson_detail(request, pk):
    partnership = get_object_or_404(Partnership.objects.select_related("owner"), pk=pk)
    lesson = (
        Lesson.objects.filter(partnership=partnership)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("factors", queryset=LessonFactor.objects.select_related("factor"))
        )
        .first()
    )
    return render(
        request,
        "lifecycle/lessons.html",
        {
            "partnership": partnership,
            "lesson": lesson,
            "can_record": lesson is None
            and partnership.stage in ENDED
            and permissions.can_edit(request.user, partnership),
        },
    )


@require_http_methods(["GET", "POST"])
def lesson_record(request, pk):
    partnership = get_object_or_404(Partnership.objects.filter(stage__in=ENDED), pk=pk)
    permissions.require_edit(request.user, partnership)
    if request.method != "POST" and Lesson.objects.filter(partnership=partnership).exists():
        # Recorded already (a stale link): read them. A form sent meanwhile
        # from another tab is refused by the service, with what was typed kept.
        return redirect("lifecycle:lessons", pk=partnership.pk)
    form = LessonForm(request.POST or None, factors=latest_factors())
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_record(
                partnership=partnership,
                by=request.user,
                summary=form.cleaned_data["summary"],
                entries=form.entries(),
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(
                request,
                _("The lessons of “%(partnership)s” are recorded.") % {"partnership": partnership},
            )
            return redirect("lifecycle:lessons", pk=partnership.pk)
    return render(
        request,
        "lifecycle/lesson_form.html",
        {"partnership": partnership, "form": form},
        status=form_status(request),
    )


# --- the portfolio view of factors ----------------------------------------------


def _factor_filters(request):
    dimension = request.GET.get("dimension")
    if dimension not in dict(factors.Dimension.choices):
        dimension = factors.Dimension.GROUP
    effect = request.GET.get("effect")
    if effect not in ("hindered", "helped"):
        effect = "hindered"
    known = dict(factors.Source.choices)
    sources = [source for source in request.GET.getlist("source") if source in known]
    return dimension, effect, sources


@permission_required("partnerships.view_partnership", raise_exception=True)
def factor_view(request):
    dimension, effect, sources = _factor_filters(request)
    columns, behind = factors.counts(dimension=dimension, effect=effect, sources=sources)
    base = {"dimension": dimension, "effect": effect}
    if sources:
        base["source"] = sources
    rows, links = [], []
    for code, name in factors.factor_names():
        cells = []
        for column, _label in columns:
            count = len(behind[code][column])
            query = urlencode({**base, "factor": code, "column": column}, doseq=True)
            url = f"{reverse('lifecycle:factor_partnerships')}?{query}" if count else ""
            cells.append((count, url))
        total = len(set().union(*behind[code].values()))
        rows.append((code, name, cells, total))
        query = urlencode({**base, "factor": code}, doseq=True)
        links.append(f"{reverse('lifecycle:factor_partnerships')}?{query}" if total else None)
    by = dict(factors.Dimension.choices)[dimension]
    title = (
        _("Partnerships where each success factor recurs, by %(by)s")
        if effect == "helped"
        else _("Partnerships where each negative factor recurs, by %(by)s")
    ) % {"by": str(by).lower()}
    spec = chart(
        "horizontal-bar",
        [name for _, name, _, _ in rows],
        [
            {"label": label, "data": [cells[n][0] for _, _, cells, _ in rows]}
            for n, (_, label) in enumerate(columns)
        ],
        title=title,
        links=links,
        unit=_("partnerships"),
        stacked=True,
    )
    return render(
        request,
        "lifecycle/factors.html",
        {
            "columns": columns,
            "rows": rows,
            "dimension": dimension,
            "effect": effect,
            "sources": sources,
            "dimensions": factors.Dimension.choices,
            "source_choices": factors.Source.choices,
            "chart": spec,
        },
    )


@permission_required("partnerships.view_partnership", raise_exception=True)
def factor_partnerships(request):
    """The partnerships behind one count of the factor view."""
    dimension, effect, sources = _factor_filters(request)
    code = request.GET.get("factor", "")
    column = request.GET.get("column", "")
    columns, behind = factors.counts(dimension=dimension, effect=effect, sources=sources)
    names = dict(factors.factor_names())
    if code not in names or (column and column not in dict(columns)):
        raise Http404("No such count.")
    # Without a column: every partnership behind the factor (a bar of the chart).
    ids = behind[code][column] if column else set().union(*behind[code].values())
    partnerships = Partnership.objects.filter(pk__in=ids).select_related("owner").order_by("title")
    return render(
        request,
        "lifecycle/factor_partnerships.html",
        {
            "partnerships": partnerships,
            "factor": names[code],
            "column": dict(columns).get(column, "all"),
            "effect": effect,
            "back": f"{reverse('lifecycle:factors')}?{request.GET.urlencode()}",
        },
    )
