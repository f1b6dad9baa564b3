"""A partnership's members changed on their own page: proven by the rows saved
or left as they were, for those who may change the partnership and those who
may not."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from partnerships import services
from partnerships.models import Partnership, PartnershipLead, PartnershipMember
from partnerships.views import members as members_views
from tests.factories import MemberFactory, PartnerFactory, PartnershipFactory
from tests.locks import locked_elsewhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(alice, bob):
    """alice owns it, bob co-leads it; Kenyatta Hospital is its lead partner."""
    partnership = PartnershipFactory(
        owner=alice,
        title="Nairobi exchange",
        member__partner__name="Kenyatta Hospital",
        member__role="lead",
    )
    PartnershipLead.objects.create(partnership=partnership, user=bob, functional_area="research")
    return partnership


def html_of(response) -> str:
    return response.content.decode()


def page(partnership):
    return reverse("partnerships:partnership_members", args=[partnership.pk])


def role_url(member):
    return reverse("partnerships:partnership_member_role", args=[member.partnership_id, member.pk])


def remove_url(member):
    return reverse(
        "partnerships:partnership_member_remove", args=[member.partnership_id, member.pk]
    )


def members_of(partnership) -> dict[str, str]:
    return dict(partnership.members.values_list("partner__name", "role"))


class TestAdding:
    def test_a_co_lead_adds_a_member_with_its_role(self, client, bob, partnership):
        university = PartnerFactory(name="University of Nairobi")
        client.force_login(bob)
        response = client.post(page(partnership), {"partner": university.pk, "role": "funder"})
        assert response.status_code == 302
        assert members_of(partnership) == {
            "Kenyatta Hospital": "lead",
            "University of Nairobi": "funder",
        }
        partnership.refresh_from_db()
        assert partnership.version == 2  # its members are part of it as read

    def test_a_partner_already_a_member_is_refused_next_to_the_partner(
        self, client, alice, partnership
    ):
        hospital = partnership.members.get().partner
        client.force_login(alice)
        response = client.post(page(partnership), {"partner": hospital.pk, "role": "member"})
        assert response.status_code == 400
        assert response.context["add_form"].errors == {
            "partner": ["This partner is already a member of the partnership."]
        }
        assert members_of(partnership) == {"Kenyatta Hospital": "lead"}

    def test_a_second_lead_is_refused_next_to_its_role_and_the_choice_kept(
        self, client, alice, partnership
    ):
        other = PartnerFactory(name="Aga Khan Hospital")
        client.force_login(alice)
        response = client.post(page(partnership), {"partner": other.pk, "role": "lead"})
        assert response.status_code == 400
        form = response.context["add_form"]
        assert form.errors == {"role": ["A partnership has at most one lead partner."]}
        assert form["partner"].value() == str(other.pk)
        assert "Aga Khan Hospital (KE)" in response.content.decode()  # the picker keeps it
        assert members_of(partnership) == {"Kenyatta Hospital": "lead"}

    def test_no_partner_chosen_is_refused_next_to_the_field(self, client, alice, partnership):
        client.force_login(alice)
        response = client.post(page(partnership), {"partner": "", "role": "member"})
        assert response.status_code == 400
        assert "partner" in response.context["add_form"].errors
        assert partnership.members.count() == 1


class TestRoles:
    def test_a_member_gets_another_role(self, client, alice, partnership):
        member = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        client.force_login(alice)
        response = client.post(role_url(member), {"role": "implementer"})
        assert response.status_code == 302
        assert members_of(partnership)["Aga Khan Hospital"] == "implementer"

    def test_a_second_lead_is_refused_on_its_row(self, client, alice, partnership):
        member = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        client.force_login(alice)
        response = client.post(role_url(member), {"role": "lead"})
        assert response.status_code == 400
        (row,) = [r for r in response.context["rows"] if r["member"].pk == member.pk]
        assert row["role_form"].errors == {"role": ["A partnership has at most one lead partner."]}
        assert row["role_form"]["role"].value() == "lead"
        pattern = rf'<select[^>]*id="id_member_{member.pk}_role"[^>]*>'
        (select,) = re.findall(pattern, html_of(response))
        assert 'class="form-select form-select-sm is-invalid"' in select
        assert members_of(partnership)["Aga Khan Hospital"] == "member"

    def test_each_rows_role_box_is_named_after_its_partner(self, client, alice, partnership):
        member = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        client.force_login(alice)
        html = client.get(page(partnership)).content.decode()
        label = f'<label class="visually-hidden" for="id_member_{member.pk}_role">'
        assert f"{label}Role of Aga Khan Hospital</label>" in html
        # On screen the column's header says it, not each row again: the only
        # label shown is the new member's box's.
        assert html.count('Role<span class="asteriskField">') == 1

    def test_another_partnerships_member_is_404(self, client, alice, partnership):
        elsewhere = PartnershipFactory(owner=alice)
        stranger = elsewhere.members.get()
        client.force_login(alice)
        url = reverse("partnerships:partnership_member_role", args=[partnership.pk, stranger.pk])
        assert client.post(url, {"role": "funder"}).status_code == 404
        assert PartnershipMember.objects.get(pk=stranger.pk).role == "member"


class TestTakingOff:
    def test_one_of_two_members_is_taken_off(self, client, alice, partnership):
        member = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        client.force_login(alice)
        response = client.post(remove_url(member))
        assert response.status_code == 302
        assert members_of(partnership) == {"Kenyatta Hospital": "lead"}

    def test_the_last_member_stays_and_its_row_says_why(self, client, alice, partnership):
        (member,) = partnership.members.all()
        client.force_login(alice)
        response = client.post(remove_url(member))
        assert response.status_code == 400
        (row,) = response.context["rows"]
        assert row["errors"] == [
            "Kenyatta Hospital is the partnership's only member organisation: "
            "add another before taking it off."
        ]
        assert members_of(partnership) == {"Kenyatta Hospital": "lead"}

    def test_a_party_to_an_agreement_stays(self, client, alice, partnership):
        party = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        services.agreement_create(
            partnership=partnership,
            title="Exchange MoU",
            status="active",
            effective_date=dt.date(2025, 1, 1),
            expiry_date=dt.date(2027, 12, 31),
            parties=[services.Party(partner=party.partner, signatory_name="Dr A. Otieno")],
        )
        client.force_login(alice)
        response = client.post(remove_url(party))
        assert response.status_code == 400
        assert "party to an agreement" in response.content.decode()
        assert "Aga Khan Hospital" in members_of(partnership)


class TestRights:
    @pytest.mark.parametrize("who", ["erin", "rita"])
    def test_one_who_does_not_lead_it_changes_nothing(self, client, request, who, partnership):
        member = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        client.force_login(request.getfixturevalue(who))
        assert client.get(page(partnership)).status_code == 403
        new = PartnerFactory(name="University of Nairobi")
        assert client.post(page(partnership), {"partner": new.pk}).status_code == 403
        assert client.post(role_url(member), {"role": "funder"}).status_code == 403
        assert client.post(remove_url(member)).status_code == 403
        assert members_of(partnership) == {
            "Kenyatta Hospital": "lead",
            "Aga Khan Hospital": "member",
        }

    def test_the_partnership_page_links_the_members_page_for_its_leaders_only(
        self, client, alice, erin, partnership
    ):
        detail = reverse("partnerships:partnership_detail", args=[partnership.pk])
        client.force_login(alice)
        assert page(partnership) in client.get(detail).content.decode()
        client.force_login(erin)
        assert page(partnership) not in client.get(detail).content.decode()


@pytest.mark.parametrize("where", ["members", "new partnership"])
def test_a_partner_not_listed_yet_can_be_added_in_a_new_tab(client, alice, partnership, where):
    client.force_login(alice)
    url = page(partnership) if where == "members" else reverse("partnerships:partnership_create")
    html = client.get(url).content.decode()
    new_partner = reverse("partnerships:partner_create")
    assert f'<a href="{new_partner}" target="_blank" rel="noopener">Add it</a>' in html


class TestMeanwhile:
    """What someone else did between the page and the click."""

    def test_a_role_given_to_a_member_taken_off_meanwhile_does_not_bring_it_back(
        self, alice, partnership
    ):
        stale = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        services.partnership_member_remove(member=PartnershipMember.objects.get(pk=stale.pk))
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_member_update(member=stale, role="funder")
        assert excinfo.value.message_dict == {
            "role": ["Aga Khan Hospital is no longer a member: someone took it off meanwhile."]
        }
        assert members_of(partnership) == {"Kenyatta Hospital": "lead"}

    def test_a_refusal_about_a_member_no_longer_there_is_said_above_the_table(
        self, rf, alice, partnership
    ):
        request = rf.post(page(partnership))
        request.user = alice
        response = members_views._page(
            request, partnership, refused_member=10**9, error=["It is gone."]
        )
        assert response.status_code == 400
        assert '<div class="alert alert-danger" role="alert">It is gone.</div>' in (
            response.content.decode()
        )

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_people_taking_off_the_last_two_members_at_once_leave_one(self, alice, partnership):
        """The first holds the partnership's lock until it commits; the second,
        waiting for it, then finds one member left and is refused."""
        other = MemberFactory(partnership=partnership, partner__name="Aga Khan Hospital")
        first = partnership.members.get(role="lead")
        with transaction.atomic():
            services.partnership_member_remove(member=first)
            assert locked_elsewhere(Partnership, partnership.pk)  # the second one waits
        with pytest.raises(ValidationError, match="only member organisation"):
            services.partnership_member_remove(member=other)
        assert members_of(partnership) == {"Aga Khan Hospital": "member"}
