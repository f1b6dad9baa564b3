"""A role that requires a second factor requires it at every door.

alice made an API token and a calendar feed address as a manager; then an
administrator made her a reviewer too. Her pages send her to set up an
authenticator app first (accounts.middleware.SecondFactorRequiredMiddleware);
her token and her feed address, made before, let her past it: she approved
a scorecard through the API without ever having a second factor.
"""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from calendars.feeds import feed_create
from evaluation.models import Scorecard
from tests.api.conftest import assess, if_match
from tests.factories import partnership_with_data, with_authenticator


@pytest.fixture
def theirs_in_review(db):
    (card,) = assess(partnership_with_data(title="Lima nursing school"))
    return card


def made_a_reviewer(user):
    user.groups.add(Group.objects.get(name=Role.REVIEWER))
    # A fresh instance, as the next request reads it (permissions are cached).
    return type(user).objects.get(pk=user.pk)


def test_a_token_made_before_a_role_that_needs_a_second_factor_writes_nothing_without_one(
    client_for, alice, theirs_in_review
):
    client = client_for(alice)
    made_a_reviewer(alice)

    response = client.post(
        f"/api/v1/scorecards/{theirs_in_review.pk}/approve/",
        {},
        format="json",
        **if_match(theirs_in_review),
    )

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    card = Scorecard.objects.get(pk=theirs_in_review.pk)
    assert card.review_state == "in_review"
    assert card.reviewer is None


def test_nor_reads_anything(client_for, alice, ours):
    client = client_for(alice, scope="read")
    assert client.get("/api/v1/partnerships/").status_code == 200
    made_a_reviewer(alice)

    assert client.get("/api/v1/partnerships/").status_code == 403
    assert client.get(f"/api/v1/partnerships/{ours.pk}/").status_code == 403


def test_once_the_second_factor_is_set_up_the_same_token_works_again(
    client_for, alice, theirs_in_review
):
    client = client_for(alice)
    with_authenticator(made_a_reviewer(alice))

    response = client.post(
        f"/api/v1/scorecards/{theirs_in_review.pk}/approve/",
        {},
        format="json",
        **if_match(theirs_in_review),
    )

    assert response.status_code == 200
    assert Scorecard.objects.get(pk=theirs_in_review.pk).review_state == "approved"


def test_a_role_without_a_second_factor_keeps_its_token(client_for, alice, ours):
    """A manager needs none: the token works as before."""
    assert client_for(alice).get(f"/api/v1/partnerships/{ours.pk}/").status_code == 200


def test_the_calendar_feed_address_is_refused_too(client, alice, ours):
    _, secret = feed_create(user=alice)
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
    made_a_reviewer(alice)

    assert client.get(f"/calendar/{secret}.ics").status_code == 404

    with_authenticator(alice)
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
