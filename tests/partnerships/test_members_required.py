"""A partnership is with one or more partners: through the service, the page,
the API, and in PostgreSQL for whatever gets past them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from partnerships import services
from partnerships.models import Partnership, PartnershipMember
from partnerships.services import Member
from tests.factories import MemberFactory, PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

NO_MEMBER = "Choose at least one partner organisation: a partnership is with one or more partners."


def at_commit():
    """What PostgreSQL checks when the transaction commits (the rule is deferred)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class TestTheService:
    def test_it_refuses_a_partnership_without_a_member_and_saves_nothing(self, alice):
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_create(title="Alone", purpose="joint_research", owner=alice)
        assert excinfo.value.message_dict == {"members": [NO_MEMBER]}
        assert not Partnership.objects.exists()

    def test_one_member_is_enough(self, alice):
        partnership = services.partnership_create(
            title="Pair", purpose="joint_research", owner=alice, members=[Member(PartnerFactory())]
        )
        at_commit()
        assert partnership.members.count() == 1

    def test_the_last_member_stays(self, alice):
        partnership = PartnershipFactory(owner=alice)
        (member,) = partnership.members.all()
        with pytest.raises(ValidationError) as excinfo:
            services.partnership_member_remove(member=member)
        assert "only member organisation" in str(excinfo.value)
        assert list(partnership.members.all()) == [member]

    def test_one_of_two_members_may_leave(self, alice):
        partnership = PartnershipFactory(owner=alice)
        leaving = MemberFactory(partnership=partnership)
        services.partnership_member_remove(member=leaving)
        at_commit()
        assert partnership.members.count() == 1
        assert not PartnershipMember.objects.filter(pk=leaving.pk).exists()


class TestTheDatabase:
    def test_a_partnership_written_without_a_member_is_refused_at_the_commit(self, alice):
        with (
            pytest.raises(IntegrityError, match="has no member organisation"),
            transaction.atomic(),
        ):
            Partnership.objects.create(title="Raw", purpose="joint_research", owner=alice)
            at_commit()

    def test_a_partnership_and_its_first_member_in_one_transaction_pass(self, alice):
        with transaction.atomic():
            partnership = Partnership.objects.create(
                title="Raw", purpose="joint_research", owner=alice
            )
            PartnershipMember.objects.create(partnership=partnership, partner=PartnerFactory())
            at_commit()
        assert Partnership.objects.filter(pk=partnership.pk).exists()

    def test_the_last_member_deleted_by_sql_is_refused(self, alice):
        partnership = PartnershipFactory(owner=alice)
        at_commit()
        with (
            pytest.raises(IntegrityError, match=f"partnership {partnership.pk} has no member"),
            transaction.atomic(),
        ):
            PartnershipMember.objects.filter(partnership=partnership).delete()
            at_commit()
        assert partnership.members.count() == 1

    def test_the_last_member_moved_to_another_partnership_is_refused(self, alice):
        left, other = PartnershipFactory(owner=alice), PartnershipFactory(owner=alice)
        at_commit()
        with (
            pytest.raises(IntegrityError, match=f"partnership {left.pk} has no member"),
            transaction.atomic(),
        ):
            PartnershipMember.objects.filter(partnership=left).update(partnership=other)
            at_commit()

    def test_one_of_two_members_deleted_by_sql_passes(self, alice):
        partnership = PartnershipFactory(owner=alice)
        MemberFactory(partnership=partnership)
        at_commit()
        with transaction.atomic():
            PartnershipMember.objects.filter(partnership=partnership).first().delete()
            at_commit()
        assert partnership.members.count() == 1


class TestThePage:
    def test_a_new_partnership_with_no_member_is_refused_under_the_first_row(self, client, alice):
        client.force_login(alice)
        data = {
            "title": "Nobody yet",
            "purpose": "joint_research",
            "members-TOTAL_FORMS": "3",
            "members-INITIAL_FORMS": "0",
            "leads-TOTAL_FORMS": "2",
            "leads-INITIAL_FORMS": "0",
        }
        for n in range(3):
            data[f"members-{n}-role"] = "member"
        for n in range(2):
            data[f"leads-{n}-functional_area"] = "clinical"
        response = client.post(reverse("partnerships:partnership_create"), data)
        assert response.status_code == 400
        members = response.context["members"]
        assert members.forms[0].non_field_errors() == [NO_MEMBER]
        assert response.context["form"]["title"].value() == "Nobody yet"
        assert not Partnership.objects.exists()


def test_a_missing_partner_is_said_with_the_other_fields_errors_at_once(client, alice):
    """One try names every problem: no purpose chosen, and no partner."""
    client.force_login(alice)
    data = {
        "title": "Nobody yet",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-role": "member",
        "leads-TOTAL_FORMS": "0",
        "leads-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("partnerships:partnership_create"), data)
    assert response.status_code == 400
    assert "purpose" in response.context["form"].errors
    assert response.context["members"].forms[0].non_field_errors() == [NO_MEMBER]
    assert not Partnership.objects.exists()
