"""One address per record that flags and reminders name: `/records/<model>/<id>/`
leads to the page where that record is read (an obligation on its agreement's
page, a metric in its partnership's objectives). A flag stores only the model
and id, so this is where its link is decided, without a query per flag.
"""

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from health.models import Round

from ..models import Agreement, Objective, Obligation, OutcomeMetric


def _agreement(pk):
    return reverse("partnerships:agreement_detail", args=[get_object_or_404(Agreement, pk=pk).pk])


def _obligation(pk):
    obligation = get_object_or_404(Obligation, pk=pk)
    url = reverse("partnerships:agreement_detail", args=[obligation.agreement_id])
    return f"{url}#obligation-{obligation.pk}"


def _objective(pk):
    objective = get_object_or_404(Objective, pk=pk)
    url = reverse("partnerships:partnership_detail", args=[objective.partnership_id])
    return f"{url}#objective-{objective.pk}"


def _metric(pk):
    metric = get_object_or_404(OutcomeMetric.objects.select_related("objective"), pk=pk)
    url = reverse("partnerships:partnership_detail", args=[metric.objective.partnership_id])
    return f"{url}#metric-{metric.pk}"


def _health_round(pk):
    return reverse("health:round", args=[get_object_or_404(Round, pk=pk).pk])


PAGES = {
    "health.round": _health_round,
    "partnerships.agreement": _agreement,
    "partnerships.obligation": _obligation,
    "partnerships.objective": _objective,
    "partnerships.outcomemetric": _metric,
}


@permission_required("partnerships.view_partnership", raise_exception=True)
def record(request, model, pk):
    try:
        page = PAGES[model]
    except KeyError:
        raise Http404("No page shows records of this kind.") from None
    return redirect(page(pk))
