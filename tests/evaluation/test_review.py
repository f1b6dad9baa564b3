"""The review workflow: every transition allowed, every one refused, and the record kept."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections

from accounts.models import Role
from evaluation import review, services
from evaluation.models import Scorecard, ScorecardEvent
from partnerships.models import Measurement, PartnershipLead
from tests.factories import UserFactory, partnership_with_data

OCTOBER = dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def assess(*partnerships):
    run = services.assessment_run_start(period_start=OCTOBER)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    return [Scorecard.objects.get(partnership=p, period_start=OCTOBER) for p in partnerships]


@pytest.fixture
def card(db, alice):
    """A scorecard of alice's partnership, awaiting review."""
    (card,) = assess(partnership_with_data(owner=alice))
    return card


def state_of(card) -> str:
    return Scorecard.objects.get(pk=card.pk).review_state


def actions_of(card) -> list[str]:
    events = ScorecardEvent.objects.filter(scorecard=card).order_by("id")
    return list(events.values_list("action", flat=True))


@pytest.mark.django_db
class TestAllowed:
    def test_a_completed_run_puts_its_scorecards_up_for_review(self, card):
        assert state_of(card) == "in_review"
        event = ScorecardEvent.objects.get(scorecard=card)
        assert (event.action, event.actor, event.from_state, event.to_state) == (
            "submitted",
            None,
            "draft",
            "in_review",
        )

    def test_a_reviewer_approves(self, card, rita):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        card.refresh_from_db()
        assert (card.review_state, card.reviewer) == ("approved", rita)
        event = card.events.last()
        assert (event.action, event.actor, event.from_state, event.to_state) == (
            "approved",
            rita,
            "in_review",
            "approved",
        )

    def test_a_reviewer_returns_with_a_comment(
        self, card, rita, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            event = review.scorecard_return(
                scorecard_id=card.pk, reviewer=rita, comment="Q3 readmissions look mistyped."
            )
        assert state_of(card) == "returned"
        assert (event.comment, event.from_state, event.to_state) == (
            "Q3 readmissions look mistyped.",
            "in_review",
            "returned",
        )
        # After the commit: the owner's reminder, the dashboards' read model and cache.
        reactions = {callback.__qualname__.split(" → ")[1] for callback in callbacks}
        assert reactions == {"queue_scorecard_returned", "refresh_returned", "bump_generation"}

    def test_an_override_keeps_the_computed_rating_beside_it(self, card, rita):
        other = "red" if card.rating != "red" else "green"
        review.scorecard_override(
            scorecard_id=card.pk, reviewer=rita, rating=other, justification="Site visit."
        )
        card.refresh_from_db()
        assert card.review_state == "approved"
        assert (card.override_rating, card.effective_rating) == (other, other)
        assert card.rating in {"green", "amber", "red"} and card.rating != other
        event = card.events.last()
        assert (event.before["override_rating"], event.after["override_rating"]) == ("", other)
        assert event.comment == "Site visit."

    def test_a_returned_scorecard_comes_back_for_review_with_the_next_run(self, card, rita, alice):
        review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check Q3.")
        Measurement.objects.filter(metric__objective__partnership=card.partnership).update(
            value=Decimal("45")
        )
        before = card.overall_score

        assess(card.partnership)

        card.refresh_from_db()
        assert card.review_state == "in_review"
        assert card.overall_score > before
        assert actions_of(card) == ["submitted", "returned", "recomputed"]

    def test_a_reviewer_recomputes_a_returned_scorecard(self, card, rita):
        review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check Q3.")
        Measurement.objects.filter(metric__objective__partnership=card.partnership).update(
            value=Decimal("45")
        )
        review.scorecard_recompute(scorecard_id=card.pk, reviewer=rita)
        card.refresh_from_db()
        assert card.review_state == "in_review"
        assert card.outcomes_score == Decimal("100.00")
        assert actions_of(card) == ["submitted", "returned", "recomputed"]


@pytest.mark.django_db
class TestRefused:
    @pytest.mark.parametrize("who", ["alice", "bob", "erin"])
    def test_only_reviewers_review(self, card, who, request):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            review.scorecard_approve(scorecard_id=card.pk, reviewer=user)
        assert state_of(card) == "in_review"

    def test_a_reviewer_never_reviews_a_partnership_they_own(self, rita):
        (card,) = assess(partnership_with_data(owner=rita))
        for act in (
            lambda: review.scorecard_approve(scorecard_id=card.pk, reviewer=rita),
            lambda: review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="x"),
        ):
            with pytest.raises(PermissionDenied):
                act()
        assert state_of(card) == "in_review"

    def test_a_reviewer_never_reviews_a_partnership_they_co_lead(self, card, rita):
        # A co-lead is a partnership manager: rita is both.
        rita.groups.add(Group.objects.get(name=Role.MANAGER))
        PartnershipLead.objects.create(
            partnership=card.partnership, user=rita, functional_area="research"
        )
        with pytest.raises(PermissionDenied):
            review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)

    def test_an_approved_scorecard_is_read_only(self, card, rita):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        other = UserFactory(username="rolf", role="Reviewer")
        for act in (
            lambda: review.scorecard_approve(scorecard_id=card.pk, reviewer=other),
            lambda: review.scorecard_return(scorecard_id=card.pk, reviewer=other, comment="x"),
            lambda: review.scorecard_override(
                scorecard_id=card.pk, reviewer=other, rating="red", justification="x"
            ),
            lambda: review.scorecard_recompute(scorecard_id=card.pk, reviewer=other),
        ):
            with pytest.raises(ValidationError, match="approved"):
                act()
        assert actions_of(card) == ["submitted", "approved"]

    def test_a_returned_scorecard_cannot_be_approved_until_computed_again(self, card, rita):
        review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check Q3.")
        with pytest.raises(ValidationError, match="returned"):
            review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)

    def test_a_draft_cannot_be_approved(self, card, rita):
        Scorecard.objects.filter(pk=card.pk).update(review_state="draft")
        with pytest.raises(ValidationError, match="draft"):
            review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)

    def test_a_return_needs_a_comment(self, card, rita):
        with pytest.raises(ValidationError) as excinfo:
            review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="  ")
        assert list(excinfo.value.message_dict) == ["comment"]
        assert state_of(card) == "in_review"

    @pytest.mark.parametrize("typed", ["\u200b", " \u200b ", "\u2060\ufeff"])
    def test_a_comment_or_justification_of_invisible_characters_is_none(self, card, rita, typed):
        with pytest.raises(ValidationError) as refused:
            review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment=typed)
        assert list(refused.value.message_dict) == ["comment"]
        with pytest.raises(ValidationError) as refused:
            review.scorecard_override(
                scorecard_id=card.pk, reviewer=rita, rating="red", justification=typed
            )
        assert list(refused.value.message_dict) == ["justification"]
        assert state_of(card) == "in_review"

    def test_an_override_needs_a_justification_and_a_real_rating(self, card, rita):
        with pytest.raises(ValidationError) as excinfo:
            review.scorecard_override(
                scorecard_id=card.pk, reviewer=rita, rating="purple", justification=""
            )
        assert set(excinfo.value.message_dict) == {"rating", "justification"}

    def test_an_override_to_the_computed_rating_is_refused(self, card, rita):
        with pytest.raises(ValidationError, match="computed rating"):
            review.scorecard_override(
                scorecard_id=card.pk, reviewer=rita, rating=card.rating, justification="Same."
            )
        assert state_of(card) == "in_review"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_approving_at_once_end_in_exactly_one_approval(alice, rita):
    (card,) = assess(partnership_with_data(owner=alice))
    other = UserFactory(username="rolf", role="Reviewer")
    outcomes, barrier = [], threading.Barrier(2)

    def approve(reviewer):
        barrier.wait()
        try:
            review.scorecard_approve(scorecard_id=card.pk, reviewer=reviewer)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (rita, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "refused"]
    assert ScorecardEvent.objects.filter(scorecard=card, action="approved").count() == 1


