"""The partner pages: the list, one partner, create and edit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import services
from partnerships.forms_partners import PartnerForm
from partnerships.models import EXPERTISE_MAX_AREAS, AgreementParty, Contact, Partner
from tests.factories import AgreementFactory, MemberFactory, PartnerFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db

LIST = reverse("partnerships:partner_list")
NEW = reverse("partnerships:partner_create")

VALID = {
    "name": "Aga Khan University Hospital",
    "kind": "hospital",
    "organisation_type": "22",
    "sector": "nonprofit",
    "country": "KE",
    "city": "Nairobi",
    "languages": ["en", "sw"],
    "time_zone": "Africa/Nairobi",
    "expertise": "cardiology, oncology",
    "website": "https://example.org",
    "notes": "",
}


def names(response):
    return [partner.name for partner in response.context["page"]]


class TestList:
    def test_it_searches_name_city_and_expertise(self, client, erin):
        PartnerFactory(name="Moi Teaching Hospital", city="Eldoret")
        PartnerFactory(name="Makerere University", city="Kampala", country="UG")
        PartnerFactory(name="Charité", city="Berlin", country="DE", expertise=["Neonatology"])
        client.force_login(erin)
        assert names(client.get(LIST, {"q": "moi"})) == ["Moi Teaching Hospital"]
        assert names(client.get(LIST, {"q": "kampala"})) == ["Makerere University"]
        assert names(client.get(LIST, {"q": "neonat"})) == ["Charité"]
        assert names(client.get(LIST, {"q": "nothing like it"})) == []

    def test_it_filters_by_country_sector_type_and_region(self, client, erin):
        PartnerFactory(name="Nairobi Hospital", country="KE", sector="government")
        PartnerFactory(name="Karolinska", country="SE", sector="academic", organisation_type="80")
        PartnerFactory(name="Novartis", country="CH", sector="industry", organisation_type="70")
        client.force_login(erin)
        assert names(client.get(LIST, {"country": "SE"})) == ["Karolinska"]
        assert names(client.get(LIST, {"sector": "industry"})) == ["Novartis"]
        assert names(client.get(LIST, {"organisation_type": "80"})) == ["Karolinska"]
        assert names(client.get(LIST, {"region": "EU"})) == ["Karolinska", "Novartis"]
        assert names(client.get(LIST, {"region": "AF", "sector": "industry"})) == []

    def test_it_sorts(self, client, erin):
        PartnerFactory(name="B", country="SE")
        PartnerFactory(name="A", country="UG")
        PartnerFactory(name="C", country="AR")
        client.force_login(erin)
        assert names(client.get(LIST)) == ["A", "B", "C"]
        assert names(client.get(LIST, {"sort": "country"})) == ["C", "B", "A"]
        assert names(client.get(LIST, {"sort": "created"})) == ["C", "A", "B"]

    def test_it_pages_by_25_keeping_the_filters(self, client, erin):
        PartnerFactory.create_batch(30, country="KE")
        client.force_login(erin)
        response = client.get(LIST, {"country": "KE"})
        assert len(response.context["page"]) == 25
        assert b"country=KE&amp;page=2" in response.content
        assert len(client.get(LIST, {"country": "KE", "page": 2}).context["page"]) == 5

    def test_it_counts_partnerships(self, client, erin):
        partner = PartnerFactory(name="Member twice")
        MemberFactory.create_batch(2, partner=partner)
        PartnerFactory(name="Not yet a member")
        client.force_login(erin)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(LIST).context["page"]
        assert [(p.name, p.partnership_count) for p in page] == [
            ("Member twice", 2),
            ("Not yet a member", 0),
        ]
        # The count reads the partners alone; the page counts its own
        # partners' memberships (a join grouped by partner read them all).
        assert 'SELECT COUNT(*) AS "__count" FROM "partnerships_partner"' in [
            q["sql"] for q in queries
        ]

    @pytest.mark.parametrize("size", [5, 50])
    def test_its_queries_do_not_grow(self, client, alice, size, django_assert_num_queries):
        for partner in PartnerFactory.create_batch(size):
            MemberFactory(partner=partner)
        client.force_login(alice)
        # session, user, savepoint, user and group permissions, count, unread
        # notifications (menu), the page of partners with their partnership
        # counts, release
        with django_assert_num_queries(9):
            response = client.get(LIST)
        assert response.context["page"].paginator.count == size

    def test_managers_see_the_buttons(self, client, alice):
        client.force_login(alice)
        response = client.get(LIST)
        assert NEW.encode() in response.content
        assert reverse("partnerships:partner_import").encode() in response.content

    @pytest.mark.parametrize("who", ["erin", "rita"])
    def test_readers_see_no_buttons(self, client, who, request):
        client.force_login(request.getfixturevalue(who))
        response = client.get(LIST)
        assert response.status_code == 200
        assert NEW.encode() not in response.content
        assert reverse("partnerships:partner_import").encode() not in response.content


def partner_with(count):
    partner = PartnerFactory()
    for index in range(count):
        Contact.objects.create(partner=partner, name=f"Contact {index}", is_primary=index == 0)
        member = MemberFactory(partner=partner, role="implementer")
        agreement = AgreementFactory(partnership=member.partnership)
        AgreementParty.objects.create(agreement=agreement, partner=partner)
    return partner


class TestDetail:
    def test_it_shows_contacts_partnerships_agreements_and_history(self, client, alice, erin):
        partner = partner_with(1)
        client.force_login(alice)
        url = reverse("partnerships:partner_edit", args=[partner.pk])
        client.post(url, VALID | {"name": partner.name, "city": "Mombasa"} | opened(client, url))
        client.force_login(erin)
        response = client.get(reverse("partnerships:partner_detail", args=[partner.pk]))
        assert response.status_code == 200
        assert b"Contact 0" in response.content
        assert b"Implementer" in response.content
        assert response.context["agreements"][0].title.encode() in response.content
        assert response.context["languages"] == ["English", "Swahili"]
        # The city is user text, in its own direction.
        assert b'<span dir="auto">Mombasa</span>, Kenya (Africa)' in response.content
        latest = response.context["history"][0]
        assert latest.event.user == alice
        assert ("city", "Mombasa") in [(c.field, c.new) for c in latest.changes]
        assert "City: Nairobi → Mombasa" in response.content.decode()
        assert b"Edit" not in response.content

    def test_managers_see_the_edit_button(self, client, alice):
        partner = PartnerFactory()
        client.force_login(alice)
        response = client.get(reverse("partnerships:partner_detail", args=[partner.pk]))
        assert reverse("partnerships:partner_edit", args=[partner.pk]).encode() in response.content

    @pytest.mark.parametrize("count", [1, 5])
    def test_its_queries_do_not_grow(self, client, erin, count, django_assert_num_queries):
        partner = partner_with(count)
        for index in range(count):
            services.partner_update(partner=partner, city=f"City {index}")
        client.force_login(erin)
        # session, user, savepoint, user and group permissions, the partner, its
        # history with users, unread notifications (menu), contacts, memberships
        # with partnerships, agreements with partnerships, release
        with django_assert_num_queries(12):
            response = client.get(reverse("partnerships:partner_detail", args=[partner.pk]))
        assert len(response.context["contacts"]) == count


def areas(count):
    return [f"area {n}" for n in range(count)]


class TestExpertise:
    """At most EXPERTISE_MAX_AREAS areas, said next to the field."""

    @pytest.mark.parametrize("count", [EXPERTISE_MAX_AREAS - 1, EXPERTISE_MAX_AREAS])
    def test_up_to_twenty_areas_are_saved(self, client, alice, count):
        client.force_login(alice)
        response = client.post(NEW, VALID | {"expertise": ", ".join(areas(count))})
        assert response.status_code == 302
        assert Partner.objects.get().expertise == areas(count)

    def test_a_twenty_first_is_refused_next_to_the_field_and_the_list_kept(self, client, alice):
        client.force_login(alice)
        typed = ", ".join(areas(EXPERTISE_MAX_AREAS + 1))
        response = client.post(NEW, VALID | {"expertise": typed})
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "expertise": [
                "A partner has at most 20 areas of expertise; this lists 21. Keep the main ones."
            ]
        }
        assert f'value="{typed}"'.encode() in response.content
        assert not Partner.objects.exists()

    def test_an_edit_to_twenty_one_areas_is_refused_and_the_stored_ones_kept(self, client, alice):
        partner = PartnerFactory(expertise=["surgery"])
        client.force_login(alice)
        edit = reverse("partnerships:partner_edit", args=[partner.pk])
        typed = "; ".join(areas(EXPERTISE_MAX_AREAS + 1))
        response = client.post(edit, VALID | {"expertise": typed} | opened(client, edit))
        assert response.status_code == 400
        assert "expertise" in response.context["form"].errors
        partner.refresh_from_db()
        assert partner.expertise == ["surgery"]

    def test_blank_items_are_dropped_and_an_area_typed_twice_is_kept_once(self, client, alice):
        client.force_login(alice)
        typed = " cardiology ,, ;  , Oncology, CARDIOLOGY, oncology "
        response = client.post(NEW, VALID | {"expertise": typed})
        assert response.status_code == 302
        assert Partner.objects.get().expertise == ["cardiology", "Oncology"]

    def test_twenty_areas_and_their_repeats_count_as_twenty(self, client, alice):
        client.force_login(alice)
        typed = ", ".join([*areas(EXPERTISE_MAX_AREAS), "Area 0", "AREA 19"])
        response = client.post(NEW, VALID | {"expertise": typed})
        assert response.status_code == 302
        assert Partner.objects.get().expertise == areas(EXPERTISE_MAX_AREAS)

    def test_a_null_character_is_refused_next_to_the_field_not_a_500(self, client, alice):
        """The field's own check of a NUL read the list of areas, whose repr
        writes it as "\\x00": PostgreSQL refused what was let through."""
        client.force_login(alice)
        response = client.post(NEW, VALID | {"expertise": "cardiology, onco\x00logy"})
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "expertise": ["Null characters are not allowed."]
        }
        assert not Partner.objects.exists()

    def test_only_blanks_are_no_expertise(self, client, alice):
        client.force_login(alice)
        response = client.post(NEW, VALID | {"expertise": " , ;  "})
        assert response.status_code == 302
        assert Partner.objects.get().expertise == []


class TestCreateAndEdit:
    def test_a_manager_creates_a_partner(self, client, alice):
        client.force_login(alice)
        response = client.post(NEW, VALID)
        partner = Partner.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("partnerships:partner_detail", args=[partner.pk])
        assert partner.languages == ["en", "sw"]
        assert partner.expertise == ["cardiology", "oncology"]
        assert partner.history.get().pgh_context["user"] == alice.pk

    def test_a_manager_edits_a_partner(self, client, alice, bob):
        partner = PartnerFactory(name="Old name")
        client.force_login(bob)
        edit = reverse("partnerships:partner_edit", args=[partner.pk])
        form = client.get(edit)
        assert b"Old name" in form.content
        response = client.post(
            edit, VALID | {"expertise": "surgery; nursing"} | opened(client, edit)
        )
        assert response.status_code == 302
        partner.refresh_from_db()
        assert partner.name == VALID["name"]
        assert partner.expertise == ["surgery", "nursing"]

    def test_a_french_reader_picks_the_time_zone_by_country_and_city_and_its_name_is_stored(
        self, client, alice
    ):
        alice.language = "fr"
        alice.save(update_fields=["language"])
        client.force_login(alice)
        page = client.get(NEW).content.decode()
        assert '<option value="Africa/Nairobi">Kenya — Nairobi</option>' in page

        client.post(NEW, VALID)

        partner = Partner.objects.get()
        assert str(partner.time_zone) == "Africa/Nairobi"
        detail = client.get(reverse("partnerships:partner_detail", args=[partner.pk]))
        assert '<dd class="col-7">Kenya — Nairobi</dd>' in detail.content.decode()

    def test_a_partner_kept_under_an_older_zone_name_is_shown_it_chosen(self, client, alice):
        partner = PartnerFactory(time_zone="US/Eastern")
        client.force_login(alice)

        page = client.get(reverse("partnerships:partner_edit", args=[partner.pk])).content.decode()

        assert '<option value="US/Eastern" selected>United States — New York</option>' in page

    def test_invalid_input_is_refused_next_to_the_field_and_kept(self, client, alice):
        client.force_login(alice)
        response = client.post(NEW, VALID | {"website": "not a web address", "city": "Kisumu"})
        assert response.status_code == 400
        assert Partner.objects.count() == 0
        assert "website" in response.context["form"].errors
        assert b'id="error_1_id_website"' in response.content
        assert b'value="not a web address"' in response.content
        assert b'value="Kisumu"' in response.content

    def test_a_refused_edit_answers_400_saves_nothing_and_keeps_what_was_typed(self, client, alice):
        partner = PartnerFactory(name="Old name", city="Nairobi", website="https://old.example")
        client.force_login(alice)
        edit = reverse("partnerships:partner_edit", args=[partner.pk])
        typed = VALID | {"name": "New name", "website": "not a web address", "city": "Kisumu"}
        response = client.post(edit, typed | opened(client, edit))
        assert response.status_code == 400
        assert "website" in response.context["form"].errors
        assert b'value="New name"' in response.content
        assert b'value="Kisumu"' in response.content
        partner.refresh_from_db()
        assert (partner.name, partner.city, partner.website, partner.version) == (
            "Old name",
            "Nairobi",
            "https://old.example",
            1,
        )

    def test_a_duplicate_name_is_refused_next_to_the_name(self, client, alice):
        PartnerFactory(name="Aga Khan University Hospital", country="KE")
        client.force_login(alice)
        response = client.post(NEW, VALID | {"name": "AGA KHAN university hospital"})
        assert response.status_code == 400
        assert response.context["form"].errors["name"] == [
            "A partner with this name already exists in this country."
        ]
        assert b'value="AGA KHAN university hospital"' in response.content
        assert Partner.objects.count() == 1

    @pytest.mark.parametrize("who", ["erin", "rita"])
    def test_readers_get_403_and_change_nothing(self, client, who, request):
        partner = PartnerFactory(name="Kept")
        client.force_login(request.getfixturevalue(who))
        edit = reverse("partnerships:partner_edit", args=[partner.pk])
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, VALID).status_code == 403
        assert client.get(edit).status_code == 403
        assert client.post(edit, VALID).status_code == 403
        assert list(Partner.objects.values_list("name", flat=True)) == ["Kept"]

    def test_the_form_refuses_a_user_without_the_right(self, erin):
        form = PartnerForm(VALID, user=erin)
        assert not form.is_valid()
        assert form.non_field_errors() == ["You may not change partners."]
