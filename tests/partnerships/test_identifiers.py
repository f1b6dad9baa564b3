"""A partner's ROR ID and IATI organisation identifier: checked once
(partnerships.identifiers), refused alike by the form, the import, the API and
the database, unique when given, searchable and shown."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from partnerships import imports
from partnerships.identifiers import (
    normalize_iati_id,
    normalize_ror_id,
    validate_iati_id,
    validate_ror_id,
)
from partnerships.models import Partner
from tests.factories import PartnerFactory
from tests.partnerships.test_partner_import import GOOD_ROWS, HEADER, csv_file
from tests.partnerships.test_partner_pages import VALID
from tests.spreadsheets import csv_rows

pytestmark = pytest.mark.django_db

# Real ROR IDs (California Digital Library, Harvard University, …) and their check digits.
RORS = ["03yrm5c26", "03vek6s52", "02mhbdp94", "05gq02987", "01an7q238"]


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("ror_id", RORS)
def test_real_ror_ids_pass_their_checksum(ror_id):
    validate_ror_id(ror_id)


@pytest.mark.parametrize("ror_id", ["03yrm5c25", "03yrm5c27"])
def test_a_checksum_off_by_one_either_way_is_refused(ror_id):
    with pytest.raises(ValidationError) as refused:
        validate_ror_id(ror_id)
    assert refused.value.code == "checksum"


@pytest.mark.parametrize(
    "ror_id",
    [
        "13yrm5c26",  # does not start with 0
        "03yrm5c2",  # one character short
        "03yrm5c266",  # one too many
        "03yrl5c26",  # l is not a Crockford digit
        "03yrm5cx6",  # letters in the check digits
    ],
)
def test_a_ror_id_of_the_wrong_form_is_refused(ror_id):
    with pytest.raises(ValidationError) as refused:
        validate_ror_id(ror_id)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(
    "typed",
    ["03yrm5c26", " https://ror.org/03yrm5c26 ", "http://ror.org/03YRM5C26/", "ror.org/03yrm5c26"],
)
def test_a_ror_id_is_stored_bare_however_it_is_typed(typed):
    assert normalize_ror_id(typed) == "03yrm5c26"


@pytest.mark.parametrize("iati_id", ["GB-CHC-202918", "XM-DAC-41114", "US-EIN-13-1623829"])
def test_iati_identifiers_of_the_org_id_form_pass(iati_id):
    validate_iati_id(iati_id)


@pytest.mark.parametrize(
    "iati_id",
    [
        "202918",  # no prefix
        "GB-202918",  # a country without its agency
        "GBR-CHC-202918",  # a three-letter country
        "QQ-CHC-202918",  # not a country
        "GB-CHC-20 2918",  # a space
        "GB-CHC-2029/18",  # a slash
    ],
)
def test_iati_identifiers_of_another_form_are_refused_clearly(iati_id):
    with pytest.raises(ValidationError) as refused:
        validate_iati_id(iati_id)
    assert iati_id in refused.value.messages[0]


def test_an_iati_prefix_is_stored_in_capitals_its_number_as_typed():
    assert normalize_iati_id(" gb-chc-202918ab ") == "GB-CHC-202918ab"


# --- the database -------------------------------------------------------------------------


def test_the_database_refuses_a_second_partner_with_the_same_identifier():
    PartnerFactory(ror_id="03yrm5c26", iati_id="GB-CHC-202918")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(ror_id="03yrm5c26")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(iati_id="GB-CHC-202918")
    # Blank is no identifier: any number of partners have none.
    PartnerFactory.create_batch(2)
    assert Partner.objects.filter(ror_id="").count() == 2


@pytest.mark.parametrize("field, value", [("ror_id", "not-a-ror"), ("iati_id", "202918")])
def test_the_database_refuses_an_identifier_of_the_wrong_form(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(**{field: value})


# --- the partner form ---------------------------------------------------------------------


NEW = reverse("partnerships:partner_create")


def test_the_form_stores_a_pasted_ror_address_bare(client, alice):
    client.force_login(alice)
    response = client.post(
        NEW, VALID | {"ror_id": "https://ror.org/03yrm5c26", "iati_id": "ke-ngo-12345"}
    )
    assert response.status_code == 302, response.context["form"].errors
    partner = Partner.objects.get()
    assert (partner.ror_id, partner.iati_id) == ("03yrm5c26", "KE-NGO-12345")
    page = client.get(reverse("partnerships:partner_detail", args=[partner.pk])).content.decode()
    assert 'href="https://ror.org/03yrm5c26"' in page
    assert "KE-NGO-12345" in page


def test_the_form_refuses_a_bad_checksum_next_to_the_field_keeping_it(client, alice):
    client.force_login(alice)
    response = client.post(NEW, VALID | {"ror_id": "03yrm5c27"})
    assert response.status_code == 400
    assert "check digits" in response.context["form"].errors["ror_id"][0]
    assert b'value="03yrm5c27"' in response.content
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("ror_id", "https://ror.org/03yrm5c26", "Another partner has this ROR ID already."),
        (
            "iati_id",
            "GB-CHC-202918",
            "Another partner has this IATI organisation identifier already.",
        ),
    ],
)
def test_the_form_refuses_a_duplicate_next_to_the_field(client, alice, field, value, message):
    PartnerFactory(ror_id="03yrm5c26", iati_id="GB-CHC-202918")
    client.force_login(alice)
    response = client.post(NEW, VALID | {field: value})
    assert response.context["form"].errors[field] == [message]
    assert Partner.objects.count() == 1


# --- the import ---------------------------------------------------------------------------


def row(name, ror_id="", iati_id=""):
    good = dict(zip(HEADER, GOOD_ROWS[0], strict=False))
    return [
        {**good, "name": name, "ror_id": ror_id, "iati_id": iati_id}.get(column, "")
        for column in HEADER
    ]


def test_the_import_reads_both_columns_and_stores_them_normalised(alice):
    assert {"ror_id", "iati_id"} <= set(HEADER)
    upload = csv_file([HEADER, row("A", "https://ror.org/03yrm5c26", "gb-chc-202918")])
    result = imports.partners_import(upload=upload, user=alice)
    assert result.errors == [] and result.created == 1
    assert Partner.objects.values_list("ror_id", "iati_id").get() == ("03yrm5c26", "GB-CHC-202918")


def test_the_import_names_every_row_with_a_bad_or_duplicate_identifier_and_saves_none(alice):
    PartnerFactory(ror_id="02mhbdp94", iati_id="XM-DAC-41114")
    upload = csv_file(
        [
            HEADER,
            row("A", ror_id="03yrm5c26"),
            row("B", ror_id="https://ror.org/03yrm5c26"),  # the same as row 2
            row("C", ror_id="03yrm5c27"),  # a checksum off by one
            row("D", ror_id="02mhbdp94"),  # a stored partner's
            row("E", iati_id="XM-DAC-41114"),  # a stored partner's
            row("F", iati_id="41114"),  # no prefix
        ]
    )
    result = imports.partners_import(upload=upload, user=alice)
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "ror_id"),
        (4, "ror_id"),
        (5, "ror_id"),
        (6, "iati_id"),
        (7, "iati_id"),
    ]
    messages = [error.message for error in result.errors]
    assert messages[0] == "Same ROR ID as row 2 of this file."
    assert "check digits" in messages[1]
    assert messages[2] == "Another partner has this ROR ID already."
    assert messages[3] == "Another partner has this IATI organisation identifier already."
    assert Partner.objects.count() == 1


# --- search -------------------------------------------------------------------------------


def test_the_list_and_the_picker_find_a_partner_by_its_identifiers(client, erin):
    PartnerFactory(name="California Digital Library", ror_id="03yrm5c26")
    PartnerFactory(name="Oxfam GB", iati_id="GB-CHC-202918")
    PartnerFactory(name="Someone else")
    client.force_login(erin)
    listed = reverse("partnerships:partner_list")
    picker = reverse("partnerships:partner_search")

    def found(url, query):
        content = client.get(url, {"q": query}).content.decode()
        return [name for name in ("California", "Oxfam", "Someone") if name in content]

    assert found(listed, "https://ror.org/03yrm5c26") == ["California"]
    assert found(listed, "GB-CHC") == ["Oxfam"]
    assert found(picker, "03YRM5C26") == ["California"]
    assert found(picker, "gb-chc-202918") == ["Oxfam"]
    assert found(picker, "GB-CHC") == []  # the picker matches whole identifiers


# --- the export ---------------------------------------------------------------------------


def test_the_export_lists_the_filtered_partners_in_the_imports_columns(client, erin, alice):
    PartnerFactory(
        name="California Digital Library",
        country="US",
        time_zone="America/Los_Angeles",
        ror_id="03yrm5c26",
        iati_id="US-EIN-941539563",
        expertise=["libraries", "open science"],
    )
    PartnerFactory(name="Someone else")
    client.force_login(erin)
    response = client.get(reverse("partnerships:partner_export"), {"q": "03yrm5c26"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response.content)  # with the byte-order mark Excel needs
    assert rows[0] == HEADER
    assert len(rows) == 2
    exported = dict(zip(HEADER, rows[1], strict=True))
    assert (exported["ror_id"], exported["iati_id"]) == ("03yrm5c26", "US-EIN-941539563")
    assert exported["expertise"] == "libraries; open science"

    # What is exported imports again as it was.
    Partner.objects.filter(name="California Digital Library").delete()
    upload = SimpleUploadedFile("partners.csv", response.content, content_type="text/csv")
    result = imports.partners_import(upload=upload, user=alice)
    assert result.errors == [] and result.created == 1
    again = Partner.objects.get(name="California Digital Library")
    assert (again.ror_id, again.iati_id, again.expertise) == (
        "03yrm5c26",
        "US-EIN-941539563",
        ["libraries", "open science"],
    )
