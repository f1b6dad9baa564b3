"""What a reviewer reads when an action is refused: whole sentences for each
state and each action, never a label pasted into a sentence ("it cannot be
rating overridden and approved now")."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from evaluation import review
from evaluation.models import Scorecard, ScorecardAction
from tests.evaluation.test_review import assess, state_of
from tests.factories import partnership_with_data

ACTIONS = {
    ScorecardAction.APPROVED: lambda card, rita: review.scorecard_approve(
        scorecard_id=card.pk, reviewer=rita
    ),
    ScorecardAction.OVERRIDDEN: lambda card, rita: review.scorecard_override(
        scorecard_id=card.pk,
        reviewer=rita,
        rating="green" if card.rating != "green" else "red",
        justification="The site visit showed more than the figures.",
    ),
    ScorecardAction.RETURNED: lambda card, rita: review.scorecard_return(
        scorecard_id=card.pk, reviewer=rita, comment="Check the baseline."
    ),
    ScorecardAction.RECOMPUTED: lambda card, rita: review.scorecard_recompute(
        scorecard_id=card.pk, reviewer=rita
    ),
}


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def approved(db, alice, rita):
    (card,) = assess(partnership_with_data(owner=alice))
    review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
    return Scorecard.objects.get(pk=card.pk)


def refusal(act, card, rita) -> str:
    with translation.override("en-gb"), pytest.raises(ValidationError) as excinfo:
        act(card, rita)
    return " ".join(excinfo.value.messages)


def test_every_action_the_workflow_refuses_has_its_own_sentence():
    assert set(review.ONLY_WHEN) == set(review.ALLOWED) == set(ACTIONS)
    assert set(review.STANDS) == set(review.BECAME) == set(review.ReviewState)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "said"),
    [
        (
            ScorecardAction.APPROVED,
            "This scorecard has already been approved. "
            "It can be approved only while it is in review.",
        ),
        (
            ScorecardAction.OVERRIDDEN,
            "This scorecard has already been approved. "
            "Its rating can be overridden only while it is in review.",
        ),
        (
            ScorecardAction.RETURNED,
            "This scorecard has already been approved. "
            "It can be returned to its owner only while it is in review.",
        ),
        (
            ScorecardAction.RECOMPUTED,
            "This scorecard has already been approved. "
            "It can be recomputed only while it is in review or returned to its owner.",
        ),
    ],
)
def test_each_action_on_an_approved_scorecard_is_refused_in_its_own_words(
    approved, rita, action, said
):
    assert refusal(ACTIONS[action], approved, rita) == said
    assert state_of(approved) == "approved"


@pytest.mark.django_db
def test_a_returned_scorecard_says_it_was_returned(alice, rita):
    (card,) = assess(partnership_with_data(owner=alice))
    review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check the baseline.")
    assert refusal(ACTIONS[ScorecardAction.APPROVED], card, rita) == (
        "This scorecard has been returned to its owner. "
        "It can be approved only while it is in review."
    )
    assert state_of(card) == "returned"


@pytest.mark.django_db
def test_a_draft_says_it_is_still_a_draft(alice, rita):
    (card,) = assess(partnership_with_data(owner=alice))
    Scorecard.objects.filter(pk=card.pk).update(review_state="draft")
    assert refusal(ACTIONS[ScorecardAction.RECOMPUTED], card, rita) == (
        "This scorecard is still a draft. "
        "It can be recomputed only while it is in review or returned to its owner."
    )
    assert state_of(card) == "draft"


@pytest.mark.django_db
def test_a_scorecard_returned_while_open_says_so_in_a_sentence(alice, rita):
    (card,) = assess(partnership_with_data(owner=alice))
    seen_state = card.review_state
    review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check the baseline.")
    refused = refusal(
        lambda card, rita: review.scorecard_recompute(
            scorecard_id=card.pk, reviewer=rita, seen_state=seen_state
        ),
        card,
        rita,
    )
    assert refused == (
        "This scorecard was returned to its owner while you had it open: "
        "look at it again, then act."
    )
    assert state_of(card) == "returned"
