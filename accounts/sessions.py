"""What Accord keeps in a signed-in session: when it began, when it was last
used, and whether its user still has to set up a second factor."""

import datetime as dt
import time

from django.conf import settings

from .models import User

SIGNED_IN_AT = "accord_signed_in_at"
LAST_SEEN_AT = "accord_last_seen_at"
NEEDS_SECOND_FACTOR = "accord_needs_second_factor"
# The last-seen time is saved at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 60

# The roles whose users must sign in with a second factor. "Administrator" is
# the group of accounts.models.Role.ADMINISTRATOR; superusers count too.
SECOND_FACTOR_ROLES = ["Reviewer", "Administrator"]


def second_factor_required(user: User) -> bool:
    return user.is_superuser or user.groups.filter(name__in=SECOND_FACTOR_ROLES).exists()


def start(session, user: User) -> None:
    """Called at each sign-in (AccountsConfig connects it to user_logged_in)."""
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    if second_factor_required(user) and not user.authenticator_set.exists():
        session[NEEDS_SECOND_FACTOR] = True
    else:
        session.pop(NEEDS_SECOND_FACTOR, None)


def has_expired(session, now: float) -> bool:
    idle = dt.timedelta(minutes=settings.ACCORD_SESSION_IDLE_MINUTES).total_seconds()
    lifetime = dt.timedelta(hours=settings.ACCORD_SESSION_MAX_HOURS).total_seconds()
    # A session from before these keys existed starts counting now.
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    last_seen_at = session.get(LAST_SEEN_AT, now)
    return now - last_seen_at > idle or now - signed_in_at > lifetime


def mark_seen(session, now: float) -> None:
    if now - session.get(LAST_SEEN_AT, 0) > LAST_SEEN_RESOLUTION:
        session[LAST_SEEN_AT] = now
