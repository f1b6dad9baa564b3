"""Sending an email at most once, through a database that may go away.

An email is sent after the row that says it was sent has been committed, never
before: sent first, a database that went away just after (a restart, a
failover, the worker killed) lost the row saying so, and the task's retry sent
the email again. Recorded first, the retry finds it sent and sends nothing.

The price: an email whose send the process did not outlive (recorded, then the
worker killed before it spoke to the mail server) is not sent at all. Accord's
emails tell of something also shown in the application (the inbox, the health
check's page), so once is better than twice there. A send the mail server
refused is known not to have happened: its record is taken back, and the
task's retry sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)


def email_send_recorded(*, message: EmailMessage, unrecord: Callable[[], object], what: str):
    """Send `message`, whose sending the caller has recorded and committed
    (so not from within a transaction); if the send fails, `unrecord()` takes
    the record back and the error is raised for the caller's retry."""
    # A subject is one header line: a line break in what it quotes (a title or
    # a description stored by a script) would fail the send at every retry.
    message.subject = " ".join(str(message.subject).split())
    try:
        message.send()
    except Exception:
        try:
            with transaction.atomic():
                unrecord()
        except DatabaseError:
            logger.exception(
                "%s was not emailed, and the database could not be told so: it is not sent again",
                what,
            )
        raise
