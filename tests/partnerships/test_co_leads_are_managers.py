"""A co-lead is a partnership manager (`PartnershipLead.who_may_lead`).

The rule lives on the model (`clean`, which the service runs) and in the
database (the `lead_is_manager` trigger); the partnership page's form and the
API, which reuses it, call it and say it next to the row's person. A person
whose roles change so that they are no longer a manager, in the admin or at
an SSO sign-in, is taken off the dyads they co-lead, the history keeping it.

alice owns, bob is a manager from administration, erin an executive, rita a
reviewer, adam the administrator.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import user_sync_roles_from_sso
from api.tokens import token_create
from partnerships import services
from partnerships.models import Partnership, PartnershipLead
from tests.accounts.test_admin import posted
from tests.factories import PartnerFactory, PartnershipFactory, signed_in_again

pytestmark = pytest.mark.django_db


def not_a_manager(user) -> str:
    return f"{user} is not a partnership manager: only a manager co-leads a partnership."


def create(owner, *leads):
    return services.partnership_create(
        title="Nairobi exchange",
        purpose="clinical_exchange",
        owner=owner,
        members=[services.Member(partner=PartnerFactory(), role="lead")],
        leads=[services.Lead(user=user, functional_area=area) for user, area in leads],
    )


class TestTheService:
    @pytest.mark.parametrize("who", ["erin", "rita", "nora"])
    def test_it_refuses_a_co_lead_who_is_not_a_manager_and_saves_nothing(
        self, request, alice, bob, who
    ):
        user = request.getfixturevalue(who)
        with pytest.raises(ValidationError) as refused:
            create(alice, (bob, "administrative"), (user, "clinical"))
        assert refused.value.message_dict == {"leads[1].user": [not_a_manager(user)]}
        assert not Partnership.objects.exists()
        assert not PartnershipLead.objects.exists()

    def test_a_manager_co_leads(self, alice, bob):
        partnership = create(alice, (bob, "administrative"))
        assert list(partnership.leads.values_list("user", flat=True)) == [bob.pk]

    def test_a_reviewer_who_is_also_a_manager_co_leads(self, alice, rita):
        rita.groups.add(Group.objects.get(name=Role.MANAGER))
        partnership = create(alice, (rita, "research"))
        assert list(partnership.leads.values_list("user", flat=True)) == [rita.pk]


class TestTheDatabase:
    def test_a_row_written_around_the_model_is_refused(self, alice, erin):
        partnership = PartnershipFactory(owner=alice)
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            PartnershipLead.objects.bulk_create(
                [PartnershipLead(partnership=partnership, user=erin, functional_area="clinical")]
            )
        assert refused.value.__cause__.diag.constraint_name == "lead_is_manager"
        assert not PartnershipLead.objects.exists()

    def test_a_row_moved_to_a_non_manager_is_refused(self, alice, bob, erin):
        partnership = PartnershipFactory(owner=alice)
        lead = PartnershipLead.objects.create(
            partnership=partnership, user=bob, functional_area="clinical"
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            PartnershipLead.objects.filter(pk=lead.pk).update(user=erin)
        assert PartnershipLead.objects.get().user == bob


class TestThePage:
    def post(self, client, lead):
        return client.post(
            reverse("partnerships:partnership_create"),
            {
                "title": "Typed title",
                "purpose": "clinical_exchange",
                "members-TOTAL_FORMS": "1",
                "members-INITIAL_FORMS": "0",
                "members-0-partner": PartnerFactory().pk,
                "members-0-role": "lead",
                "leads-TOTAL_FORMS": "1",
                "leads-INITIAL_FORMS": "0",
                "leads-0-user": lead.pk,
                "leads-0-functional_area": "clinical",
            },
        )

    def test_the_picker_offers_managers_only(self, client, alice, bob, erin, rita):
        client.force_login(alice)
        page = client.get(reverse("partnerships:partnership_create"))
        offered = {str(value) for value, _ in page.context["leads"][0].fields["user"].choices}
        assert {str(alice.pk), str(bob.pk)} <= offered
        assert not {str(erin.pk), str(rita.pk)} & offered

    def test_a_non_manager_is_refused_next_to_the_row_keeping_the_typing(self, client, alice, erin):
        client.force_login(alice)
        response = self.post(client, erin)
        assert response.status_code == 400
        assert response.context["leads"][0].errors == {"user": [not_a_manager(erin)]}
        assert response.context["form"]["title"].value() == "Typed title"
        assert 'id="error_1_id_leads-0-user"' in response.content.decode()
        assert not Partnership.objects.exists()

    def test_a_manager_is_saved(self, client, alice, bob):
        client.force_login(alice)
        assert self.post(client, bob).status_code == 302
        assert list(PartnershipLead.objects.values_list("user", flat=True)) == [bob.pk]


def test_the_api_refuses_a_non_manager_by_its_row_with_a_problem(alice, rita):
    _, secret = token_create(user=alice, name="test", scope="read_write")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post(
        "/api/v1/partnerships/",
        {
            "title": "By the API",
            "purpose": "clinical_exchange",
            "members": [{"partner": PartnerFactory().pk, "role": "lead"}],
            "leads": [{"user": rita.pk, "functional_area": "research"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"leads[0].user": [not_a_manager(rita)]}
    assert not Partnership.objects.exists()


def test_the_admin_adds_no_co_lead(client, superuser, alice, erin):
    """Partnerships are read-only in the admin (core.admin.ReadOnlyAdmin): a
    forged POST with a co-lead row is refused and writes none."""
    partnership = PartnershipFactory(owner=alice)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:partnerships_partnership_change", args=[partnership.pk]),
        {
            "title": partnership.title,
            "leads-TOTAL_FORMS": "1",
            "leads-INITIAL_FORMS": "0",
            "leads-0-user": erin.pk,
            "leads-0-functional_area": "clinical",
        },
    )
    assert response.status_code == 403
    assert not PartnershipLead.objects.exists()


class TestARoleChange:
    @pytest.fixture
    def co_led(self, alice, bob):
        """Two partnerships bob co-leads, and one he does not."""
        first = create(alice, (bob, "administrative"))
        second = create(alice, (bob, "administrative"))
        Partnership.objects.filter(pk=second.pk).update(title="Kampala exchange")
        create(alice)
        return first, second

    def user_change(self, client, user, *roles):
        return client.post(
            reverse("admin:accounts_user_change", args=[user.pk]),
            posted(user, groups=[Group.objects.get(name=role).pk for role in roles]),
            follow=True,
        )

    def test_an_executive_no_longer_co_leads_and_the_administrator_is_told(
        self, client, adam, bob, co_led
    ):
        versions = {p.pk: p.version for p in Partnership.objects.all()}
        client.force_login(adam)
        signed_in_again(client)
        response = self.user_change(client, bob, Role.EXECUTIVE)
        assert response.status_code == 200
        assert bob.has_role(Role.EXECUTIVE) and not bob.has_role(Role.MANAGER)
        assert not PartnershipLead.objects.exists()
        told = [str(message) for message in response.context["messages"]]
        assert (
            f"{bob} is no longer a partnership manager, so no longer co-leads: "
            "“Kampala exchange”, “Nairobi exchange”. Each partnership's history keeps "
            "that they did."
        ) in told
        # Their co-leads are part of them as a page or a client reads them.
        for partnership in co_led:
            moved = Partnership.objects.get(pk=partnership.pk).version
            assert moved == versions[partnership.pk] + 1
        dropped = PartnershipLead.pgh_event_model.objects.filter(pgh_label="delete")
        assert dropped.count() == 2
        assert {event.pgh_context.get("reason") for event in dropped} == {
            "No longer a partnership manager, so no longer a co-lead."
        }
        assert {event.pgh_context.get("user") for event in dropped} == {adam.pk}

    def test_a_manager_given_another_role_too_still_co_leads(self, client, adam, bob, co_led):
        client.force_login(adam)
        response = self.user_change(client, bob, Role.MANAGER, Role.REVIEWER)
        assert response.status_code == 200
        assert PartnershipLead.objects.filter(user=bob).count() == 2
        assert not [m for m in response.context["messages"] if "co-lead" in str(m)]

    def test_a_sign_in_whose_provider_no_longer_grants_the_role_drops_them(
        self, bob, co_led, settings
    ):
        settings.ACCORD_OIDC_ROLE_MAP = {"accord-executives": "Executive"}
        user_sync_roles_from_sso(user=bob, claims={"groups": ["accord-executives"]})
        assert not PartnershipLead.objects.exists()
        assert all(partnership.leads.count() == 0 for partnership in co_led)
