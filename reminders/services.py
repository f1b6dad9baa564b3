"""Storing the reminders the portfolio calls for, through the inbox's delivery."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from notifications.models import Kind, Notification
from notifications.services import email_on_commit, notifications_create

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
