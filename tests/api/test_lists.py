"""Lists sent to the API are kept as the pages keep them: each item once (a
language or a benefit listed twice counted twice on the portfolio), and no
area of expertise the partner page would split in two when saved again."""

import pytest

from partnerships.models import Partner, Partnership
from tests.api.conftest import if_match
from tests.api.test_bulk import partner
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("area", ["cardiology, paediatric", "nursing; midwifery"])
def test_an_area_holding_a_separator_is_refused_naming_it(client_for, alice, area):
    response = client_for(alice).post(
        "/api/v1/partners/", partner("Moi", expertise=["surgery", area]), format="json"
    )
    assert response.status_code == 400
    assert area in response.json()["errors"]["expertise"][0]
    assert not Partner.objects.filter(name="Moi").exists()


def test_a_language_given_twice_is_kept_once(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/", partner("Moi", languages=["en", "sw", "en"]), format="json"
    )
    assert response.status_code == 201, response.content
    assert Partner.objects.get(name="Moi").languages == ["en", "sw"]


def test_a_benefit_given_twice_is_kept_once(client_for, alice):
    partnership = PartnershipFactory(owner=alice)
    response = client_for(alice).patch(
        f"/api/v1/partnerships/{partnership.pk}/",
        {"benefits_sought": ["patient_outcomes", "innovation", "patient_outcomes"]},
        format="json",
        **if_match(partnership),
    )
    assert response.status_code == 200, response.content
    assert Partnership.objects.get(pk=partnership.pk).benefits_sought == [
        "patient_outcomes",
        "innovation",
    ]
