"""The three roles exist from the first migration, with what each may do."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Executive",
        "Partnership manager",
        "Reviewer",
    }


def test_an_executive_reads_but_changes_nothing(erin):
    assert erin.has_perm("partnerships.view_partnership")
    assert erin.has_perm("evaluation.view_scorecard")
    assert not erin.has_perm("partnerships.change_partnership")
    assert not erin.has_perm("partnerships.add_measurement")
    assert not erin.has_perm("evaluation.change_scorecard")


def test_a_manager_enters_data_but_does_not_review(alice):
    assert alice.has_perm("partnerships.add_partner")
    assert alice.has_perm("partnerships.change_measurement")
    assert not alice.has_perm("partnerships.delete_partnership")
    assert not alice.has_perm("evaluation.change_scorecard")
    assert not alice.has_perm("evaluation.change_scoringpolicy")


def test_a_reviewer_reviews_and_tunes_the_policy_but_enters_no_data(rita):
    assert rita.has_perm("evaluation.change_scorecard")
    assert rita.has_perm("evaluation.add_scoringpolicy")
    assert rita.has_perm("django_celery_beat.change_periodictask")
    assert not rita.has_perm("partnerships.change_partnership")


def test_has_role(erin):
    assert erin.has_role(Role.EXECUTIVE)
    assert not erin.has_role(Role.REVIEWER)


def test_an_executive_in_the_admin_sees_partners_but_cannot_add_one(client, erin):
    erin.is_staff = True
    erin.save()
    client.force_login(erin)
    assert client.get(reverse("admin:partnerships_partner_changelist")).status_code == 200
    assert client.get(reverse("admin:partnerships_partner_add")).status_code == 403
    response = client.post(reverse("admin:partnerships_partner_add"), {"name": "Forged"})
    assert response.status_code == 403
