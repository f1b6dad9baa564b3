"""The demo's first run sends nothing a real first day would not.

The seeded health checks opened months ago: their invitations went out then, by
email and in our people's inbox. So when `make run` goes on (health_answer_links,
assess, review_demo, early_warning, send_reminders, then the worker and beat),
nothing is owed for a round that closed long ago, and no reminder "an earlier
run could not send" is waiting.
"""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from health import services
from health.models import Respondent, RoundState
from notifications.models import Kind, Notification
from notifications.services import notifications_email_pending

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC), tick=False):
        # The invitations round_open queues are not run here; the worker's part
        # is played below by calling the service each task calls.
        with django_capture_on_commit_callbacks():
            call_command("seed_demo", stdout=StringIO())
        yield


def test_it_leaves_no_invitation_owed_for_a_closed_round(seeded):
    owed = Respondent.objects.filter(round__state=RoundState.CLOSED, emailed_at__isnull=True)
    assert not owed.exists()
    # Every invitation, closed round or open, went out the day its round opened.
    respondents = Respondent.objects.select_related("round")
    assert respondents.exists()
    for respondent in respondents:
        opened_on = respondent.round.opened_on
        assert timezone.localdate(respondent.invited_at) == opened_on
        assert timezone.localdate(respondent.emailed_at) == opened_on


def test_the_queued_invitations_and_the_daily_health_run_send_nothing(seeded, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 11, 22, 7, 0, tzinfo=dt.UTC), tick=False):
        # What the worker does with each invitation seed_demo queued.
        for respondent_id in Respondent.objects.values_list("pk", flat=True):
            assert services.invitation_send(respondent_id=respondent_id) is False
        counts = services.health_checks_run(today=TODAY)
    assert counts == {"closed": 0, "opened": 0, "reminders": 0, "unsent": 0}
    assert mailoutbox == []


def test_it_leaves_no_notification_unsent_from_before_the_seed_day(seeded, mailoutbox):
    seeded_rows = Notification.objects.filter(kind=Kind.HEALTH_CHECK)
    assert seeded_rows.exists()
    start_of_day = timezone.make_aware(dt.datetime.combine(TODAY, dt.time()))
    # Our people's inbox rows are dated when their round opened, and the
    # invitation email carried them then.
    assert not seeded_rows.filter(created_at__gte=start_of_day).exists()
    assert not Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=start_of_day
    ).exists()
    # send_reminders' sweep of "reminders an earlier run could not send" finds none.
    with time_machine.travel(dt.datetime(2026, 11, 22, 7, 0, tzinfo=dt.UTC), tick=False):
        assert notifications_email_pending() == 0
    assert mailoutbox == []
