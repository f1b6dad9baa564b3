"""A partner's ROR ID and IATI identifier through the API: read, written
normalised, refused naming the field (the rules: partnerships.identifiers)."""

import pytest

from partnerships.models import Partner
from tests.api.conftest import if_match
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_api_reads_and_writes_the_identifiers(client_for, alice):
    api = client_for(alice)
    response = api.post(
        "/api/v1/partners/",
        {
            "name": "California Digital Library",
            "kind": "university",
            "organisation_type": "80",
            "sector": "academic",
            "country": "US",
            "time_zone": "America/Los_Angeles",
            "ror_id": "https://ror.org/03yrm5c26",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    partner = Partner.objects.get(name="California Digital Library")
    assert partner.ror_id == "03yrm5c26"
    read = api.get(f"/api/v1/partners/{partner.pk}/")
    body = read.json()
    assert (body["ror_id"], body["iati_id"]) == ("03yrm5c26", "")

    response = api.patch(
        f"/api/v1/partners/{partner.pk}/",
        {"iati_id": "US-EIN-941539563"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 200, response.content
    partner.refresh_from_db()
    assert partner.iati_id == "US-EIN-941539563"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("ror_id", "03yrm5c26", "Another partner has this ROR ID already."),
        ("ror_id", "03yrm5c25", "check digits"),
        ("iati_id", "GB-CHC-202918", "Another partner has this IATI organisation identifier"),
        ("iati_id", "CHC-202918", "is not an IATI organisation identifier"),
    ],
)
def test_the_api_refuses_a_bad_or_taken_identifier_naming_the_field(
    client_for, alice, field, value, message
):
    PartnerFactory(ror_id="03yrm5c26", iati_id="GB-CHC-202918")
    partner = PartnerFactory(name="Mine")
    response = client_for(alice).patch(
        f"/api/v1/partners/{partner.pk}/", {field: value}, format="json", **if_match(partner)
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["errors"][field][0]
    partner.refresh_from_db()
    assert getattr(partner, field) == ""


def test_the_api_searches_as_the_partner_list_does(client_for, erin):
    PartnerFactory(name="California Digital Library", ror_id="03yrm5c26")
    PartnerFactory(name="Oxfam GB", iati_id="GB-CHC-202918", expertise=["water"])
    api = client_for(erin, scope="read")

    def found(query):
        return [p["name"] for p in api.get("/api/v1/partners/", {"q": query}).json()["results"]]

    assert found("https://ror.org/03yrm5c26") == ["California Digital Library"]
    assert found("gb-chc") == ["Oxfam GB"]
    assert found("water") == ["Oxfam GB"]  # an expertise item, as on the page
