"""The roles an identity provider's groups grant (the browser flow: tests/browser/test_sso.py)."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from accounts.services import roles_from_claims, user_sync_roles_from_sso

ROLE_MAP = {"accord-executives": "Executive", "accord-reviewers": "Reviewer"}


def test_it_maps_a_list_of_groups():
    claims = {"groups": ["accord-executives", "payroll"]}
    assert roles_from_claims(claims, claim="groups", role_map=ROLE_MAP) == {"Executive"}


def test_it_maps_a_string_of_groups_and_another_claim():
    claims = {"roles": "accord-executives,accord-reviewers"}
    assert roles_from_claims(claims, claim="roles", role_map=ROLE_MAP) == {
        "Executive",
        "Reviewer",
    }


def test_no_claim_grants_nothing():
    assert roles_from_claims({}, claim="groups", role_map=ROLE_MAP) == set()


@pytest.mark.django_db
def test_a_sync_replaces_the_roles_and_keeps_other_groups(alice, settings):
    settings.ACCORD_OIDC_ROLE_MAP = ROLE_MAP
    other = Group.objects.create(name="Newsletter editors")
    alice.groups.add(other)

    user_sync_roles_from_sso(user=alice, claims={"groups": ["accord-executives"]})

    assert set(alice.groups.values_list("name", flat=True)) == {
        Role.EXECUTIVE,
        "Newsletter editors",
    }


@pytest.mark.django_db
def test_a_deactivated_account_is_not_given_its_roles_back(alice, settings):
    # An administrator deactivated alice and took her role; she tried single
    # sign-on: refused as inactive, but her roles were set from the claim first.
    settings.ACCORD_OIDC_ROLE_MAP = ROLE_MAP
    alice.is_active = False
    alice.save()
    alice.groups.clear()

    user_sync_roles_from_sso(user=alice, claims={"groups": ["accord-executives"]})

    assert not alice.groups.exists()
