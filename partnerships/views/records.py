"""The view behind `core.records`' addresses, and the pages of the partnership
records (an obligation on its agreement's page, a metric in its partnership's
objectives). Other apps register their own in their `AppConfig.ready()`.
"""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core import records

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


records.register("partnerships.agreement", _agreement)
records.register("partnerships.obligation", _obligation)
records.register("partnerships.objective", _objective)
records.register("partnerships.outcomemetric", _metric)


@permission_required("partnerships.view_partnership", raise_exception=True)
def record(request, model, pk):
    return redirect(records.address(model, pk))
