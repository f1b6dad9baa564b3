"""What Accord keeps in a signed-in session: when it began, when it was last
used, and whether its user is known to have a second factor."""

import datetime as dt
import time

from django.conf import settings

from .models import Role, User
from .roles import ROLE_PERMISSIONS

SIGNED_IN_AT = "accord_signed_in_at"
LAST_SEEN_AT = "accord_last_seen_at"
# Set once the user is known to have an authenticator: their later requests
# cost no query for it.
HAS_SECOND_FACTOR = "accord_has_second_factor"
# The last-seen time is saved at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 60

# The roles whose users must sign in with a second factor; superusers too.
SECOND_FACTOR_ROLES = [Role.REVIEWER, Role.ADMINISTRATOR]


def _held_only_by(roles) -> frozenset[str]:
    """The permissions ("app.codename") that only these roles hold (accounts.roles)."""
    theirs = set().union(*(ROLE_PERMISSIONS[role] for role in roles))
    others = set().union(*(ROLE_PERMISSIONS[role] for role in Role if role not in roles))
    return frozenset(f"{app}.{codename}" for app, codename in theirs - others)


SECOND_FACTOR_PERMISSIONS = _held_only_by(SECOND_FACTOR_ROLES)


def second_factor_required(user: User) -> bool:
    """Whether the user's roles, as they are now, ask for a second factor.

    Read from the permission cache every page fills anyway (the menu, the
    role check), so asking on each request costs no query; and a role given
    during a session counts from the next request, not the next sign-in.
    """
    return user.is_superuser or not SECOND_FACTOR_PERMISSIONS.isdisjoint(user.get_all_permissions())


def lacks_second_factor(user: User) -> bool:
    """Whether the user's roles ask for a second factor they have not set up.

    Such a user reaches nothing but its set-up: no page (the middleware sends
    them there), no API token and no calendar feed address, even one made
    before a role that needs it was given to them. One query when asked.
    """
    return second_factor_required(user) and not has_second_factor(user)


def has_second_factor(user: User) -> bool:
    return user.authenticator_set.exists()


def start(session, user: User) -> None:
    """Called at each sign-in (AccountsConfig connects it to user_logged_in)."""
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    if has_second_factor(user):
        session[HAS_SECOND_FACTOR] = True
    else:
        session.pop(HAS_SECOND_FACTOR, None)


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
