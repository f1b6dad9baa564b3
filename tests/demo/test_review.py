"""The demo's review (`manage.py review_demo`) gives executives approved numbers:
most approved, one overridden, one returned, a few left in review; twice is once."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from dashboards.models import ExchangeRate
from demo.review import LEFT_IN_REVIEW
from evaluation.models import ReviewState, Scorecard, ScorecardAction, ScorecardEvent
from tests.factories import user_with_role
from tests.notifications.factories import ScorecardFactory

pytestmark = pytest.mark.django_db


def states():
    return dict(Scorecard.objects.values_list("pk", "review_state"))


def test_rita_reviews_the_demo_once(django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("assess", last=3, stdout=io.StringIO())
    assert set(states().values()) == {ReviewState.IN_REVIEW}

    call_command("review_demo", stdout=io.StringIO())

    counts = {state: list(states().values()).count(state) for state in ReviewState.values}
    assert counts[ReviewState.IN_REVIEW] == LEFT_IN_REVIEW
    assert counts[ReviewState.RETURNED] == 1
    assert counts[ReviewState.APPROVED] == Scorecard.objects.count() - LEFT_IN_REVIEW - 1
    overridden = Scorecard.objects.exclude(override_rating="")
    assert overridden.count() == 1
    assert overridden.get().override_justification
    # Every change went through the review functions, so each left its event.
    actions = list(
        ScorecardEvent.objects.exclude(action=ScorecardAction.SUBMITTED).values_list(
            "action", "actor__username"
        )
    )
    assert {actor for _, actor in actions} == {"rita"}
    assert actions.count((ScorecardAction.RETURNED, "rita")) == 1
    assert ExchangeRate.objects.exists()

    before, events, rates = states(), ScorecardEvent.objects.count(), ExchangeRate.objects.count()
    call_command("review_demo", stdout=io.StringIO())
    assert states() == before
    assert ScorecardEvent.objects.count() == events
    assert ExchangeRate.objects.count() == rates


def test_a_real_reviewer_named_rita_reviews_nothing_by_script():
    """Run against a database of one's own (`make run` with DATABASE_URL), the
    demo's review would approve every scorecard awaiting review in the name of
    whoever is called rita. It acts only as an account that signs in with the
    demo's public password, and otherwise says why, changing nothing."""
    card = ScorecardFactory(partnership__owner=user_with_role("alice", Role.MANAGER))
    user_with_role("rita", Role.REVIEWER)  # a real reviewer: their own password

    with pytest.raises(CommandError, match="not the demo's"):
        call_command("review_demo", stdout=io.StringIO())

    card.refresh_from_db()
    assert card.review_state == ReviewState.IN_REVIEW
    assert not ScorecardEvent.objects.filter(scorecard=card).exists()
    assert not ExchangeRate.objects.exists()
