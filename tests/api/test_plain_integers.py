"""The API's whole numbers (ids, versions) are written with the digits 0-9.

Python's int() reads the digits of every script: "١٢" was partnership 12 to
the API, an id no client meant, and a write landed on whatever record had it.
"""

import pytest

from partnerships.models import Measurement, Objective, PartnershipMember
from tests.api.conftest import if_match
from tests.factories import PartnerFactory

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULLWIDTH], ids=["arabic-indic", "fullwidth"])
def test_an_id_in_other_digits_names_no_partnership(client_for, alice, ours, digits):
    response = client_for(alice).post(
        "/api/v1/objectives/",
        {
            "partnership": str(ours.pk).translate(digits),
            "title": "Train 40 midwives",
            "benefit": "knowledge_exchange",
            "weight": "2",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "partnership" in response.json()["errors"]
    assert not Objective.objects.filter(title="Train 40 midwives").exists()


def test_nor_a_partner(client_for, alice, ours):
    partner = PartnerFactory()
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/members/",
        {"partner": str(partner.pk).translate(ARABIC_INDIC)},
        format="json",
        **if_match(ours),
    )
    assert response.status_code == 400
    assert not PartnershipMember.objects.filter(partnership=ours, partner=partner).exists()


def test_nor_a_measurements_version(client_for, alice, ours):
    """ "٠" was version 0, "the period had none": the value was recorded."""
    metric = ours.objectives.first().metrics.first()
    row = {"metric": metric.pk, "period_start": "2025-10-01", "value": "3", "version": "٠"}
    response = client_for(alice).post(
        f"/api/v1/partnerships/{ours.pk}/measurements/", {"rows": [row]}, format="json"
    )
    assert response.status_code == 400
    assert "rows" in str(response.json()["errors"])
    assert not Measurement.objects.filter(metric=metric, period_start="2025-10-01").exists()


@pytest.mark.parametrize("written", ["{pk}", " {pk} ", "{pk}.0"])
def test_the_digits_0_to_9_read_as_the_serializer_reads_them(client_for, alice, ours, written):
    response = client_for(alice).post(
        "/api/v1/objectives/",
        {
            "partnership": written.format(pk=ours.pk),
            "title": "Train 40 midwives",
            "benefit": "knowledge_exchange",
            "weight": "2",
        },
        format="json",
    )
    # "8.0" passed the type check, then was looked up as written: a 500.
    assert response.status_code == 201, response.json()
    assert Objective.objects.get(title="Train 40 midwives").partnership == ours


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULLWIDTH], ids=["arabic-indic", "fullwidth"])
def test_a_list_filtered_by_an_id_in_other_digits_is_refused(client_for, alice, ours, digits):
    """The filter read "٣" as 3 and listed that partnership's objectives."""
    client = client_for(alice)
    written = client.get("/api/v1/objectives/", {"partnership": str(ours.pk).translate(digits)})
    plain = client.get("/api/v1/objectives/", {"partnership": str(ours.pk)})
    assert written.status_code == 400
    assert "partnership" in str(written.json())
    assert plain.status_code == 200
    assert plain.json()["results"]
