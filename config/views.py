import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from partnerships.models import (
    STAGES_BY_FAMILY,
    Agreement,
    Partner,
    Partnership,
    Stage,
    StageFamily,
)

EXPIRY_DAYS = 90


def home(request):
    """A first look at the portfolio; the executive dashboards build on it."""
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
            ("potential", "Potential"),
            ("active", "Active"),
            ("struggling", "Struggling"),
            ("ended", "Ended"),
        )
    ]
    expiring = (
        Agreement.objects.expiring_between(today, today + dt.timedelta(days=EXPIRY_DAYS))
        .select_related("partnership")
        .order_by("expiry_date")[:10]
    )
    partners = Partner.objects.aggregate(
        count=Count("id"), countries=Count("country", distinct=True)
    )
    return render(
        request,
        "home.html",
        {
            "families": families,
            "expiring": expiring,
            "expiry_days": EXPIRY_DAYS,
            "partner_count": partners["count"],
            "country_count": partners["countries"],
        },
    )
