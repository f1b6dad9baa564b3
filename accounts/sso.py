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
"""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings

from .models import User


def single_sign_on_configured() -> bool:
    return bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS"))


def signs_in_through_organisation(user: User | None) -> bool:
    """Whether `user` signs in only through the identity provider: single sign-on
    is on, the account is linked to the provider, and has no password of its own.
    With single sign-on switched off they need a password again, so the rule
    holds only while it is on."""
    return bool(
        user is not None
        and user.pk is not None
        and not user.has_usable_password()
        and single_sign_on_configured()
        and SocialAccount.objects.filter(user=user).exists()
    )
