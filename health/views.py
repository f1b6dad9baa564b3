"""Health-check pages.

Signed-in pages: a partnership's health section, opening a round, a round's
status and results, answering as one of our people, and "my open health
checks". Everyone signed in reads results (as they read partnerships); only the
owner or a co-lead opens or closes rounds and sets the schedule
(`partnerships.permissions.require_edit`), whatever the page showed.

The answer page for the partner's side is the only page without a sign-in: its
token finds one respondent and opens that respondent's form, nothing else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.charts import chart
from core.forms import add_service_errors
from core.http import form_status, in_active_language
from partnerships import permissions
from partnerships.models import Partnership

from . import selectors, services, tokens
from .forms import AnswerForm, CadenceForm, RoundOpenForm
from .models import RESPONDENT_THRESHOLD, Cadence, Respondent, Round, Side
from .results import OURS, PARTNER

can_read = permission_required("partnerships.view_partnership", raise_exception=True)


def _with_counts(rounds):
    """Rounds with how many were invited and answered on each side."""
    counts = {}
    for side in (OURS, PARTNER):
        counts[f"{side}_invited"] = Count("respondents", filter=Q(respondents__side=side))
        counts[f"{side}_answered"] = Count(
            "respondents", filter=Q(respondents__side=side, respondents__answered_at__isnull=False)
        )
    return rounds.annotate(**counts)


# --- a partnership's health section --------------------------------------------------


@can_read
@require_safe
def partnership_health(request, pk):
    return _health_section(request, get_object_or_404(Partnership, pk=pk))


def _health_section(request, partnership, cadence_form=None):
    cadence = Cadence.objects.filter(partnership=partnership).first()
    can_edit = permissions.can_edit(request.user, partnership)
    context = {
        "partnership": partnership,
        "rounds": _with_counts(Round.objects.filter(partnership=partnership)).order_by(
            "-opened_on", "-pk"
        ),
        "cadence": cadence,
        "can_edit": can_edit,
        "cadence_form": cadence_form or (CadenceForm(instance=cadence) if can_edit else None),
    }
    status = form_status(request, refused=cadence_form is not None)
    return render(request, "health/partnership.html", context, status=status)


@require_POST
def cadence_set(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            services.cadence_set(partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Health-check schedule saved."))
            return redirect("health:partnership", pk=partnership.pk)
    return _health_section(request, partnership, cadence_form=form)


@require_http_methods(["GET", "POST"])
def round_open(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    permissions.require_edit(request.user, partnership)
    today = timezone.localdate()
    partners = partnership.partners.order_by("name")
    if request.method == "POST":
        form = RoundOpenForm(request.POST, partners=partners, today=today)
        if form.is_valid():
            try:
                health_round = services.round_open(
                    partnership=partnership,
                    opened_by=request.user,
                    opened_on=today,
                    closes_on=form.cleaned_data["closes_on"],
                    users=form.cleaned_data["users"],
                    partner_people=form.cleaned_data["partner_people"],
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(
                    request, _("Health check opened; the invitations are on their way.")
                )
                return redirect("health:round", pk=health_round.pk)
    else:
        users, people = services.usual_respondents(partnership)
        initial = {"users": users}
        for partner in partners:
            initial[f"emails_{partner.pk}"] = "\n".join(
                person.email for person in people if person.partner_id == partner.pk
            )
        form = RoundOpenForm(initial=initial, partners=partners, today=today)
    return render(
        request,
        "health/round_open.html",
        {"partnership": partnership, "form": form},
        status=form_status(request),
    )


# --- a round ---------------------------------------------------------------------------


def _radar(result) -> dict:
    """Both sides' means on one radar; a side under the threshold is left out."""
    sides = [(OURS, _("Our side")), (PARTNER, _("Partner side"))]
    return chart(
        "radar",
        [factor.name for factor in result.factors],
        [
            {"label": label, "data": [getattr(factor, side) for factor in result.factors]}
            for side, label in sides
            if result.shown[side]
        ],
        title=_("Mean rating per factor, by side (1–5)"),
        suggested_max=5,
    )


