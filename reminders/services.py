"""Storing the reminders the portfolio calls for, through the inbox's delivery."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from notifications.models import Kind, Notification
from notifications.services import (
    email_on_commit,
    notifications_create,
    notifications_digests_send,
    notifications_email_pending,
)

from . import rules


@transaction.atomic
def reminders_send(*, today: dt.date) -> dict[str, int]:
    """Store the reminders `today` calls for that nobody has had yet and email
    them once committed. Returns how many were stored, by kind."""
    created = notifications_create(drafts=rules.due_on(today))
    email_on_commit([notification.pk for notification in created])
    counts = Counter(notification.kind for notification in created)
    return {kind: counts[kind] for kind in Kind.values}


@transaction.atomic
def scorecard_returned_notify(*, event_id: int) -> int:
    """Tell a returned scorecard's owner and co-leads; returns how many were told now."""
    drafts = rules.scorecard_returned(event_id)
    created = notifications_create(drafts=drafts)
    # All of the event's reminders still waiting for their email, not only those
    # stored now: when the mail server fails, the task runs this again to send them.
    pending = Notification.objects.filter(
        key__in={draft.key for draft in drafts}, emailed_at__isnull=True
    ).values_list("pk", flat=True)
    email_on_commit(list(pending))
    return len(created)


@dataclass(frozen=True)
class DailyRun:
    stored: dict[str, int]  # today's reminders stored, by kind
    resent: int  # emails an earlier run could not send, sent now
    digests: int  # daily digests sent


def reminders_daily_run(*, today: dt.date) -> DailyRun:
    """What the daily task (and `manage.py send_reminders`) does: store and email
    today's reminders, then the emails still owed, then the digests of those
    who chose one email a day. Not one transaction: each email is sent in its
    own, and a refused one raises EmailNotSent for the task's retry, which
    sends only what is still owed."""
    stored = reminders_send(today=today)
    try:
        resent = notifications_email_pending()
    finally:
        # A refused email must not hold back the digests: both are retried.
        digests = notifications_digests_send()
    return DailyRun(stored=stored, resent=resent, digests=digests)
