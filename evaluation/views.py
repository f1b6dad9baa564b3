from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from core import formatting
from core.forms import add_service_errors
from core.http import form_status
from core.queries import holds
from ops.outbox import broker_reachable
from partnerships.models import Partnership

from . import review, selectors, services, tasks
from .codes import skip_text
from .forms import OverrideForm, PolicyForm, QueueFilterForm, ReturnForm, RunStartForm
from .models import AssessmentRun, ReviewState, RunTrigger, Scorecard, ScoringPolicy


@permission_required("evaluation.view_assessmentrun", raise_exception=True)
@require_http_methods(["GET", "POST"])
def runs(request):
    """The assessment runs, newest first, and "run now" for reviewers."""
    can_start = request.user.has_perm("evaluation.add_assessmentrun")
    form = RunStartForm(request.POST or None)
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        if form.is_valid():
            try:
                run = tasks.start_assessment(
                    period_start=form.cleaned_data["period_start"],
                    trigger=RunTrigger.MANUAL,
                    started_by=request.user,
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                if broker_reachable():
                    messages.success(
                        request,
                        gettext("The assessment of %(month)s has started.")
                        % {"month": formatting.month(run.period_start)},
                    )
                else:
                    # Its work waits in the outbox and is sent when the queue is back.
                    messages.warning(
                        request,
                        gettext(
                            "The assessment of %(month)s is saved, but the "
                            "workers' queue cannot be reached right now: it will start by "
                            "itself as soon as the queue is back. Nothing needs doing."
                        )
                        % {"month": formatting.month(run.period_start)},
                    )
                return redirect("evaluation:run", pk=run.pk)
    page = Paginator(
        AssessmentRun.objects.select_related("started_by", "policy").order_by("-created_at"), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/runs.html",
        {"page": page, "form": form, "can_start": can_start},
        status=form_status(request),
    )


@permission_required("evaluation.view_assessmentrun", raise_exception=True)
def run_detail(request, pk):
    run = get_object_or_404(AssessmentRun.objects.select_related("policy", "started_by"), pk=pk)
    chunks = run.chunks.values_list("status", flat=True)
    progress = {"total": len(chunks), "done": sum(1 for status in chunks if status != "pending")}
    context = {"run": run, "progress": progress}
    if request.headers.get("HX-Request"):
        # Polled while the run is under way; once it completes the whole page reloads.
        response = render(request, "evaluation/_run_progress.html", context)
        if not run.is_under_way:
            response["HX-Refresh"] = "true"
        return response
    scorecards = (
        Scorecard.objects.visible_to(request.user)
        .filter(run=run)
        .select_related("partnership")
        .order_by("overall_score", "partnership__title")
    )
    titles = dict(
        Partnership.objects.filter(
            pk__in=[entry["partnership"] for entry in run.skipped + run.errors]
        ).values_list("pk", "title")
    )
    context |= {
        "scorecards": scorecards,
        "skipped": [(titles.get(e["partnership"]), skip_text(e)) for e in run.skipped],
        "failed": [(titles.get(e["partnership"]), e["error"]) for e in run.errors],
    }
    return render(request, "evaluation/run_detail.html", context)


@permission_required("evaluation.view_scoringpolicy", raise_exception=True)
@require_http_methods(["GET", "POST"])
def policy(request):
    """The active scoring policy, its earlier versions, and a new version for reviewers."""
    active = ScoringPolicy.objects.get(is_active=True)
    can_publish = request.user.has_perm("evaluation.add_scoringpolicy")
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                new = services.policy_publish(created_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Version %(version)s is now the scoring policy.")
                    % {"version": new.version},
                )
                return redirect("evaluation:policy")
    else:
        initial = {name: getattr(active, name) for name in services.POLICY_FIELDS}
        # A new version deserves a name and a note of its own.
        initial["name"] = initial["notes"] = ""
        form = PolicyForm(initial=initial)
    versions = ScoringPolicy.objects.select_related("created_by").order_by("-version")
    return render(
        request,
        "evaluation/policy.html",
        {"active": active, "versions": versions, "form": form, "can_publish": can_publish},
        status=form_status(request),
    )


@permission_required("evaluation.change_scorecard", raise_exception=True)
def review_queue(request):
    """Scorecards awaiting review, newest period first, with what changed since the last."""
    filters = QueueFilterForm(request.GET or None)
    cards = (
        Scorecard.objects.awaiting_review()
        .with_previous()
        .select_related("partnership__owner")
        .order_by("-period_start", "overall_score", "partnership__title")
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["period"]:
            cards = cards.filter(period_start=data["period"])
        if data["rating"] == "none":
            cards = cards.filter(rating="")
        elif data["rating"]:
            cards = cards.filter(rating=data["rating"])
        if data["flagged"]:
            cards = cards.filter(
                Q(flags__contains=[{"severity": "warning"}])
                | Q(flags__contains=[{"severity": "critical"}])
            )
        if data["q"]:
            cards = cards.filter(holds("partnership__title", data["q"]))
    own = set(Partnership.objects.led_by(request.user).values_list("pk", flat=True))
    page = Paginator(cards, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/review_queue.html",
        {"page": page, "filters": filters, "own": own, "query": query.urlencode()},
    )


@permission_required("evaluation.view_scorecard", raise_exception=True)
def scorecard_detail(request, pk, return_form=None, override_form=None, action_error=None):
    # An executive opens approved scorecards only, here as on the dashboards.
    card = get_object_or_404(
        Scorecard.objects.visible_to(request.user).select_related(
            "partnership__owner", "policy", "reviewer", "run"
        ),
        pk=pk,
    )
    context = selectors.scorecard_evidence(card, request.user)
    context |= {
        "card": card,
        "can_review": review.may_review(request.user, card),
        "return_form": return_form or ReturnForm(),
        "override_form": override_form or OverrideForm(),
        "action_error": action_error,
        # Which numbers the reviewer saw: an action on numbers since recomputed is refused.
        "seen_field": format_html(
            '<input type="hidden" name="computed_at" value="{}">'
            '<input type="hidden" name="review_state" value="{}">',
            card.computed_at.isoformat(),
            card.review_state,
        ),
    }
    if not (context["can_review"] and card.review_state == ReviewState.IN_REVIEW):
        # The forms are gone (someone reviewed it meanwhile): what was typed
        # is shown beside the refusal, to be copied.
        context["unsaved_text"] = next(
            (
                form.data.get(name, "")
                for form, name in ((return_form, "comment"), (override_form, "justification"))
                if form is not None and form.data.get(name, "").strip()
            ),
            "",
        )
    refused = bool(action_error or return_form or override_form)
    return render(
        request,
        "evaluation/scorecard.html",
        context,
        status=form_status(request, refused=refused),
    )


def _review_action(request, pk, act, form_class=None, form_slot=None):
    """Run one review action; on refusal, show the scorecard again with why."""
    if not request.user.has_perm("evaluation.change_scorecard"):
        raise PermissionDenied
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return scorecard_detail(request, pk, **{form_slot: form})
    if not request.POST.get("computed_at"):
        # Every form on the page says which numbers it was sent from; one that
        # does not (a page of another version, a hand-made request) cannot be
        # checked against a recomputation, so it is refused, as the API
        # refuses a write without If-Match. What was typed comes back.
        kept = {form_slot: form} if form is not None else {}
        return scorecard_detail(
            request,
            pk,
            action_error=gettext(
                "This page did not say which numbers you saw: look at them again, then act."
            ),
            **kept,
        )
    try:
        message = act(form.cleaned_data if form else {})
    except Scorecard.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            add_service_errors(error, form)
            return scorecard_detail(request, pk, **{form_slot: form})
        # Refused as a whole (recomputed or reviewed meanwhile): the comment or
        # justification typed comes back with the page, never lost.
        kept = {form_slot: form} if form is not None else {}
        return scorecard_detail(request, pk, action_error=" ".join(error.messages), **kept)
    messages.success(request, message)
    return redirect("evaluation:scorecard", pk=pk)


@require_POST
def scorecard_approve(request, pk):
    def act(_):
        review.scorecard_approve(
            scorecard_id=pk, reviewer=request.user, seen=request.POST.get("computed_at")
        )
        return gettext("Approved.")

    return _review_action(request, pk, act)


@require_POST
def scorecard_return(request, pk):
    def act(data):
        review.scorecard_return(
            scorecard_id=pk,
            reviewer=request.user,
            comment=data["comment"],
            seen=request.POST.get("computed_at"),
        )
        return gettext("Returned to the owner with your comment.")

    return _review_action(request, pk, act, ReturnForm, "return_form")


@require_POST
def scorecard_override(request, pk):
    def act(data):
        review.scorecard_override(
            scorecard_id=pk,
            reviewer=request.user,
            rating=data["rating"],
            justification=data["justification"],
            seen=request.POST.get("computed_at"),
        )
        return gettext("Approved with the rating you set.")

    return _review_action(request, pk, act, OverrideForm, "override_form")


@require_POST
def scorecard_recompute(request, pk):
    def act(_):
        review.scorecard_recompute(
            scorecard_id=pk,
            reviewer=request.user,
            seen=request.POST.get("computed_at"),
            seen_state=request.POST.get("review_state"),
        )
        return gettext("Computed again from the current data.")

    return _review_action(request, pk, act)
