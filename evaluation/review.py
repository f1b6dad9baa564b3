"""The review of scorecards: the states and every change between them.

    assessment ──► in review ──approve───► approved
                    │   ▲   └───override──► approved
               return   │ next run, or a reviewer's recompute
                    ▼   │
                  returned

The assessment's upsert puts computed scorecards up for review (its events are
built by `submission_events`); every change a person makes is a function here.
Each change locks the scorecard row first, so two reviewers acting at once
cannot both win: the second finds the state already changed and is told so.
Every change is recorded as a ScorecardEvent with who, when, the comment and
the state before and after. An approved scorecard never changes again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import because
from core.text import shows_nothing
from partnerships.models import Partnership

from .hooks import scorecard_returned, scorecards_changed
from .models import (
    Rating,
    ReviewState,
    Scorecard,
    ScorecardAction,
    ScorecardEvent,
    ScoringPolicy,
)

# Which actions each state allows: the one table of the workflow.
ALLOWED = {
    ScorecardAction.APPROVED: {ReviewState.IN_REVIEW},
    ScorecardAction.OVERRIDDEN: {ReviewState.IN_REVIEW},
    ScorecardAction.RETURNED: {ReviewState.IN_REVIEW},
    ScorecardAction.RECOMPUTED: {ReviewState.IN_REVIEW, ReviewState.RETURNED},
}

# A refusal in whole sentences: where the scorecard stands, then when the
# action could be taken. A state's or an action's label pasted into one
# sentence read "it cannot be rating overridden and approved now", and could
# not agree in gender or number in French, Spanish or Portuguese.
STANDS = {
    ReviewState.DRAFT: _("This scorecard is still a draft."),
    ReviewState.IN_REVIEW: _("This scorecard is in review."),
    ReviewState.RETURNED: _("This scorecard has been returned to its owner."),
    ReviewState.APPROVED: _("This scorecard has already been approved."),
}
ONLY_WHEN = {
    ScorecardAction.APPROVED: _("It can be approved only while it is in review."),
    ScorecardAction.OVERRIDDEN: _("Its rating can be overridden only while it is in review."),
    ScorecardAction.RETURNED: _("It can be returned to its owner only while it is in review."),
    ScorecardAction.RECOMPUTED: _(
        "It can be recomputed only while it is in review or returned to its owner."
    ),
}
# The state it reached while a reviewer had it open.
BECAME = {
    ReviewState.DRAFT: _(
        "This scorecard went back to draft while you had it open: look at it again, then act."
    ),
    ReviewState.IN_REVIEW: _(
        "This scorecard was put back in review while you had it open: look at it again, then act."
    ),
    ReviewState.RETURNED: _(
        "This scorecard was returned to its owner while you had it open: "
        "look at it again, then act."
    ),
    ReviewState.APPROVED: _(
        "This scorecard was approved while you had it open: look at it again, then act."
    ),
}


# The longest comment a return or an override keeps: the page's form, the API
# and these services all read it from here.
REVIEW_TEXT_MAX_LENGTH = 4000


def _too_long(text: str) -> str:
    """Why `text` is too long for a review's comment, or "" when it fits."""
    if len(text) <= REVIEW_TEXT_MAX_LENGTH:
        return ""
    return gettext("Keep it to at most %(most)s characters (it has %(length)s).") % {
        "most": REVIEW_TEXT_MAX_LENGTH,
        "length": len(text),
    }


def snapshot(card: Scorecard) -> dict:
    return {
        "review_state": card.review_state,
        "overall_score": None if card.overall_score is None else str(card.overall_score),
        "rating": card.rating,
        "override_rating": card.override_rating,
    }


def may_review(user, card: Scorecard) -> bool:
    """Reviewers may act on scorecards of partnerships they neither own nor co-lead."""
    if not user.has_perm("evaluation.change_scorecard"):
        return False
    return not Partnership.objects.led_by(user).filter(pk=card.partnership_id).exists()


def _lock_for(
    action: ScorecardAction,
    *,
    scorecard_id: int,
    reviewer,
    seen: str | None = None,
    seen_state: str | None = None,
) -> Scorecard:
    """Lock the scorecard and check the reviewer may take this action on it now.

    `seen` is the `computed_at` of the scorecard the reviewer had on screen: if
    it was computed again since, they must look at the new numbers first.
    `seen_state` is the review state it had there: a recompute (allowed in
    review and when returned) sent from a page opened before a return must
    not quietly undo it.
    """
    card = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=scorecard_id)
    )
    if not may_review(reviewer, card):
        raise PermissionDenied(gettext("You cannot review a scorecard of a partnership you lead."))
    if card.review_state not in ALLOWED[action]:
        raise ValidationError(f"{STANDS[card.review_state]} {ONLY_WHEN[action]}")
    if seen_state and seen_state != card.review_state:
        raise ValidationError(str(BECAME[card.review_state]))
    if seen and seen != card.computed_at.isoformat():
        raise ValidationError(
            gettext(
                "This scorecard was computed again while you had it open: "
                "look at the new numbers, then act."
            )
        )
    return card