@pytest.mark.django_db
def test_an_approval_of_numbers_computed_again_since_is_refused(card, rita):
    seen = card.computed_at.isoformat()
    with time_machine.travel(dt.datetime(2025, 11, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        review.scorecard_recompute(scorecard_id=card.pk, reviewer=rita)
    with pytest.raises(ValidationError, match="computed again while you had it open"):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita, seen=seen)
    assert state_of(card) == "in_review"
    fresh = Scorecard.objects.get(pk=card.pk).computed_at.isoformat()
    review.scorecard_approve(scorecard_id=card.pk, reviewer=rita, seen=fresh)
    assert state_of(card) == "approved"


@pytest.mark.django_db
def test_a_recompute_sent_from_a_page_opened_before_a_return_is_refused(card, rita):
    """Tab A shows it in review; tab B returns it; tab A's recompute must not
    put it back in review (the owner was told it was returned)."""
    seen, seen_state = card.computed_at.isoformat(), card.review_state
    review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check the baseline.")
    with pytest.raises(ValidationError, match="was returned to its owner while you had it open"):
        review.scorecard_recompute(
            scorecard_id=card.pk, reviewer=rita, seen=seen, seen_state=seen_state
        )
    assert state_of(card) == "returned"
    assert actions_of(card) == ["submitted", "returned"]
    # Seen as it is now, the recompute goes ahead.
    review.scorecard_recompute(
        scorecard_id=card.pk, reviewer=rita, seen=seen, seen_state="returned"
    )
    assert state_of(card) == "in_review"


@pytest.mark.django_db
def test_a_recompute_that_cannot_compute_says_why(card, rita):
    card.partnership.stage = "completed"
    card.partnership.end_date = dt.date(2025, 10, 31)
    card.partnership.save()
    with pytest.raises(ValidationError, match="No longer active"):
        review.scorecard_recompute(scorecard_id=card.pk, reviewer=rita)
