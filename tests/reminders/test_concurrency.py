"""Two workers sending the day's reminders at the same moment tell everyone once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Notification
from reminders import services
from tests.factories import AgreementFactory
from tests.notifications.factories import ObligationFactory, ScorecardFactory

TODAY = dt.date(2026, 4, 16)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_store_each_reminder_once_and_send_each_email_once(
    partnership, charlie, rita, mailoutbox
):
    for index in range(20):
        agreement = AgreementFactory(
            partnership=partnership, expiry_date=TODAY + dt.timedelta(days=10 + index)
        )
        ObligationFactory(agreement=agreement, due_date=TODAY + dt.timedelta(days=1))
    ScorecardFactory()
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            results.append(services.reminders_send(today=TODAY))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    # Per agreement, alice and bob: notice, expiry and obligation; and rita's digest.
    expected = 20 * 2 * 3 + 1
    assert Notification.objects.count() == expected
    assert sum(sum(counts.values()) for counts in results) == expected
    sent = [(message.to[0], message.subject) for message in mail.outbox]
    assert len(sent) == len(set(sent)) == expected
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
