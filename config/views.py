from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from accounts.models import Role
from evaluation.models import ReviewState, Scorecard, ScorecardAction, ScorecardEvent
from evaluation.selectors import expiry_warning_days
from partnerships.models import (
    STAGES_BY_FAMILY,
    Agreement,
    Partner,
    Partnership,
    Stage,
    StageFamily,
)


def home(request):
    """Executives land on their dashboard; everyone else on a first look at the
    portfolio and what awaits them."""
    if request.user.has_role(Role.EXECUTIVE):
        return redirect("dashboards:portfolio")
    today = timezone.localdate()
    # One query counts every lifecycle family; struggling is shown apart from
    # active because that is what the study says people lose sight of.
    counts = Partnership.objects.aggregate(
        potential=Count("id", filter=Q(stage__in=STAGES_BY_FAMILY[StageFamily.POTENTIAL])),
        active=Count("id", filter=Q(stage=Stage.ACTIVE)),
        struggling=Count("id", filter=Q(stage=Stage.STRUGGLING)),
        ended=Count("id", filter=Q(stage__in=STAGES_BY_FAMILY[StageFamily.ENDED])),
    )
    families = [
        {"label": label, "count": counts[key]}
        for key, label in (
            ("potential", StageFamily.POTENTIAL.label),
            ("active", Stage.ACTIVE.label),
            ("struggling", Stage.STRUGGLING.label),
            ("ended", StageFamily.ENDED.label),
        )
    ]
    expiry_days = expiry_warning_days()
    expiring = (
        Agreement.objects.expiring_within(expiry_days, on=today)
        .select_related("partnership")
        .order_by("expiry_date")[:10]
    )
    partners = Partner.objects.aggregate(
        count=Count("id"), countries=Count("country", distinct=True)
    )
    # A returned scorecard tells its owner (and co-leads) why, here and in the inbox.
    returned = (
        Scorecard.objects.filter(
            review_state=ReviewState.RETURNED,
            partnership__in=Partnership.objects.led_by(request.user),
        )
        .select_related("partnership")
        .annotate(
            comment=Subquery(
                ScorecardEvent.objects.filter(
                    scorecard=OuterRef("pk"), action=ScorecardAction.RETURNED
                )
                .order_by("-created_at")
                .values("comment")[:1]
            )
        )
        .order_by("-period_start")
    )
    return render(
        request,
        "home.html",
        {
            "families": families,
            "expiring": expiring,
            "expiry_days": expiry_days,
            "partner_count": partners["count"],
            "country_count": partners["countries"],
            "returned": returned,
        },
    )


@login_not_required
@require_safe
def favicon(request):
    """Browsers (and the admin's pages, which link none of their own) ask for
    /favicon.ico: send them to Accord's icon under its hashed static name. Not
    a permanent redirect: the name changes when the icon does."""
    return redirect(static("img/favicon.svg"))


def not_offered(request, *args, **kwargs):
    """A page a library offers that Accord does not (config/urls.py)."""
    raise Http404


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent without its security token, or with one from before the
    person signed in again: Accord's own 403 page, in their language, saying
    what to do (Django's would speak of DEBUG to a user)."""
    return render(
        request,
        "403.html",
        {
            "exception": gettext(
                "This form could not be accepted: it was opened before you last signed in, "
                "or your browser did not send its security token (cookies blocked?). "
                "Go back, reload the page and send it again."
            )
        },
        status=403,
    )