@can_read
@require_safe
def round_detail(request, pk):
    health_round = get_object_or_404(
        _with_counts(Round.objects.select_related("partnership", "instrument", "opened_by")), pk=pk
    )
    results = None if health_round.is_open else selectors.round_results(health_round)
    context = {
        "round": health_round,
        "partnership": health_round.partnership,
        "can_edit": permissions.can_edit(request.user, health_round.partnership),
        # Our people by name (who still owes an answer); the partner's side as counts only.
        "our_respondents": health_round.respondents.filter(side=Side.OURS)
        .select_related("user")
        .order_by("user__first_name", "user__username"),
        "results": results,
        "radar": _radar(results) if results and results.anything_shown else None,
        "threshold": RESPONDENT_THRESHOLD,
    }
    return render(request, "health/round.html", context)


@require_POST
def round_close(request, pk):
    health_round = get_object_or_404(Round, pk=pk)
    permissions.require_edit(request.user, health_round.partnership)
    services.round_close(health_round=health_round)
    messages.success(request, _("Health check closed."))
    return redirect("health:round", pk=health_round.pk)


# --- answering -------------------------------------------------------------------------


def _answer_page(request, respondent, *, action, language):
    factors = selectors.factors_of(respondent.round.instrument)
    form = AnswerForm(
        request.POST if request.method == "POST" else None, factors=factors, language=language
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answers_submit(
                respondent=respondent,
                ratings=form.ratings(),
                factor_comments=form.factor_comments(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) in ("answered", "closed"):
                return None
            add_service_errors(error, form)
        else:
            return True
    context = {
        "respondent": respondent,
        "round": respondent.round,
        "partnership": respondent.round.partnership,
        "form": form,
        "action": action,
    }
    return render(
        request,
        "health/answer.html",
        context,
        status=form_status(request, refused=bool(form.errors)),
    )


@require_http_methods(["GET", "POST"])
def respond(request, pk):
    """One of our people answers, signed in."""
    respondent = get_object_or_404(
        Respondent.objects.select_related("round__partnership", "round__instrument"),
        round=pk,
        user=request.user,
    )
    if respondent.answered_at or not services.accepts_answers(
        respondent.round, today=timezone.localdate()
    ):
        return render(request, "health/link_done.html", {"respondent": respondent}, status=410)
    services.require_may_answer(respondent)
    page = _answer_page(request, respondent, action=request.path, language="en")
    if page is True:
        messages.success(request, _("Thank you: your answers are in."))
        return redirect("health:mine")
    if page is None:
        return render(request, "health/link_done.html", {"respondent": respondent}, status=410)
    return page


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request, token):
    """The partner's side answers through its link: once, while the round is open."""
    respondent = (
        Respondent.objects.select_related("round__partnership", "round__instrument")
        .filter(side=Side.PARTNER, token_hash=tokens.digest(token))
        .first()
    )
    if respondent is None:
        return render(request, "health/link_invalid.html", status=404)
    with translation.override(respondent.language):
        withdrawn = not services.partner_still_in(respondent)
        done = (
            withdrawn
            or respondent.answered_at is not None
            or not services.accepts_answers(respondent.round, today=timezone.localdate())
        )
        if not done:
            page = _answer_page(
                request, respondent, action=request.path, language=respondent.language
            )
            if page is True:
                return redirect("health:thanks", language=respondent.language)
            if page is not None:
                return in_active_language(page)
        context = {
            "respondent": respondent,
            "language": respondent.language,
            "withdrawn": withdrawn and respondent.answered_at is None,
        }
        return in_active_language(render(request, "health/link_done.html", context, status=410))


@login_not_required
@require_safe
def thanks(request, language):
    with translation.override(language if language in services.LANGUAGE_CODES else "en"):
        return in_active_language(
            render(request, "health/thanks.html", {"language": translation.get_language()})
        )


@require_safe
def my_checks(request):
    return render(request, "health/mine.html", {"checks": selectors.open_checks_for(request.user)})


def round_address(pk: int) -> str:
    """The page of round `pk`, for `core.records`' addresses."""
    return reverse("health:round", args=[get_object_or_404(Round, pk=pk).pk])