def _record(card, *, actor, action, before, comment="") -> ScorecardEvent:
    event = ScorecardEvent(
        scorecard=card,
        actor=actor,
        action=action,
        from_state=before["review_state"],
        to_state=card.review_state,
        comment=comment,
        before=before,
        after=snapshot(card),
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def scorecard_approve(*, scorecard_id: int, reviewer, seen: str | None = None) -> Scorecard:
    card = _lock_for(
        ScorecardAction.APPROVED, scorecard_id=scorecard_id, reviewer=reviewer, seen=seen
    )
    before = snapshot(card)
    card.review_state = ReviewState.APPROVED
    card.reviewer = reviewer
    card.reviewed_at = timezone.now()
    card.save(update_fields=["review_state", "reviewer", "reviewed_at"])
    _record(card, actor=reviewer, action=ScorecardAction.APPROVED, before=before)
    scorecards_changed.fire_on_commit(partnership_ids=[card.partnership_id])
    return card


@transaction.atomic
def scorecard_return(
    *, scorecard_id: int, reviewer, comment: str, seen: str | None = None
) -> ScorecardEvent:
    """Send a scorecard back to its partnership's owner, saying why."""
    if shows_nothing(comment):
        raise ValidationError({"comment": gettext("Say what the owner should look at.")})
    if too_long := _too_long(comment):
        raise ValidationError({"comment": too_long})
    card = _lock_for(
        ScorecardAction.RETURNED, scorecard_id=scorecard_id, reviewer=reviewer, seen=seen
    )
    before = snapshot(card)
    card.review_state = ReviewState.RETURNED
    card.reviewer = reviewer
    card.reviewed_at = timezone.now()
    with because(comment):
        card.save(update_fields=["review_state", "reviewer", "reviewed_at"])
        event = _record(
            card, actor=reviewer, action=ScorecardAction.RETURNED, before=before, comment=comment
        )
    # The return stands even if a reaction fails (a broker down at this moment).
    scorecard_returned.fire_on_commit(event_id=event.pk)
    return event


@transaction.atomic
def scorecard_override(
    *, scorecard_id: int, reviewer, rating: str, justification: str, seen: str | None = None
) -> Scorecard:
    """Approve with another rating than the computed one, which stays beside it."""
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = gettext("Choose green, amber or red.")
    if shows_nothing(justification):
        errors["justification"] = gettext("An override needs its justification.")
    elif too_long := _too_long(justification):
        errors["justification"] = too_long
    if errors:
        raise ValidationError(errors)
    card = _lock_for(
        ScorecardAction.OVERRIDDEN, scorecard_id=scorecard_id, reviewer=reviewer, seen=seen
    )
    if rating == card.rating:
        raise ValidationError(
            {"rating": gettext("That is the computed rating: approve it instead.")}
        )
    before = snapshot(card)
    card.override_rating = rating
    card.override_justification = justification
    card.review_state = ReviewState.APPROVED
    card.reviewer = reviewer
    card.reviewed_at = timezone.now()
    card.full_clean()
    with because(justification):
        card.save()
        _record(
            card,
            actor=reviewer,
            action=ScorecardAction.OVERRIDDEN,
            before=before,
            comment=justification,
        )
    scorecards_changed.fire_on_commit(partnership_ids=[card.partnership_id])
    return card


@transaction.atomic
def scorecard_recompute(
    *, scorecard_id: int, reviewer, seen: str | None = None, seen_state: str | None = None
) -> Scorecard:
    """Compute a scorecard again from today's data, e.g. once its owner has mended it."""
    from .services import assess_partnerships

    card = _lock_for(
        ScorecardAction.RECOMPUTED,
        scorecard_id=scorecard_id,
        reviewer=reviewer,
        seen=seen,
        seen_state=seen_state,
    )
    _, skipped, errors = assess_partnerships(
        [card.partnership_id],
        period_start=card.period_start,
        period_end=card.period_end,
        policy=ScoringPolicy.objects.get(is_active=True),
        run=None,  # no longer the run's own numbers
        actor=reviewer,
    )
    if skipped or errors:
        reason = (skipped or errors)[0].get("reason") or errors[0]["error"]
        raise ValidationError(
            gettext("The scorecard could not be computed again: %(reason)s") % {"reason": reason}
        )
    card.refresh_from_db()
    return card


def submission_events(cards, states_before: dict[int, str], actor=None) -> list[dict]:
    """The events of an assessment's upsert, as ScorecardEvent rows (field
    attnames to values): a new scorecard is put up for review, a returned one
    comes back computed again. One already in review only gets fresher
    numbers, worth an event only when a person asked for it (`actor`).
    `cards` are the scorecards written (anything with their `pk`,
    `partnership_id` and what `snapshot` reads); `states_before` maps
    partnership ids to their scorecard's state before the upsert."""
    events = []
    now = timezone.now()
    for card in cards:
        before_state = states_before.get(card.partnership_id, ReviewState.DRAFT)
        if before_state == ReviewState.IN_REVIEW and actor is None:
            continue
        events.append(
            {
                "scorecard_id": card.pk,
                "actor_id": actor.pk if actor is not None else None,
                "action": (
                    ScorecardAction.SUBMITTED
                    if before_state == ReviewState.DRAFT
                    else ScorecardAction.RECOMPUTED
                ),
                "from_state": before_state,
                "to_state": ReviewState.IN_REVIEW,
                "comment": "",
                "before": {"review_state": before_state},
                "after": snapshot(card),
                "created_at": now,
            }
        )
    return events
