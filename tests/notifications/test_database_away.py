"""Reminders emailed while PostgreSQL goes away: one warning for the outage in
the worker's log, not a traceback for every reminder of the run; the run stops
with the database's error, which the task retries (`ops.retry`), and the
retry, once PostgreSQL is back, sends only what is still owed.

The session's real PostgreSQL is stopped (tests/ops/faults.py) by the mail
server's edge: just after the first reminder's email went out.
"""

import contextlib
import logging

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from notifications import services
from notifications.models import Notification
from ops.retry import DATABASE_ERRORS
from reminders.tasks import send_daily_reminders
from tests.notifications.factories import NotificationFactory
from tests.ops.faults import postgres_down


class PostgresGoesAfterTheFirst(EmailBackend):
    """The mail server's edge (locmem's outbox); PostgreSQL stopped after the
    first send, into `outage`, once."""

    outage: contextlib.ExitStack | None = None

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        outage, PostgresGoesAfterTheFirst.outage = PostgresGoesAfterTheFirst.outage, None
        if outage is not None:
            outage.enter_context(postgres_down())
        return sent


@pytest.fixture
def outage(settings):
    """Closed, it starts PostgreSQL again (and does at the end, whatever happens)."""
    settings.EMAIL_BACKEND = f"{__name__}.PostgresGoesAfterTheFirst"
    with contextlib.ExitStack() as stack:
        PostgresGoesAfterTheFirst.outage = stack
        try:
            yield stack
        finally:
            PostgresGoesAfterTheFirst.outage = None
    connection.close()  # this thread's connection was cut too


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_outage_is_said_once_and_the_retry_sends_the_rest(outage, caplog, mailoutbox):
    reminders = [NotificationFactory() for _ in range(5)]
    ids = [reminder.pk for reminder in reminders]

    with caplog.at_level(logging.INFO, logger="notifications"):
        with pytest.raises(DATABASE_ERRORS) as error:
            services.notifications_email(notification_ids=ids)
        during = list(caplog.records)
        outage.close()  # PostgreSQL back
        connection.close()
        caplog.clear()
        assert services.notifications_email(notification_ids=ids) == 4
        after = list(caplog.records)

    # The task retries what was raised.
    assert isinstance(error.value, send_daily_reminders.autoretry_for)
    assert [(record.levelname, record.exc_info) for record in during] == [("WARNING", None)]
    assert during[0].getMessage().startswith("Database unreachable since ")
    assert (
        during[0]
        .getMessage()
        .endswith(": the reminders' emails wait for the task's retry; retrying until it answers")
    )
    assert [record.levelname for record in after] == ["INFO"]
    assert after[0].getMessage().startswith("Database reachable again, after ")
    # Each reminder emailed once: the first before PostgreSQL went, the rest after.
    assert sorted(message.subject for message in mailoutbox) == sorted(
        f"[Accord] {reminder.subject}" for reminder in reminders
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
