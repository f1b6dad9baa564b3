"""The roles exist as groups, with exactly what accounts.roles says each may do."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from accounts.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_the_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Executive",
        "Partnership manager",
        "Reviewer",
        "Administrator",
    }


def test_each_group_holds_exactly_what_accounts_roles_says():
    # A change to accounts/roles.py needs a migration that applies it.
    for role, wanted in ROLE_PERMISSIONS.items():
        held = set(
            Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        assert held == wanted, role


def test_only_the_administrator_opens_the_admin(alice, erin, rita, adam):
    assert [user.has_perm("accounts.use_admin") for user in (alice, erin, rita, adam)] == [
        False,
        False,
        False,
        True,
    ]
    assert list(
        Group.objects.filter(permissions__codename="use_admin").values_list("name", flat=True)
    ) == ["Administrator"]


def test_an_administrator_manages_users_schedules_and_rates_and_reads_the_rest(adam):
    assert adam.has_perm("accounts.change_user")
    assert adam.has_perm("django_celery_beat.change_periodictask")
    assert adam.has_perm("dashboards.change_exchangerate")
    assert adam.has_perm("partnerships.view_agreement")
    assert not adam.has_perm("partnerships.change_partnership")
    assert not adam.has_perm("evaluation.change_scorecard")
    assert not adam.has_perm("accounts.delete_user")


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
    assert not rita.has_perm("django_celery_beat.change_periodictask")
    assert not rita.has_perm("partnerships.change_partnership")


def test_has_role(erin):
    assert erin.has_role(Role.EXECUTIVE)
    assert not erin.has_role(Role.REVIEWER)
