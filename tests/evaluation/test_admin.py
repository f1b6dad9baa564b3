"""Scoring policies and scorecards in the admin: read-only, even for administrators.

An approved scorecard changes only through evaluation/review.py, with an event;
a published policy version is never edited (a change is a new version).
"""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from evaluation import review
from evaluation.models import ScorecardEvent, ScoringPolicy
from tests.evaluation.test_review import assess, november_2025  # noqa: F401
from tests.factories import partnership_with_data

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["adam", "superuser"])
def administrator(request, client):
    user = request.getfixturevalue(request.param)
    client.force_login(user)
    return user


def as_posted(instance, **changes) -> dict:
    data = {name: "" if value is None else value for name, value in model_to_dict(instance).items()}
    return {**data, **changes}


def test_an_approved_scorecard_is_not_rewritten_in_the_admin(client, administrator, alice, rita):
    (card,) = assess(partnership_with_data(owner=alice))
    review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
    card.refresh_from_db()
    before = (card.overall_score, card.rating, card.review_state, card.reviewer_id)
    events = ScorecardEvent.objects.count()

    response = client.post(
        reverse("admin:evaluation_scorecard_change", args=[card.pk]),
        as_posted(card, overall_score="99", rating="green", review_state="in_review"),
    )

    assert response.status_code == 403
    card.refresh_from_db()
    assert (card.overall_score, card.rating, card.review_state, card.reviewer_id) == before
    assert ScorecardEvent.objects.count() == events


def test_a_published_scoring_policy_is_not_edited_in_the_admin(client, administrator):
    policy = ScoringPolicy.objects.get(is_active=True)
    url = reverse("admin:evaluation_scoringpolicy_change", args=[policy.pk])

    page = client.get(url)
    response = client.post(url, as_posted(policy, weight_outcomes="90", green_from="10"))

    assert page.status_code == 200 and b'name="weight_outcomes"' not in page.content
    assert response.status_code == 403
    fresh = ScoringPolicy.objects.get(pk=policy.pk)
    assert (fresh.weight_outcomes, fresh.green_from) == (policy.weight_outcomes, policy.green_from)
    add = client.post(reverse("admin:evaluation_scoringpolicy_add"), as_posted(policy, version="9"))
    assert add.status_code == 403
    assert ScoringPolicy.objects.count() == 1
