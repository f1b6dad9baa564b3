"""The transactional outbox: tasks are stored with the work they belong to and
sent to the broker once that work has committed.

`outbox_enqueue` writes the rows in the caller's transaction and asks for one
attempt to send them on commit; when the broker is away they stay unsent and
`outbox_relay` (beat, every minute) sends them once it is back. Delivery is at
least once: a task whose publish succeeded but whose `sent_at` was lost with the
database is sent again, so every task sent through here must be idempotent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

BATCH = 500
# A publish is short; a broker that does not answer within this is away.
CONNECT_TIMEOUT = 2
KEEP_SENT = dt.timedelta(days=7)


@contextlib.contextmanager
def broker_connection():
    """A connection to the broker, or BrokerError at once: Celery's own publish
    retries for several seconds, too long for a request waiting on it."""
    with current_app.connection_for_write() as connection:
        try:
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=CONNECT_TIMEOUT
            )
        except (OSError, *connection.connection_errors) as error:
            raise BrokerError(str(error)) from error
        yield connection


def broker_reachable() -> bool:
    try:
        with broker_connection():
            return True
    except BrokerError:
        return False


def outbox_enqueue(*, task_name: str, kwargs_list: list[dict], queue: str | None = None):
    """Store one message per kwargs in the current transaction; try to send
    them as soon as it commits."""
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=task_name, kwargs=kwargs, queue=queue or "")
        for kwargs in kwargs_list
    )
    ids = [message.pk for message in messages]
    if ids:
        # robust: the work is saved whatever happens here; the relay retries.
        transaction.on_commit(lambda: outbox_send(ids=ids), robust=True)
    return messages


def outbox_send(*, ids: list[int] | None = None) -> int:
    """Send unsent messages (these ids, or the oldest batch); the number sent.

    The rows stay locked while they are published, so two relays never send the
    same message; a relay that finds them locked skips them.
    """
    with transaction.atomic():
        unsent = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            sent_at__isnull=True
        )
        if ids is not None:
            unsent = unsent.filter(pk__in=ids)
        messages = list(unsent.order_by("created_at", "id")[:BATCH])
        if not messages:
            return 0
        for message in messages:
            message.attempts += 1
        sent = 0
        try:
            with broker_connection() as connection:
                for message in messages:
                    current_app.send_task(
                        message.task_name,
                        kwargs=message.kwargs,
                        queue=message.queue or None,
                        connection=connection,
                        retry=False,
                    )
                    message.sent_at = timezone.now()
                    message.last_error = ""
                    sent += 1
        except (BrokerError, OSError) as error:
            for message in messages[sent:]:
                message.last_error = f"{type(error).__name__}: {error}"[:500]
            logger.warning(
                "Broker unreachable: %d task(s) kept in the outbox, sent when it is back (%s)",
                len(messages) - sent,
                type(error).__name__,
            )
        OutboxMessage.objects.bulk_update(messages, ["attempts", "sent_at", "last_error"])
    return sent


def outbox_relay() -> int:
    """Send everything left unsent, batch by batch, and forget what was sent a week ago."""
    total = 0
    while sent := outbox_send():
        total += sent
        if sent < BATCH:
            break
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return total


def outbox_unsent(*, task_name: str):
    return OutboxMessage.objects.filter(task_name=task_name, sent_at__isnull=True)
