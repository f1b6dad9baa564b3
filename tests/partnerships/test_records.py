import datetime as dt

import pytest
from django.urls import reverse

from evaluation.templatetags.evaluation_tags import flag_url
from partnerships.models import Obligation
from tests.factories import partnership_with_data
from tests.health.builders import open_round

pytestmark = pytest.mark.django_db


def record_url(model, pk):
    return reverse("partnerships:record", args=[model, pk])


def test_a_flag_leads_to_the_page_where_its_record_is_read(client, erin):
    partnership = partnership_with_data()
    agreement = partnership.agreements.get()
    objective = partnership.objectives.get()
    metric = objective.metrics.first()
    obligation = Obligation.objects.create(
        agreement=agreement, description="Annual report", due_date=dt.date(2026, 3, 31)
    )
    client.force_login(erin)

    expected = {
        ("partnerships.agreement", agreement.pk): f"/agreements/{agreement.pk}/",
        ("partnerships.obligation", obligation.pk): (
            f"/agreements/{agreement.pk}/#obligation-{obligation.pk}"
        ),
        ("partnerships.objective", objective.pk): (
            f"/partnerships/{partnership.pk}/#objective-{objective.pk}"
        ),
        ("partnerships.outcomemetric", metric.pk): (
            f"/partnerships/{partnership.pk}/#metric-{metric.pk}"
        ),
    }
    for (model, pk), page in expected.items():
        flag = {"message": "…", "ref": {"model": model, "id": pk}}
        assert flag_url(flag) == record_url(model, pk)
        response = client.get(flag_url(flag))
        assert response.status_code == 302
        assert response.url == page

    # The anchors are on those pages.
    assert f'id="metric-{metric.pk}"' in client.get(f"/partnerships/{partnership.pk}/").text
    assert f'id="obligation-{obligation.pk}"' in client.get(f"/agreements/{agreement.pk}/").text


def test_it_answers_404_for_an_unknown_kind_or_a_missing_record(client, erin):
    client.force_login(erin)
    assert client.get(record_url("accounts.user", erin.pk)).status_code == 404
    assert client.get(record_url("partnerships.agreement", 999_999)).status_code == 404


def test_a_flag_without_a_record_has_no_link():
    assert flag_url({"message": "No agreement is in force.", "ref": None}) == ""


def test_a_health_flag_leads_to_its_round(client, erin, alice):
    partnership = partnership_with_data(owner=alice)
    health_round = open_round(partnership, by=alice)
    client.force_login(erin)
    response = client.get(record_url("health.round", health_round.pk))
    assert response.status_code == 302
    assert response.url == reverse("health:round", args=[health_round.pk])
