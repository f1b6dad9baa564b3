"""A reminder's email, whatever its stored subject holds."""

import pytest

from notifications import services
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text", ["Report\nto the board", "Report\r\n  to the board", "Report\rto the board"]
)
def test_a_subject_with_a_line_break_is_sent_on_one_line(mailoutbox, text):
    """An obligation's description stored with a line break (a hand-made POST,
    a script) made its reminder's subject an invalid header: the send failed
    at every retry. The subject is sent on one line; the body keeps its lines."""
    reminder = NotificationFactory(subject=f"Due tomorrow: {text}", body="First\nSecond")

    assert services.notifications_email(notification_ids=[reminder.pk]) == 1

    (message,) = mailoutbox
    assert message.subject == "[Accord] Due tomorrow: Report to the board"
    assert "First\nSecond" in message.body
    assert Notification.objects.get(pk=reminder.pk).emailed_at is not None
