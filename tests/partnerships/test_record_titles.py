"""A partnership's title, an agreement's, an objective's and a metric's name are
found, sorted and shown in lists, pickers, charts and exports as a partner's
name is: tidied, and never invisible characters alone or text reordered by
right-to-left overrides (core.text) — a title of a zero-width space made a
partnership whose link on every list showed nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships import services
from partnerships.models import Partnership
from tests.factories import AgreementFactory, PartnershipFactory, partnership_with_data
from tests.forms import opened

pytestmark = pytest.mark.django_db

HIDDEN = [
    ("\u200b", "This field cannot be blank."),
    ("\u2060 \ufeff", "This field cannot be blank."),
    ("Tele-stroke \u202eKROWTEN\u202c", "reorder the text around them"),
]


@pytest.mark.parametrize("typed, message", HIDDEN)
def test_the_partnership_page_refuses_a_title_that_hides_or_disguises(
    client, alice, typed, message
):
    partnership = PartnershipFactory(owner=alice, title="Tele-stroke network")
    client.force_login(alice)
    url = reverse("partnerships:partnership_edit", args=[partnership.pk])
    response = client.post(
        url, {"title": typed, "purpose": partnership.purpose} | opened(client, url)
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors["title"][0]
    # What was typed is kept in the field, and nothing is saved.
    assert response.context["form"]["title"].value() == typed
    assert Partnership.objects.get(pk=partnership.pk).title == "Tele-stroke network"


def test_the_partnership_page_keeps_a_title_tidied(client, alice):
    partnership = PartnershipFactory(owner=alice, title="Tele-stroke network")
    client.force_login(alice)
    url = reverse("partnerships:partnership_edit", args=[partnership.pk])
    response = client.post(
        url,
        {"title": "\u200b Tele-stroke   network\tEast ", "purpose": partnership.purpose}
        | opened(client, url),
    )
    assert response.status_code == 302
    assert Partnership.objects.get(pk=partnership.pk).title == "Tele-stroke network East"


@pytest.mark.parametrize("typed, message", HIDDEN)
def test_an_objective_and_a_metric_are_refused_alike(client, alice, typed, message):
    partnership = partnership_with_data(owner=alice, metrics=1)
    objective = partnership.objectives.get()
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:objective_create", args=[partnership.pk]),
        {
            "objective-title": typed,
            "objective-benefit": "patient_outcomes",
            "objective-weight": "1",
        },
    )
    assert response.status_code == 400
    assert message in response.context["objective_form"].errors["title"][0]
    assert partnership.objectives.count() == 1

    prefix = f"metric-{objective.pk}"
    response = client.post(
        reverse("partnerships:metric_create", args=[partnership.pk, objective.pk]),
        {
            f"{prefix}-name": typed,
            f"{prefix}-unit": "patients",
            f"{prefix}-direction": "higher",
            f"{prefix}-frequency": "quarterly",
            f"{prefix}-aggregation": "latest",
            f"{prefix}-weight": "1",
        },
    )
    assert response.status_code == 400
    assert message in response.context["objectives"][0].metric_form.errors["name"][0]
    assert objective.metrics.count() == 1


@pytest.mark.parametrize("typed, message", HIDDEN)
def test_the_services_refuse_them_whatever_the_door(alice, typed, message):
    partnership = partnership_with_data(owner=alice, metrics=1)
    objective = partnership.objectives.get()
    agreement = AgreementFactory(partnership=partnership, title="Collaboration agreement")
    attempts = [
        ("title", lambda: services.partnership_update(partnership=partnership, title=typed)),
        (
            "title",
            lambda: services.objective_create(
                partnership=partnership, title=typed, owner=alice, benefit="patient_outcomes"
            ),
        ),
        (
            "name",
            lambda: services.metric_create(
                objective=objective, name=typed, unit="patients", owner=alice
            ),
        ),
    ]
    for field, attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert message in refused.value.message_dict[field][0]
    agreement.title = typed
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert message in refused.value.message_dict["title"][0]
    partnership.refresh_from_db()
    assert partnership.title != typed
    assert partnership.objectives.count() == 1 and objective.metrics.count() == 1
