from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from partnerships.models import Partnership

from . import services, tasks
from .forms import PolicyForm, RunStartForm
from .models import AssessmentRun, RunTrigger, Scorecard, ScoringPolicy


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
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, f"The assessment of {run.period_start:%B %Y} has started."
                )
                return redirect("evaluation:run", pk=run.pk)
    page = Paginator(
        AssessmentRun.objects.select_related("started_by", "policy").order_by("-created_at"), 25
    ).get_page(request.GET.get("page"))
    return render(
        request, "evaluation/runs.html", {"page": page, "form": form, "can_start": can_start}
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
        Scorecard.objects.filter(run=run)
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
        "skipped": [(titles.get(e["partnership"]), e["reason"]) for e in run.skipped],
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
                messages.success(request, f"Version {new.version} is now the scoring policy.")
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
    )
