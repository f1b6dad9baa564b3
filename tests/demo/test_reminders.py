"""The demo portfolio calls for reminders of every kind an owner gets."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def kinds_reminded(username: str) -> set[str]:
    return set(Notification.objects.filter(user__username=username).values_list("kind", flat=True))


@pytest.mark.parametrize("day", [None, "2027-01-10", "2029-08-15"])
def test_the_demo_managers_are_reminded_of_what_the_demo_data_calls_for(day, mailoutbox):
    with time_machine.travel(
        dt.datetime.fromisoformat(f"{day}T06:00:00+00:00") if day else timezone.now(),
        tick=False,
    ):
        call_command("seed_demo", stdout=StringIO())
        # The seed's own rows, our people's health-check invitations, went out by
        # email with the invitations when their rounds opened: not again now.
        seeded = Notification.objects.count()
        first, second = StringIO(), StringIO()
        call_command("send_reminders", stdout=first)
        call_command("send_reminders", stdout=second)

    managers = kinds_reminded("maya") | kinds_reminded("omar")
    assert "agreement_expiry" in managers
    assert managers & {"obligation_due", "obligation_overdue"}
    assert "metric_missing" in managers
    assert kinds_reminded("maya") and kinds_reminded("omar")
    assert not kinds_reminded("erin")
    assert "Agreement expiring" in first.getvalue()
    assert len(mailoutbox) == Notification.objects.count() - seeded
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert "none due that was not sent before" in second.getvalue()
