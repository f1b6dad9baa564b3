"""Who signs in only through their organisation's identity provider.

Single sign-on that creates an account gives it no password (allauth sets an
unusable one): the organisation's identity provider is how that person signs
in, and where it refuses them (they left, their access was withdrawn) Accord
must too. So such an account never gains a password of its own through
Accord's pages: not by "forgotten your password?", nor by the password-set
page. An account an administrator made with a password, found later by single
sign-on, keeps that password on purpose (README, "Single sign-on": it still
signs in while the provider is unreachable); an administrator may still set a
password in the admin, which is theirs to decide.

With `ACCORD_OIDC_ONLY` set, the organisation signs in everyone but the
superusers: a password, however it came, signs nobody else in, and is
neither reset nor set. The superusers keep theirs, and their second factor,
for the day the identity provider is unreachable.
"""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings

from .models import User


def single_sign_on_configured() -> bool:
    return bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS"))


def signs_in_through_organisation(user: User | None) -> bool:
    """Whether `user` signs in only through the identity provider, while single
    sign-on is on: an account linked to the provider with no password of its
    own, or, with `ACCORD_OIDC_ONLY`, every account but a superuser's. Such a
    password does not sign in, and none is reset or set through Accord's pages.
    With single sign-on switched off everyone needs a password again, so the
    rule holds only while it is on."""
    if user is None or user.pk is None or not single_sign_on_configured():
        return False
    if settings.ACCORD_OIDC_ONLY and not user.is_superuser:
        return True
    return not user.has_usable_password() and SocialAccount.objects.filter(user=user).exists()
