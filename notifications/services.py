"""Storing reminders once per person and event, and emailing them once.

Once per event: the database holds (user, key) unique, and a reminder is
stored with INSERT … ON CONFLICT DO NOTHING, which tells which rows this call
inserted. Only those are emailed, after the commit, so a rerun, or a second
worker running at the same moment, stores and emails nothing again.

Once per email: a worker takes a reminder whose `emailed_at` is empty, sets it
and commits, and only then sends the email (core/mail.py): a database that went
away just after the send (a restart), or a second worker, finds it emailed
and sends nothing. A send the mail server refused empties `emailed_at` again
and raises EmailNotSent, so that the task retries it; the daily task also
sweeps recent reminders still waiting for their email.

Once a day: those who chose a daily digest get no email per reminder; the
daily task sends each of them one email naming every reminder owed to them,
and marks them all emailed with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from accounts.models import ReminderChannel, User
from accounts.preferences import in_users_locale, user_language, user_time_zone
from core.http import site_link
from core.mail import email_send_recorded
from core.outage import Outage
from ops.retry import DATABASE_ERRORS

from .models import INBOX_ONLY_KINDS, Kind, Notification

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Reminders still waiting for their email are retried for three days; older
# ones are left in the inbox, so that a person who switches from "inbox only"
# to email is not sent a backlog of stale reminders.
EMAIL_RETRY_WINDOW = dt.timedelta(days=3)

# PostgreSQL away while reminders are emailed (a restart, a failover): said once
# in the worker's log, a line every five minutes while it stays away and one
# when it is back, rather than a traceback for every reminder of the run. The
# run stops at the first of its errors, which the rest would meet too, and
# raises it for the task's retry (`ops.retry`), which sends what is still owed.
DATABASE_AWAY = Outage(
    "Database", logger, meanwhile="the reminders' emails wait for the task's retry"
)


@contextlib.contextmanager
def _database_outage_said_once():
    try:
        yield
    except DATABASE_ERRORS as error:
        DATABASE_AWAY.failed(error)
        raise
    DATABASE_AWAY.answered()


def _send_each(items: Callable[[], list[T]], send: Callable[[T], bool], failure: str):
    """Send for each of `items()`, each in its own transaction, so that one
    failure does not hold back the others: how many went, and the items that
    failed (each logged as `failure`). The database away stops the run, said
    once (`DATABASE_AWAY`)."""
    sent, failed = 0, []
    with _database_outage_said_once():
        for item in items():
            try:
                sent += send(item)
            except DATABASE_ERRORS:
                raise
            except Exception:
                logger.exception(failure, item)
                failed.append(item)
    return sent, failed


def _wanted_by(channel: ReminderChannel) -> Q:
    """Reminders emailed through `channel`: to active people who chose it and
    have an address, of a kind that is emailed through the inbox at all."""
    return (
        Q(user__reminder_channel=channel, user__is_active=True)
        & ~Q(user__email="")
        & ~Q(kind__in=INBOX_ONLY_KINDS)
    )


# Each reminder its own email, as it is stored.
EMAIL_WANTED = _wanted_by(ReminderChannel.EMAIL)
# Reminders gathered into one email a day (`notifications_digests_send`).
DIGEST_WANTED = _wanted_by(ReminderChannel.DIGEST)
# A digest names this many reminders; the rest wait in the inbox, which it links.
DIGEST_LISTED = 50

INSERT_BATCH = 500


class EmailNotSent(Exception):
    """Some reminders could not be emailed; they stay pending and are tried again."""

    def __init__(self, notification_ids: list[int]):
        self.notification_ids = notification_ids
        super().__init__(f"{len(notification_ids)} reminder email(s) not sent: {notification_ids}")


@dataclass(frozen=True)
class Draft:
    """A reminder to one person, not yet stored: the key names the event, so
    the same event drafted twice is stored once."""

    user_id: int
    key: str
    kind: Kind
    subject: str
    body: str
    url: str = ""


class Readers:
    """The people some reminders go to, with the language and time zone each
    reads Accord in: read once for a whole run, in one query.

    A reminder is stored in its reader's words (subject and body, dates
    included), as their pages would say it when it is created; a reader who
    changes language later sees the old reminders as they were written.
    """

    def __init__(self, user_ids: Iterable[int]):
        self.users = User.objects.only("pk", "language", "time_zone").in_bulk(set(user_ids))

    def each(self, user_ids: Iterable[int], words: Callable[[], T]) -> Iterator[tuple[int, T]]:
        """Each of `user_ids` with what `words()` says in their language and time
        zone; `words` runs once per language and zone among them."""
        said: dict[tuple[str, str], T] = {}
        for user_id in user_ids:
            user = self.users.get(user_id)
            locale = (user_language(user), user_time_zone(user).key)
            if locale not in said:
                with in_users_locale(user):
                    said[locale] = words()
            yield user_id, said[locale]


def notifications_create(*, drafts: Iterable[Draft]) -> list[Notification]:
    """Store the drafts nobody stored before; return the rows this call inserted.

    bulk_create(ignore_conflicts=True) cannot say which rows it inserted, so this
    is INSERT … ON CONFLICT DO NOTHING RETURNING. A row another transaction is
    inserting makes this one wait for it, then skip it. Rows go in key order,
    so two runs at once wait for each other rather than deadlock.
    """
    subject_length = Notification._meta.get_field("subject").max_length
    unique = {
        (draft.user_id, draft.key): replace(
            draft, subject=Truncator(draft.subject).chars(subject_length)
        )
        for draft in drafts
    }
    ordered = [unique[pair] for pair in sorted(unique)]
    now = timezone.now()
    created = []
    for start in range(0, len(ordered), INSERT_BATCH):
        batch = ordered[start : start + INSERT_BATCH]
        by_pair = {(draft.user_id, draft.key): draft for draft in batch}
        for pk, user_id, key in _insert_new(batch, now):
            draft = by_pair[(user_id, key)]
            created.append(
                Notification(
                    pk=pk,
                    user_id=user_id,
                    key=key,
                    kind=draft.kind,
                    subject=draft.subject,
                    body=draft.body,
                    url=draft.url,
                    created_at=now,
                )
            )
    return created


def _insert_new(drafts: list[Draft], now) -> list[tuple[int, int, str]]:
    meta = Notification._meta
    fields = ["user", "key", "kind", "subject", "body", "url", "created_at"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(drafts))
    params = [
        value
        for draft in drafts
        for value in (
            draft.user_id,
            draft.key,
            str(draft.kind),
            draft.subject,
            draft.body,
            draft.url,
            now,
        )
    ]
    user, key, pk = (quote(meta.get_field(name).column) for name in ("user", "key", "id"))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows} "
        f"ON CONFLICT ({user}, {key}) DO NOTHING RETURNING {pk}, {user}, {key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def email_on_commit(notification_ids: list[int]) -> None:
    """Email the stored notifications once the transaction that stored them commits."""
    if notification_ids:
        transaction.on_commit(partial(notifications_email, notification_ids=notification_ids))


def notifications_email(*, notification_ids: Iterable[int]) -> int:
    """Email those of the reminders whose person wants email and has not had it.

    Each is sent in its own transaction, so one failure does not hold back the
    others; the failures are raised together at the end. Returns how many were sent.
    The database away stops the run, said once (`DATABASE_AWAY`).
    """
    sent, failed = _send_each(
        lambda: list(
            Notification.objects.filter(
                EMAIL_WANTED, pk__in=notification_ids, emailed_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        lambda notification_id: notification_email_send(notification_id=notification_id),
        "Reminder %s could not be emailed",
    )
    if failed:
        raise EmailNotSent(failed)
    return sent


def notifications_email_pending(*, now: dt.datetime | None = None) -> int:
    """Email the recent reminders still waiting for their email (a failed send)."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        EMAIL_WANTED, emailed_at__isnull=True, created_at__gte=now - EMAIL_RETRY_WINDOW
    ).values_list("pk", flat=True)
    return notifications_email(notification_ids=list(pending))


