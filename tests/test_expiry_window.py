"""“Near expiry” is one window, the active scoring policy's: the scorecard's flag,
the home page, the portfolio tile, early warning and reminders move together
when a new version of the policy is published."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from evaluation import services as evaluation
from evaluation.models import Scorecard
from lifecycle import services as lifecycle
from reminders.rules import agreement_reminders, expiry_thresholds
from tests.dashboards.test_portfolio import tile
from tests.factories import partnership_with_data, publish_policy

pytestmark = pytest.mark.django_db

# The last day of a month, so its scorecard is computed "on" today too.
TODAY = dt.date(2026, 11, 30)
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def today_with_a_cold_cache():
    # Redis outlives each test's rolled-back database.
    cache.clear()
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield
    cache.clear()


def expiring_in(days: int, owner):
    """An active partnership whose agreement expires `days` from today, with a
    notice period short enough that only "near expiry" speaks of it."""
    partnership = partnership_with_data(owner=owner, title=f"Expires in {days} days")
    partnership.agreements.update(
        expiry_date=TODAY + dt.timedelta(days=days), notice_period_days=30
    )
    return partnership, partnership.agreements.get()


def test_a_60_day_policy_moves_every_reader_of_near_expiry_together(client, alice, erin):
    outside, outside_mou = expiring_in(61, alice)
    inside, inside_mou = expiring_in(60, alice)
    # One signal is enough here, so the warning turns on the expiry alone.
    policy = publish_policy(expiry_warning_days=60, warning_signals_needed=1)

    # The scorecard's flag.
    with transaction.atomic():
        evaluation.assess_partnerships(
            [outside.pk, inside.pk],
            period_start=NOVEMBER,
            period_end=TODAY,
            policy=policy,
        )
    flagged = {
        card.partnership_id
        for card in Scorecard.objects.all()
        if "agreement_expiring" in [flag["code"] for flag in card.flags]
    }
    assert flagged == {inside.pk}

    # The home page.
    client.force_login(alice)
    home = client.get(reverse("home"))
    assert [a.pk for a in home.context["expiring"]] == [inside_mou.pk]
    assert b"Agreements expiring in the next 60 days" in home.content

    # The portfolio tile.
    client.force_login(erin)
    portfolio = client.get(reverse("dashboards:portfolio"))
    assert int(tile(portfolio, "data-count")) == 1
    assert "Expiring in 60 days" in portfolio.content.decode()

    # Early warning.
    warned = {
        warning.partnership_id
        for warning in lifecycle.early_warnings_raise(today=TODAY)
        if "agreement_expiring" in [signal["code"] for signal in warning.signals]
    }
    assert warned == {inside.pk}

    # Reminders, at the policy's window, then 30 and 7 days.
    assert expiry_thresholds(60) == (7, 30, 60)
    keys = {draft.key for draft in agreement_reminders(TODAY)}
    assert keys == {f"agreement:{inside_mou.pk}:expires-60:{inside_mou.expiry_date}"}
    assert outside_mou.pk not in {int(key.split(":")[1]) for key in keys}
