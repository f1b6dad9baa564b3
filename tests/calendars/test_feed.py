"""The calendar feed, parsed back with `icalendar` and checked against the database."""

import datetime as dt

import icalendar
import pytest
import time_machine

from calendars import events as calendar_events
from calendars.feeds import feed_create, feed_revoke
from calendars.models import CalendarFeed
from evaluation.models import Scorecard
from lifecycle.models import NextStep
from partnerships.models import Agreement, Obligation
from tests.api.conftest import assess
from tests.factories import (
    AgreementFactory,
    PartnershipFactory,
    partnership_with_data,
    signed_in_again,
)
from tests.health.builders import open_round

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ours(alice):
    partnership = partnership_with_data(owner=alice, title="Nairobi cardiology exchange")
    agreement = Agreement.objects.get(partnership=partnership)
    Obligation.objects.create(
        agreement=agreement, description="Annual report", due_date=dt.date(2026, 12, 15)
    )
    Obligation.objects.create(
        agreement=agreement,
        description="Kick-off visit",
        due_date=dt.date(2026, 10, 1),
        completed_on=dt.date(2026, 10, 1),
    )
    # A next step is a prospect's: one on the pipeline, which alice also leads.
    partnership.prospect = PartnershipFactory(owner=alice, stage="outreach", start_date=None)
    NextStep.objects.create(
        partnership=partnership.prospect,
        description="Call the dean",
        due_on=dt.date(2026, 12, 10),
        updated_by=alice,
    )
    open_round(
        partnership, by=alice, opened_on=dt.date(2026, 11, 25), closes_on=dt.date(2026, 12, 20)
    )
    return partnership


def read(client, secret) -> dict[str, dt.date]:
    response = client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {
        str(event["UID"]).split("@")[0]: event.decoded("DTSTART")
        for event in calendar.walk("VEVENT")
    }


def test_it_lists_the_dates_of_the_partnerships_one_leads(client, alice, ours):
    _, secret = feed_create(user=alice)
    agreement = Agreement.objects.get(partnership=ours)
    due = Obligation.objects.get(completed_on__isnull=True)
    events = read(client, secret)
    assert events == {
        f"agreement-{agreement.pk}-notice": agreement.notice_date,
        f"agreement-{agreement.pk}-expiry": agreement.expiry_date,
        f"obligation-{due.pk}": dt.date(2026, 12, 15),
        f"next-step-{ours.prospect.pk}": dt.date(2026, 12, 10),
        f"health-round-{ours.health_rounds.get().pk}": dt.date(2026, 12, 20),
    }


def test_a_next_step_leaves_the_feed_with_its_partnership_leaving_the_pipeline(client, alice, ours):
    _, secret = feed_create(user=alice)
    assert f"next-step-{ours.prospect.pk}" in read(client, secret)
    for stage, end_date in (("active", None), ("withdrawn", dt.date(2026, 11, 30))):
        ours.prospect.stage, ours.prospect.end_date = stage, end_date
        ours.prospect.save()
        assert f"next-step-{ours.prospect.pk}" not in read(client, secret)


@pytest.mark.parametrize("status", ["terminated", "expired", "superseded", "draft"])
def test_an_obligation_is_due_only_under_an_agreement_in_force(client, alice, ours, status):
    """As the reminders say (`Obligation.objects.open`): one under an agreement
    that no longer (or not yet) binds is not due."""
    _, secret = feed_create(user=alice)
    due = Obligation.objects.get(completed_on__isnull=True)
    assert f"obligation-{due.pk}" in read(client, secret)
    agreement = Agreement.objects.get(pk=due.agreement_id)
    if status == "superseded":  # only by one of its renewals
        AgreementFactory(
            partnership=agreement.partnership, changes=agreement, change_kind="renewal"
        )
    if status == "draft":  # nothing signed goes back to draft: one written so
        draft = AgreementFactory(partnership=agreement.partnership, status="draft")
        Obligation.objects.filter(pk=due.pk).update(agreement=draft)
    else:
        Agreement.objects.filter(pk=agreement.pk).update(status=status)
    assert f"obligation-{due.pk}" not in read(client, secret)


def test_it_lists_nothing_of_partnerships_others_lead(client, bob, ours):
    _, secret = feed_create(user=bob)
    assert read(client, secret) == {}


def test_a_reviewer_sees_review_deadlines_in_their_time_zone(client, rita, ours, settings):
    settings.ACCORD_REVIEW_DAYS = 14
    settings.ACCORD_ORGANISATION_TIME_ZONE = "Europe/London"
    (card,) = assess(ours)
    # Computed at 20:00 UTC on 29 November: due 14 days later, 20:00 UTC on
    # 13 December, which is already 09:00 on the 14th in Auckland.
    Scorecard.objects.filter(pk=card.pk).update(
        computed_at=dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC)
    )
    rita.time_zone = "Pacific/Auckland"
    rita.save(update_fields=["time_zone"])
    _, secret = feed_create(user=rita)
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{secret}.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Pacific/Auckland"
    due = event.decoded("DTSTART")
    assert due == dt.datetime(2026, 12, 13, 20, 0, tzinfo=dt.UTC)
    assert (due.date(), due.hour, due.utcoffset()) == (
        dt.date(2026, 12, 14),
        9,
        dt.timedelta(hours=13),
    )
    assert due.tzinfo.key == "Pacific/Auckland"
    # The zone is in the feed, so no calendar program has to know it.
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Pacific/Auckland"]
    assert calendar["X-WR-TIMEZONE"] == "Pacific/Auckland"

    # None chosen: the organisation's zone, London (GMT in December).
    rita.time_zone = ""
    rita.save(update_fields=["time_zone"])
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{secret}.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    due = event.decoded("DTSTART")
    assert (due.date(), due.hour) == (dt.date(2026, 12, 13), 20)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]


