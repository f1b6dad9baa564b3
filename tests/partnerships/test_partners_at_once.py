"""Two people saving the same partner (or agreement reference) at the same
moment: both pass the check before either has saved, and the second is refused
in the check's own words, next to the field, never a server error (an
IntegrityError).

Made certain rather than likely (`tests.locks.second_while_first_commits`).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partnerships import services
from partnerships.models import Agreement, Partner
from tests.factories import PartnershipFactory
from tests.locks import second_while_first_commits
from tests.partnerships.test_agreement_pages import create_url, form_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARTNER = {
    "name": "Siam Tropical Medicine Institute",
    "kind": "research_institute",
    "organisation_type": "80",
    "sector": "academic",
    "country": "TH",
    "time_zone": "Asia/Bangkok",
}


def test_the_same_name_saved_at_once_is_refused_next_to_the_name():
    refused = second_while_first_commits(
        lambda: services.partner_create(**PARTNER),
        lambda: services.partner_create(**(PARTNER | {"name": PARTNER["name"].upper()})),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {
        "name": ["A partner with this name already exists in this country."]
    }
    assert list(Partner.objects.values_list("name", flat=True)) == [PARTNER["name"]]


def test_the_same_ror_id_saved_at_once_is_refused_next_to_it():
    refused = second_while_first_commits(
        lambda: services.partner_create(**(PARTNER | {"ror_id": "03yrm5c26"})),
        lambda: services.partner_create(
            **(PARTNER | {"name": "Mahidol Tropical Medicine", "ror_id": "03yrm5c26"})
        ),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {"ror_id": ["Another partner has this ROR ID already."]}
    assert list(Partner.objects.values_list("name", flat=True)) == [PARTNER["name"]]


def test_a_partner_renamed_at_once_to_a_name_being_saved_is_refused_next_to_the_name():
    other = services.partner_create(**(PARTNER | {"name": "Bangkok Children's Hospital"}))
    refused = second_while_first_commits(
        lambda: services.partner_create(**PARTNER),
        lambda: services.partner_update(partner=other, name=PARTNER["name"]),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {
        "name": ["A partner with this name already exists in this country."]
    }
    other.refresh_from_db()
    assert other.name == "Bangkok Children's Hospital"


def new_agreement(partnership, title, reference="MOU-2026-001"):
    return services.agreement_create(
        partnership=partnership,
        title=title,
        reference=reference,
        status="active",
        effective_date=dt.date(2026, 1, 1),
        expiry_date=dt.date(2028, 12, 31),
    )


def test_the_same_agreement_reference_saved_at_once_is_refused_next_to_the_reference():
    partnership = PartnershipFactory()
    refused = second_while_first_commits(
        lambda: new_agreement(partnership, "First"), lambda: new_agreement(partnership, "Second")
    )
    assert isinstance(refused, ValidationError), repr(refused)
    with pytest.raises(ValidationError) as checked:
        new_agreement(partnership, "Third")  # the same reference, checked before saving
    assert refused.message_dict == checked.value.message_dict
    assert refused.message_dict == {"reference": ["Another agreement has this reference."]}
    assert list(Agreement.objects.values_list("title", flat=True)) == ["First"]


def test_an_agreement_given_at_once_a_reference_being_saved_is_refused_next_to_it():
    partnership = PartnershipFactory()
    other = new_agreement(partnership, "Other", reference="MOU-2026-002")
    refused = second_while_first_commits(
        lambda: new_agreement(partnership, "First"),
        lambda: services.agreement_update(agreement=other, fields={"reference": "MOU-2026-001"}),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {"reference": ["Another agreement has this reference."]}
    other.refresh_from_db()
    assert (other.reference, other.version) == ("MOU-2026-002", 1)


def test_the_page_saving_a_reference_at_once_shows_the_refusal_next_to_it(client, alice):
    """The page's form finds the reference free (the other is not committed
    yet); its save meets the other's: the page is shown again, as a check
    would show it, with what was typed."""
    partnership = PartnershipFactory(owner=alice)
    client.force_login(alice)
    answers = []
    refused = second_while_first_commits(
        lambda: new_agreement(partnership, "First"),
        lambda: answers.append(
            client.post(create_url(partnership), form_data(reference="MOU-2026-001"))
        ),
    )
    assert refused is None
    (answer,) = answers
    assert answer.status_code == 400
    form = answer.context["form"]
    assert form.errors["reference"] == ["Another agreement has this reference."]
    assert form.non_field_errors() == []
    assert form["title"].value() == "Memorandum of understanding"
    assert list(Agreement.objects.values_list("title", flat=True)) == ["First"]
