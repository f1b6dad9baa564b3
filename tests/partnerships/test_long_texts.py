"""Free text has one limit through every door (LONG_TEXT_MAX_LENGTH): a note or
description the API took could otherwise no longer be saved on its page, whose
whole form Django caps at 2.5 MB."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from api.tokens import token_create
from partnerships.models import LONG_TEXT_MAX_LENGTH, AgreementParty, Partner, Partnership
from tests.factories import (
    AgreementFactory,
    ObjectiveFactory,
    PartnerFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

AT_THE_LIMIT = "x" * LONG_TEXT_MAX_LENGTH
OVER_IT = AT_THE_LIMIT + "x"


def records():
    agreement = AgreementFactory()
    return [
        (PartnerFactory(), "notes", "partner_notes_bounded"),
        (PartnershipFactory(), "description", "partnership_description_bounded"),
        (agreement, "goals", "agreement_goals_bounded"),
        (
            AgreementParty.objects.create(agreement=agreement, is_our_organisation=True),
            "responsibilities",
            "agreement_party_responsibilities_bounded",
        ),
        (ObjectiveFactory(), "description", "objective_description_bounded"),
    ]


def test_each_keeps_text_at_the_limit_and_refuses_one_character_more():
    for record, field, constraint in records():
        setattr(record, field, AT_THE_LIMIT)
        record.full_clean()
        setattr(record, field, OVER_IT)
        with pytest.raises(ValidationError) as refused:
            record.full_clean()
        assert field in refused.value.message_dict, type(record)
        # And the database, for a write that goes round the model.
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            type(record).objects.filter(pk=record.pk).update(**{field: OVER_IT})


def test_the_api_refuses_a_description_over_it_naming_the_field(alice):
    partnership = PartnershipFactory(owner=alice)
    api = APIClient()
    secret = token_create(user=alice, name="t", scope="read_write")[1]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/partnerships/{partnership.pk}/"
    etag = api.get(url)["ETag"]
    response = api.patch(url, {"description": OVER_IT}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["description"]
    assert Partnership.objects.get(pk=partnership.pk).description == ""
    response = api.patch(url, {"description": AT_THE_LIMIT}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert Partnership.objects.get(pk=partnership.pk).description == AT_THE_LIMIT


def test_the_partner_page_refuses_notes_over_it_next_to_them(client, alice):
    client.force_login(alice)
    typed = {
        "name": "Aga Khan University Hospital",
        "kind": "hospital",
        "organisation_type": "22",
        "sector": "nonprofit",
        "country": "KE",
        "city": "Nairobi",
        "languages": ["en"],
        "time_zone": "Africa/Nairobi",
        "expertise": "",
        "website": "",
        "notes": OVER_IT,
    }
    response = client.post(reverse("partnerships:partner_create"), typed)
    assert response.status_code == 400
    assert "notes" in response.context["form"].errors
    assert not Partner.objects.filter(name=typed["name"]).exists()


def test_the_forms_say_the_limit_to_the_browser():
    from partnerships.forms_partners import PartnerForm

    notes = PartnerForm.base_fields["notes"]
    assert notes.widget.attrs["maxlength"] == str(LONG_TEXT_MAX_LENGTH)