@pytest.mark.parametrize(
    ("language", "month"),
    [("en-gb", "October 2025"), ("fr", "octobre 2025"), ("pt", "outubro de 2025")],
)
def test_a_review_deadline_names_its_month_in_words_in_the_subscribers_language(
    client, rita, ours, language, month
):
    (card,) = assess(ours)
    assert card.period_start == dt.date(2025, 10, 1)
    rita.language = language
    rita.save(update_fields=["language"])
    _, secret = feed_create(user=rita)

    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{secret}.ics").content)

    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).endswith(f": Nairobi cardiology exchange {month}")
    assert "2025-10" not in str(event["SUMMARY"])


@pytest.mark.parametrize("on_the_day", [2, 3])
def test_a_day_with_more_reviews_due_than_are_listed_is_one_event_saying_how_many(
    client, rita, monkeypatch, settings, on_the_day
):
    settings.ACCORD_REVIEW_DAYS = 14
    settings.ACCORD_ORGANISATION_TIME_ZONE = "Europe/London"
    monkeypatch.setattr(calendar_events, "REVIEWS_A_DAY", 2)
    cards = assess(*[partnership_with_data() for _ in range(on_the_day + 1)])
    # All but one due at 09:00 UTC on 13 December; the last, computed later
    # that day, due at 23:30 UTC: the 13th in London, the 14th in Auckland.
    *crowd, late = cards
    Scorecard.objects.filter(pk__in=[card.pk for card in crowd]).update(
        computed_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
    )
    Scorecard.objects.filter(pk=late.pk).update(
        computed_at=dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)
    )
    _, secret = feed_create(user=rita)
    listed = {card.pk: f"scorecard-{card.pk}-review" for card in cards}

    # Three or four due on the 13th in London: one event, at the first one's time.
    assert list(read(client, secret)) == ["scorecards-review-2026-12-13"]
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{secret}.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Review {on_the_day + 1} scorecards"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 13, 9, 0, tzinfo=dt.UTC)

    rita.time_zone = "Pacific/Auckland"
    rita.save(update_fields=["time_zone"])
    in_auckland = read(client, secret)
    if on_the_day > 2:  # three on the 13th: one event; the late one on the 14th, by itself
        assert set(in_auckland) == {"scorecards-review-2026-12-13", listed[late.pk]}
    else:  # two on the 13th, each listed; the late one on the 14th
        assert in_auckland == {
            **{listed[card.pk]: dt.datetime(2026, 12, 13, 9, 0, tzinfo=dt.UTC) for card in crowd},
            listed[late.pk]: dt.datetime(2026, 12, 13, 23, 30, tzinfo=dt.UTC),
        }


def test_the_days_of_a_person_east_of_the_organisation_are_their_own(client, alice, ours):
    """All-day events stay days: no zone shifts them in a calendar program."""
    alice.time_zone = "Asia/Kolkata"
    alice.save(update_fields=["time_zone"])
    _, secret = feed_create(user=alice)
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{secret}.ics").content)
    starts = [event.decoded("DTSTART") for event in calendar.walk("VEVENT")]
    assert starts and all(type(start) is dt.date for start in starts)
    assert calendar["X-WR-TIMEZONE"] == "Asia/Kolkata"


def test_a_revoked_or_unknown_feed_is_not_found(client, alice, ours):
    _, secret = feed_create(user=alice)
    feed_revoke(user=alice)
    assert client.get(f"/calendar/{secret}.ics").status_code == 404
    assert client.get("/calendar/cal_guess.ics").status_code == 404


def test_a_new_address_replaces_the_old_one(client, alice, ours):
    _, old = feed_create(user=alice)
    _, new = feed_create(user=alice)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_the_page_shows_the_address_once_and_stores_only_its_hash(client, alice):
    alice.time_zone = "Africa/Nairobi"
    alice.save(update_fields=["time_zone"])
    client.force_login(alice)
    assert "Africa/Nairobi" in client.get("/calendar/").content.decode()
    signed_in_again(client)
    response = client.post("/calendar/")
    address = response.context["address"]
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=alice)
    assert secret not in (feed.token_hash, feed.prefix)
    assert secret not in client.get("/calendar/").content.decode()
    client.post("/calendar/revoke/")
    assert not CalendarFeed.objects.exists()


def test_making_an_address_asks_for_the_password_again_first(client, alice):
    """A session alone (a browser left signed in) cannot make a calendar address."""
    client.force_login(alice)
    response = client.post("/calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not CalendarFeed.objects.exists()
    # Reading the page, and revoking, ask nothing more.
    assert client.get("/calendar/").status_code == 200
    signed_in_again(client)
    assert client.post("/calendar/").context["address"]
    assert CalendarFeed.objects.filter(user=alice).count() == 1
