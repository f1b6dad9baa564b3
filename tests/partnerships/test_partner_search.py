"""The partner pickers: a search box served page by page, not a list of every partner."""

import re

import pytest
from django.urls import reverse

from partnerships.views.partners import SEARCH_RESULTS
from tests.factories import MemberFactory, PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("partnerships:partner_search")
CREATE = reverse("partnerships:partnership_create")


def test_it_finds_partners_by_part_of_their_name(client, erin):
    PartnerFactory(name="Moi Teaching Hospital", country="KE")
    PartnerFactory(name="Mbarara Hospital", country="UG")
    PartnerFactory(name="Makerere University", country="UG")
    client.force_login(erin)  # an executive reads the partners
    response = client.get(SEARCH, {"q": "hospital"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Moi Teaching Hospital" in content and "Mbarara Hospital" in content
    assert "Makerere" not in content
    assert 'data-partner-label="Mbarara Hospital (UG)"' in content


def test_it_answers_nothing_to_an_empty_query(client, erin):
    PartnerFactory()
    client.force_login(erin)
    assert client.get(SEARCH, {"q": " "}).content.strip() == b""


def test_it_sends_one_page_and_says_more_match(client, erin, django_assert_max_num_queries):
    PartnerFactory.create_batch(SEARCH_RESULTS + 5)
    client.force_login(erin)
    # 1 the session; 2 the user; 3-4 the user's permissions and their groups';
    # 5 SAVEPOINT (the request's transaction); 6 the page of matches; 7 RELEASE.
    with django_assert_max_num_queries(7):
        response = client.get(SEARCH, {"q": "partner"})
    assert response.content.decode().count("data-partner-id") == SEARCH_RESULTS
    assert b"More match" in response.content


def test_who_may_not_read_partners_gets_403(client, nora):
    PartnerFactory(name="Moi Teaching Hospital")
    client.force_login(nora)
    assert client.get(SEARCH, {"q": "moi"}).status_code == 403
    client.logout()
    assert client.get(SEARCH, {"q": "moi"}).status_code in (302, 403)


@pytest.mark.parametrize("count", [10, 300])
def test_the_partnership_form_does_not_list_the_partners(
    client, alice, count, django_assert_max_num_queries
):
    PartnerFactory.create_batch(count)
    client.force_login(alice)
    # 1 the session; 2 the user; 3-4 their permissions and their groups';
    # 5 SAVEPOINT; 6 the unread notifications; 7-8 the managers who may
    # co-lead (a list for each co-lead row); 9 RELEASE. None for the partners.
    with django_assert_max_num_queries(9):
        response = client.get(CREATE)
    assert response.status_code == 200
    assert "Partner hospital" not in response.content.decode()
    assert 'hx-get="/partners/search/' in response.content.decode()


def test_the_form_pages_weigh_the_same_with_10_or_300_partners(client, alice):
    client.force_login(alice)
    PartnerFactory.create_batch(10)
    small = len(client.get(CREATE).content)
    PartnerFactory.create_batch(290)
    # The CSRF token may differ by a few characters; the page does not grow.
    assert abs(len(client.get(CREATE).content) - small) < 100


def test_a_chosen_partner_shows_by_name_when_the_form_comes_back(client, alice):
    hospital = PartnerFactory(name="Moi Teaching Hospital", country="KE")
    client.force_login(alice)
    response = client.post(
        CREATE,
        {
            "title": "",  # refused: the form comes back
            "purpose": "clinical_exchange",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-partner": hospital.pk,
            "members-0-role": "lead",
            "leads-TOTAL_FORMS": "0",
            "leads-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert f'name="members-0-partner" value="{hospital.pk}"' in content
    assert 'value="Moi Teaching Hospital (KE)"' in content


def test_a_partner_that_does_not_exist_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        CREATE,
        {
            "title": "Nurse exchange",
            "purpose": "clinical_exchange",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-partner": "999999",
            "members-0-role": "lead",
            "leads-TOTAL_FORMS": "0",
            "leads-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["members"].forms[0].errors["partner"]
    # A screen reader hears the box is refused, and which message says why.
    box = re.search(r'<input type="search" id="id_members-0-partner"[^>]*>', response.text)[0]
    assert 'aria-invalid="true"' in box
    described = re.search(r'aria-describedby="([^"]+)"', box)[1]
    assert f'id="{described.split()[0]}"' in response.text


def members_and_partners(count, owner):
    """A partnership of `owner`'s with `count` members, among `count` more partners."""
    partnership = PartnershipFactory(owner=owner, member=False)
    for n in range(count):
        MemberFactory(partnership=partnership, partner__name=f"Member hospital {count}-{n}")
    PartnerFactory.create_batch(count)
    return partnership


@pytest.mark.parametrize("count", [3, 30])
def test_the_agreement_form_searches_the_parties_as_you_type(
    client, alice, count, django_assert_max_num_queries
):
    partnership = members_and_partners(count, alice)
    client.force_login(alice)
    # 1 the session; 2 the user; 3-4 their permissions and their groups';
    # 5 SAVEPOINT; 6-8 the partnership, whether she may change it, its
    # agreements (what one may amend); 9 the unread notifications; 10 RELEASE.
    # None for the partners or the members, however many.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("partnerships:agreement_create", args=[partnership.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Member hospital" not in content and "Partner hospital" not in content
    assert f'hx-get="/partners/search/?partnership={partnership.pk}"' in content


def test_the_agreement_form_weighs_the_same_with_3_or_30_members(client, alice):
    client.force_login(alice)
    small_partnership = members_and_partners(3, alice)
    large_partnership = members_and_partners(30, alice)
    small = client.get(reverse("partnerships:agreement_create", args=[small_partnership.pk]))
    large = client.get(reverse("partnerships:agreement_create", args=[large_partnership.pk]))
    # The ids in the URLs and the CSRF token differ by a few characters.
    assert abs(len(large.content) - len(small.content)) < 100


def test_the_party_search_finds_only_the_partnerships_members(client, alice):
    partnership = PartnershipFactory(owner=alice, member=False)
    MemberFactory(partnership=partnership, partner__name="Kenyatta Hospital", partner__country="KE")
    MemberFactory(partner__name="Kijabe Hospital")  # a member of another partnership
    PartnerFactory(name="Kisumu Hospital")  # a partner of none
    client.force_login(alice)

    response = client.get(SEARCH, {"q": "k", "partnership": partnership.pk})

    content = response.content.decode()
    assert 'data-partner-label="Kenyatta Hospital (KE)"' in content
    assert "Kijabe" not in content and "Kisumu" not in content


def test_a_query_holding_a_null_character_finds_nothing(client, alice):
    """PostgreSQL cannot compare text holding a NUL: no match, not a server error."""
    PartnerFactory(name="Kenyatta Hospital")
    client.force_login(alice)
    response = client.get(SEARCH, {"q": "Ken\x00"})
    assert response.status_code == 200
    assert "Kenyatta" not in response.content.decode()


@pytest.mark.parametrize("scope", ["²", "x", "-1"])
def test_the_party_search_finds_nothing_for_a_partnership_that_is_no_id(client, alice, scope):
    """ "²" passes str.isdigit() but not int(): no match, not a server error."""
    MemberFactory(partner__name="Kenyatta Hospital")
    client.force_login(alice)
    response = client.get(SEARCH, {"q": "k", "partnership": scope})
    assert response.status_code == 200
    assert "Kenyatta" not in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_party_search_sends_one_page_in_one_query(
    client, alice, erin, count, django_assert_max_num_queries
):
    partnership = members_and_partners(count, alice)
    client.force_login(erin)
    # 1 the session; 2 the user; 3-4 their permissions and their groups';
    # 5 SAVEPOINT; 6 the page of matching members; 7 RELEASE.
    with django_assert_max_num_queries(7):
        response = client.get(SEARCH, {"q": "hospital", "partnership": partnership.pk})
    assert response.content.decode().count("data-partner-id") == min(count, SEARCH_RESULTS)
    assert (b"More match" in response.content) == (count > SEARCH_RESULTS)


def test_a_party_search_for_no_partnership_answers_nothing(client, erin):
    PartnerFactory(name="Moi Teaching Hospital")
    client.force_login(erin)
    assert b"data-partner-id" not in client.get(SEARCH, {"q": "moi", "partnership": "x"}).content


@pytest.mark.parametrize(
    "typed",
    [
        "hopital saint-aurele",  # typed without the accents, as a hurried reader does
        "saint aurele",  # and without the dash
        "HÔPITAL",
        "Ho\u0302pital",  # ô typed as o + a combining circumflex (macOS, some keyboards)
        "hôpital   saint",  # spaces run together
    ],
)
def test_the_picker_finds_a_name_however_its_accents_and_spaces_are_typed(client, erin, typed):
    PartnerFactory(name="Hôpital Saint-Aurèle", country="FR")
    PartnerFactory(name="Hospital Santa Aurora", country="BR")
    client.force_login(erin)
    content = client.get(SEARCH, {"q": typed}).content.decode()
    assert "Hôpital Saint-Aurèle" in content
    assert "Santa Aurora" not in content


def test_the_picker_finds_a_name_with_a_curly_apostrophe_typed_straight(client, erin):
    PartnerFactory(name="St Brannock’s Hospital", country="GB")
    client.force_login(erin)
    assert "Brannock" in client.get(SEARCH, {"q": "brannock's"}).content.decode()
    assert "Brannock" not in client.get(SEARCH, {"q": "brannocks"}).content.decode()


def test_the_partner_list_finds_a_city_and_an_expertise_without_their_accents(client, erin):
    PartnerFactory(name="Universidad San Telmo", city="Medellín", expertise=["Cardiología"])
    PartnerFactory(name="Makerere University", city="Kampala", expertise=["Malaria"])
    client.force_login(erin)
    by_city = client.get(reverse("partnerships:partner_list"), {"q": "medellin"})
    assert "San Telmo" in by_city.content.decode()
    assert "Makerere" not in by_city.content.decode()
    by_expertise = client.get(reverse("partnerships:partner_list"), {"q": "cardiologia"})
    assert "San Telmo" in by_expertise.content.decode()
    assert "Makerere" not in by_expertise.content.decode()
