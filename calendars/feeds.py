"""Creating, finding and revoking calendar feeds, and writing them as iCalendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import translation

from accounts.preferences import user_language, user_time_zone

from .events import Event, events_for
from .models import CalendarFeed

SECRET_PREFIX = "cal_"
DOMAIN = "accord"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user) -> tuple[CalendarFeed, str]:
    """A new feed address for the user; the one they had, if any, stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(
        user=user,
        token_hash=hash_secret(secret),
        prefix=secret[: len(SECRET_PREFIX) + 6],
    )
    feed.full_clean()
    feed.save()
    return feed, secret


@transaction.atomic
def feed_revoke(*, user) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def feed_for_secret(secret: str, *, now: dt.datetime) -> CalendarFeed | None:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), user__is_active=True)
        .first()
    )
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return feed


def _vevent(event: Event, *, stamp: dt.datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.uid}@{DOMAIN}")
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.summary)
    if event.at is not None:
        # A moment (a review deadline): its time in the person's zone, with
        # that zone's TZID, so the calendar shows it at the right hour anywhere.
        vevent.add("dtstart", event.at)
    else:
        # All-day events: a date is a day in the person's time zone, never shifted.
        vevent.add("dtstart", event.day)
        vevent.add("dtend", event.day + dt.timedelta(days=1))
    vevent.add("transp", "TRANSPARENT")
    if event.description:
        vevent.add("description", event.description)
    return vevent


def feed_ical(feed: CalendarFeed, *, now: dt.datetime) -> bytes:
    zone = user_time_zone(feed.user)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.ACCORD_ORGANISATION_NAME}//Accord//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Accord")
    calendar.add("x-wr-timezone", str(zone))
    # The summaries in the subscriber's language, whatever the calendar program asks for.
    with translation.override(user_language(feed.user)):
        for event in events_for(feed.user, zone=zone, now=now):
            calendar.add_component(_vevent(event, stamp=now))
    # The VTIMEZONE of each TZID used, so that no program has to guess the zone.
    calendar.add_missing_timezones()
    return calendar.to_ical()
