"""A partner's name is kept as people see it (core.text): no name of invisible
characters, no second partner for an extra space, no text reordered by
right-to-left overrides — through the page, the import and the API alike."""

import pytest
from django.urls import reverse

from partnerships import imports
from partnerships.models import Partner
from tests.factories import PartnerFactory
from tests.partnerships.test_partner_import import csv_file
from tests.partnerships.test_partner_pages import NEW
from tests.partnerships.test_partner_pages import VALID as PAGE_VALID

pytestmark = pytest.mark.django_db

# The page's own valid partner, named below in every way a name is typed.
VALID = PAGE_VALID | {"expertise": ""}


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("  Aga  Khan\tUniversity   Hospital ", "Aga Khan University Hospital"),
        ("\u200bAga Khan University Hospital\ufeff", "Aga Khan University Hospital"),
        # A joiner inside a word shapes its script: it stays.
        ("بیمارستان\u200cها", "بیمارستان\u200cها"),
        # A mark inside a Hebrew or Arabic name stays; at an end it steers nothing.
        ("\u200fמרכז רפואי\u200f שיבא", "מרכז רפואי\u200f שיבא"),
    ],
)
def test_the_page_keeps_a_name_tidied(client, alice, typed, kept):
    client.force_login(alice)
    response = client.post(NEW, VALID | {"name": typed})
    assert response.status_code == 302, response.context["form"].errors
    assert Partner.objects.get().name == kept


@pytest.mark.parametrize(
    "typed, message",
    [
        ("\u200b\u200b", "This field cannot be blank."),
        ("\u2060 \u200b", "This field cannot be blank."),
        ("Hospital \u202eLatot\u202c", "reorder the text around them"),
        ("Saint \u2067Hospital\u2069 Lyon", "reorder the text around them"),
        ("…", "at least one letter or digit"),
    ],
)
def test_the_page_refuses_a_name_that_hides_or_disguises(client, alice, typed, message):
    client.force_login(alice)
    response = client.post(NEW, VALID | {"name": typed})
    assert response.status_code == 400
    assert message in response.context["form"].errors["name"][0]
    assert not Partner.objects.exists()


def test_an_extra_space_does_not_make_a_second_partner(client, alice):
    PartnerFactory(name="Aga Khan University Hospital", country="KE")
    client.force_login(alice)
    response = client.post(NEW, VALID | {"name": "Aga Khan  University Hospital"})
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["name"][0]
    assert Partner.objects.count() == 1


def test_a_name_in_decomposed_letters_does_not_make_a_second_partner(client, alice):
    PartnerFactory(name="Hôpital Saint-Louis", country="FR")
    client.force_login(alice)
    # "ô" as "o" and a combining circumflex: the same name, as it is shown.
    response = client.post(NEW, VALID | {"name": "Ho\u0302pital Saint-Louis", "country": "FR"})
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["name"][0]
    assert Partner.objects.count() == 1


def test_a_name_is_kept_in_composed_letters(client, alice):
    client.force_login(alice)
    response = client.post(NEW, VALID | {"name": "Ho\u0302pital Nord"})
    assert response.status_code == 302, response.context["form"].errors
    assert Partner.objects.get().name == "H\u00f4pital Nord"


def _row(name):
    row = dict(zip(imports.COLUMNS, imports.EXAMPLE, strict=True))
    row |= {"name": name, "ror_id": "", "iati_id": ""}
    return [row[column] for column in imports.COLUMNS]


def test_the_import_tidies_and_refuses_alike(client, alice):
    rows = [imports.COLUMNS, _row("  Tidied   Partner "), _row("\u200b")]
    client.force_login(alice)
    response = client.post(reverse("partnerships:partner_import"), {"file": csv_file(rows)})
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(error.row, error.column) for error in errors] == [(3, "name")]
    assert not Partner.objects.exists()

    response = client.post(reverse("partnerships:partner_import"), {"file": csv_file(rows[:2])})
    assert Partner.objects.get().name == "Tidied Partner"


def test_the_import_compares_names_as_the_page_does(client, alice):
    """The database's unique name (Lower) holds "Straße" and "STRASSE" apart, as
    the page does: a file holding both is not refused as naming one twice."""
    rows = [imports.COLUMNS, _row("Straße Klinik"), _row("STRASSE KLINIK")]
    client.force_login(alice)
    response = client.post(reverse("partnerships:partner_import"), {"file": csv_file(rows)})
    assert response.status_code == 302, response.context["result"].errors
    assert sorted(Partner.objects.values_list("name", flat=True)) == [
        "STRASSE KLINIK",
        "Straße Klinik",
    ]

    rows = [imports.COLUMNS, _row("straße klinik")]
    response = client.post(reverse("partnerships:partner_import"), {"file": csv_file(rows)})
    assert response.status_code == 400
    assert Partner.objects.count() == 2
