"""A partner's website through the API, read as the partner page reads it:
an address typed without its scheme is taken as https (PartnerForm.website)."""

import pytest

from partnerships.models import Partner
from tests.api.conftest import if_match
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def new_partner(**fields):
    return {
        "name": "Aga Khan University Hospital",
        "kind": "hospital",
        "organisation_type": "15",
        "sector": "nonprofit",
        "country": "KE",
        "time_zone": "Africa/Nairobi",
        **fields,
    }


def test_a_website_without_its_scheme_is_saved_as_https_on_create(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/partners/", new_partner(website="www.example.org"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["website"] == "https://www.example.org"
    assert Partner.objects.get(name="Aga Khan University Hospital").website == (
        "https://www.example.org"
    )


def test_a_website_without_its_scheme_is_saved_as_https_on_patch(client_for, alice):
    partner = PartnerFactory(website="")
    response = client_for(alice).patch(
        f"/api/v1/partners/{partner.pk}/",
        {"website": "www.example.org/about"},
        format="json",
        **if_match(partner),
    )
    assert response.status_code == 200, response.content
    partner.refresh_from_db()
    assert partner.website == "https://www.example.org/about"


@pytest.mark.parametrize("website", ["http://example.org", ""])
def test_a_website_with_its_scheme_or_none_is_kept_as_sent(client_for, alice, website):
    response = client_for(alice).post(
        "/api/v1/partners/", new_partner(website=website), format="json"
    )
    assert response.status_code == 201, response.content
    assert Partner.objects.get(name="Aga Khan University Hospital").website == website


@pytest.mark.parametrize("website", ["not a website", "https://", "x" * 201 + ".org"])
def test_a_website_that_is_not_one_is_named(client_for, alice, website):
    response = client_for(alice).post(
        "/api/v1/partners/", new_partner(website=website), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["website"]
    assert not Partner.objects.filter(name="Aga Khan University Hospital").exists()
