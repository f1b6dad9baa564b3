"""A reminder (or a health check's invitation) emailed just before PostgreSQL
went away is not emailed again when the task's retry runs once it is back
(core/mail.py): the email used to be sent first and recorded after, in a
transaction the restart rolled back."""

import datetime as dt
import re

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError, connection

from health import services as health_services
from health import tokens as health_tokens
from notifications.models import Notification
from notifications.services import EmailNotSent
from reminders import services
from tests.factories import AgreementFactory, PartnershipFactory
from tests.health.builders import open_round
from tests.notifications.factories import ObligationFactory
from tests.ops.faults import session_servers

TODAY = dt.date(2026, 6, 1)


class PostgresStopsAfterTheSend(EmailBackend):
    """The mail server takes the email; then PostgreSQL stops (a restart, a
    failover), before the worker has said anything more to it."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        session_servers().postgres.stop(mode="fast")
        return sent


@pytest.fixture
def postgres_back():
    yield
    postgres = session_servers().postgres
    if not postgres.is_running():
        postgres.start()
    connection.close()  # cut by the stop


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reminder_emailed_as_postgresql_stopped_is_not_emailed_again_by_the_retry(
    partnership, settings, mailoutbox, postgres_back
):
    obligation = ObligationFactory(
        agreement=AgreementFactory(partnership=partnership), due_date=TODAY + dt.timedelta(2)
    )
    settings.EMAIL_BACKEND = f"{__name__}.PostgresStopsAfterTheSend"
    # The run stops at the database's error, which the task retries (ops.retry).
    with pytest.raises(OperationalError):
        services.reminders_daily_run(today=TODAY)
    assert [message.to for message in mailoutbox] == [["alice@example.org"]]

    session_servers().postgres.start()
    connection.close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run = services.reminders_daily_run(today=TODAY)  # the retry

    assert not any(run.stored.values())
    assert run.resent == 1  # bob's, which the stop kept from being sent
    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@example.org",
        "bob@example.org",
    ]
    assert all(obligation.description in message.subject for message in mailoutbox)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reminder_the_mail_server_refused_is_emailed_by_the_retry(
    partnership, settings, mailoutbox
):
    """The other side: a send known to have failed is taken back, and sent."""
    ObligationFactory(
        agreement=AgreementFactory(partnership=partnership), due_date=TODAY + dt.timedelta(2)
    )
    settings.EMAIL_BACKEND = "tests.reminders.test_tasks.RefusingBackend"
    with pytest.raises(EmailNotSent):
        services.reminders_daily_run(today=TODAY)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.reminders_daily_run(today=TODAY).resent == 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_health_check_invitation_emailed_as_postgresql_stopped_is_not_emailed_again(
    alice, settings, mailoutbox, postgres_back
):
    """Emailed again, it carried a new link, which voided the first one's."""
    health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=1)
    respondent = health_round.respondents.get()
    settings.EMAIL_BACKEND = f"{__name__}.PostgresStopsAfterTheSend"
    assert health_services.invitation_send(respondent_id=respondent.pk) is True

    session_servers().postgres.start()
    connection.close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert health_services.invitation_send(respondent_id=respondent.pk) is False  # the retry

    (message,) = mailoutbox
    (token,) = re.findall(r"/health/answer/([^/\s]+)/", message.body)
    respondent.refresh_from_db()
    assert respondent.emailed_at is not None
    assert respondent.token_hash == health_tokens.digest(token)  # its link works
