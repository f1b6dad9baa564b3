"""Each person's language and time zone: the one home of how they are read.

A user who has chosen neither reads Accord in the browser's language (Django's
LocaleMiddleware) and in the organisation's time zone. Work done for a user
outside a request (an email, a PDF made by the worker) runs inside
`in_users_locale(user)`, so it reads as the user's pages do.
"""

import contextlib
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.zones import time_zone_names


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def not_a_time_zone(value: str) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not a time zone. Choose one such as Europe/Paris or Asia/Kolkata."),
        params={"value": value},
        code="invalid_time_zone",
    )


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise not_a_time_zone(value)


def organisation_time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.ACCORD_ORGANISATION_TIME_ZONE)


def user_time_zone(user) -> zoneinfo.ZoneInfo:
    """The zone a user reads times in: theirs, else the organisation's."""
    name = getattr(user, "time_zone", "") or ""
    if name in time_zone_names():
        return zoneinfo.ZoneInfo(name)
    return organisation_time_zone()


def user_language(user, *, otherwise: str | None = None) -> str:
    """The language a user reads Accord in outside a request: theirs, else
    `otherwise` (the language of the page that asked for the work), else the site's."""
    for code in (getattr(user, "language", "") or "", otherwise or ""):
        if code in language_codes():
            return code
    return settings.LANGUAGE_CODE


@contextlib.contextmanager
def in_users_locale(user, *, otherwise: str | None = None):
    """Render for `user` (an email, a PDF) in their language and time zone;
    `otherwise`, the language to use if they have not chosen one."""
    language = user_language(user, otherwise=otherwise)
    with translation.override(language), timezone.override(user_time_zone(user)):
        yield
