import pytest
from io import StringIO
from django.core.management import call_command
from partnerships.models import *

pytestmark = pytest.mark.django_db

def test_show():
    out = StringIO(); call_command("seed_demo", stdout=out); print(out.getvalue())
    for name in ["Days from referral to valve surgery", "Fellows completing the exchange", "Patients enrolled in the registry", "Door-to-needle time", "Dialysis starts", "Placement satisfaction score", "District hospitals connected", "Hand hygiene compliance", "Children screened"]:
        m = OutcomeMetric.objects.get(name=name)
        print(name, m.baseline_value, m.target_value, m.baseline_date, m.target_date, [(str(x.period_start), str(x.value)) for x in m.measurements.all()])
    for a in Agreement.objects.order_by("reference"):
        print(a.reference, a.status, a.effective_date, a.expiry_date, a.signed_on, a.partnership.stage)
    print(Measurement.objects.count(), OutcomeMetric.objects.count())
