"""A partner's name through the API: the same rule as on the page
(partnerships.models.Partner.clean, core.text)."""

import pytest

from partnerships.models import Partner

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
