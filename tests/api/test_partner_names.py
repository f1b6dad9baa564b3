"""A partner's name through the API: the same rule as on the page
(partnerships.models.Partner.clean, core.text)."""

import pytest

from partnerships.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_api_refuses_an_override_character(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/",
        {
            "name": "Clinic \u202egnirts",
            "kind": "hospital",
            "organisation_type": "10",
            "sector": "government",
            "country": "KE",
            "time_zone": "Africa/Nairobi",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "reorder the text" in response.json()["errors"]["name"][0]
    assert not Partner.objects.exists()


def test_the_api_refuses_a_name_taken_in_the_country_next_to_the_name(client_for, alice):
    PartnerFactory(name="Aga Khan University Hospital", country="KE")
    response = client_for(alice).post(
        "/api/v1/partners/",
        {
            "name": "AGA KHAN university hospital",
            "kind": "hospital",
            "organisation_type": "10",
            "sector": "government",
            "country": "KE",
            "time_zone": "Africa/Nairobi",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["A partner with this name already exists in this country."]
    }
    assert Partner.objects.count() == 1