def notification_email_send(*, notification_id: int) -> bool:
    """Email one reminder unless it went out already; True if it went out now.

    Marked emailed and committed before it is sent (a worker taking the same
    reminder meanwhile skips it): not within a caller's transaction.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(EMAIL_WANTED, pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        message = _message(notification)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    email_send_recorded(
        message=message,
        unrecord=partial(
            Notification.objects.filter(
                pk=notification.pk, emailed_at=notification.emailed_at
            ).update,
            emailed_at=None,
        ),
        what=f"Reminder {notification.pk}",
    )
    return True


def _message(notification: Notification) -> EmailMessage:
    """The reminder's email, in its reader's language and time zone (the worker
    sends it, outside any request); its subject was stored in their words."""
    with in_users_locale(notification.user):
        body = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "link": site_link(notification.url),
                **_links(),
            },
        )
    return EmailMessage(
        subject=f"[Accord] {notification.subject}",
        body=body,
        to=[notification.user.email],
    )


def notifications_digests_send(*, now: dt.datetime | None = None) -> int:
    """Email each person who chose a daily digest one message with the reminders
    not yet emailed to them (those of the last EMAIL_RETRY_WINDOW).

    Each person's digest is sent in its own transaction, its reminders locked
    and marked emailed with it, so a rerun or a second worker sends nobody a
    second digest; the failures are raised together at the end, leaving those
    reminders for the retry. Returns how many digests went out."""
    since = (now or timezone.now()) - EMAIL_RETRY_WINDOW
    owed = Notification.objects.filter(
        DIGEST_WANTED, emailed_at__isnull=True, created_at__gte=since
    )
    sent, failed = _send_each(
        lambda: sorted(set(owed.order_by().values_list("user_id", flat=True))),
        lambda user_id: notification_digest_send(user_id=user_id, since=since),
        "The reminders digest of user %s could not be emailed",
    )
    if failed:
        raise EmailNotSent(list(owed.filter(user_id__in=failed).values_list("pk", flat=True)))
    return sent


def notification_digest_send(*, user_id: int, since: dt.datetime) -> bool:
    """Email one person's digest of the reminders owed to them since `since`;
    True if it went out now (False: none owed, or another worker has them).
    Its reminders are marked emailed and committed before it is sent, as a
    single reminder is: not within a caller's transaction."""
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(DIGEST_WANTED, user_id=user_id, emailed_at__isnull=True, created_at__gte=since)
            .order_by("created_at", "pk")
        )
        if not notifications:
            return False
        message = _digest(notifications)
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    email_send_recorded(
        message=message,
        unrecord=partial(
            Notification.objects.filter(
                pk__in=[n.pk for n in notifications], emailed_at=now
            ).update,
            emailed_at=None,
        ),
        what=f"The reminders digest of user {user_id}",
    )
    return True


def _links() -> dict[str, str]:
    return {
        "inbox": site_link(reverse("notifications:inbox")),
        "preferences": site_link(reverse("notifications:preferences")),
    }


def _digest(notifications: list[Notification]) -> EmailMessage:
    """One person's reminders as one email, oldest first, in their language."""
    user = notifications[0].user
    listed = notifications[:DIGEST_LISTED]
    with in_users_locale(user):
        subject = ngettext("%(count)d reminder", "%(count)d reminders", len(notifications)) % {
            "count": len(notifications)
        }
        body = render_to_string(
            "notifications/digest.txt",
            {
                "user": user,
                "count": len(notifications),
                "reminders": [
                    {
                        "subject": notification.subject,
                        "link": site_link(notification.url),
                    }
                    for notification in listed
                ],
                "more": len(notifications) - len(listed),
                **_links(),
            },
        )
    return EmailMessage(subject=f"[Accord] {subject}", body=body, to=[user.email])


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
