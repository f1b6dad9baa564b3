"""Writes on accounts: every credential of a person ended at once, roles and
addresses from single sign-on, the demo second factor."""

from dataclasses import dataclass

import pghistory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from .hooks import credentials_ended, roles_changed
from .models import Role, User


@transaction.atomic
def user_end_credentials(*, user: User, keep_session_key: str | None = None) -> None:
    """End every way `user` is signed in: each of their sessions but the one
    kept (the browser that asked, when they asked themselves), and, through
    `credentials_ended`, their API tokens and calendar feed address.

    The one home for it: signing out everywhere, a password reset or change
    (or one an administrator sets), a deactivation and a second-factor reset
    each call this, so a credential added later is ended by all of them at once.
    """
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    get_usersessions_adapter().end_sessions(list(sessions))
    credentials_ended.fire_now(user=user)


def can_reset_second_factor(*, by: User, user: User) -> bool:
    """An administrator (or a superuser) may reset someone else's second factor.

    Never their own: a stolen session could otherwise drop the second factor
    that guards it; another administrator resets it. Nor a superuser's,
    unless they are one (only a superuser changes a superuser, accounts/admin.py).
    """
    return (
        by.is_active
        and by.pk != user.pk
        and (by.is_superuser or by.has_role(Role.ADMINISTRATOR))
        and (by.is_superuser or not user.is_superuser)
    )


@transaction.atomic
def user_reset_second_factor(*, user: User, by: User) -> int:
    """Remove every authenticator of `user` (a lost phone): their app and their
    recovery codes. Returns how many were removed.

    Their sessions, API tokens and calendar address end too (the lost phone
    may hold them), so their next request is a new sign-in, and a role that
    requires a second factor sends them to set one up again
    (accounts.middleware.SecondFactorRequiredMiddleware). The user's history
    keeps a "second_factor_reset" event with who did it (the request's context).
    """
    if not can_reset_second_factor(by=by, user=user):
        raise PermissionDenied(
            gettext("Only an administrator resets someone else's second factor.")
        )
    removed, _by_model = Authenticator.objects.filter(user=user).delete()
    with pghistory.context(second_factor_reset_by=by.pk):
        pghistory.create_event(user, label="second_factor_reset")
    user_end_credentials(user=user)
    return removed


def roles_from_claims(claims: dict, *, claim: str, role_map: dict[str, str]) -> set[str]:
    """The Accord roles an identity provider's claim grants.

    The claim is a list of group names (Entra ID, Keycloak, Okta) or one
    string of them separated by commas or spaces; names not in the map grant nothing.
    """
    value = claims.get(claim) or []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return {role_map[group] for group in value if group in role_map}


@transaction.atomic
def user_sync_roles_from_sso(*, user: User, claims: dict) -> set[str]:
    """Give the user exactly the roles the identity provider grants now.

    Only role groups are touched (Accord's roles and the ones the map names);
    any other group an administrator gave stays. A deactivated account keeps
    the roles it has: its sign-in is refused, and it granted them back first.
    """
    if not user.is_active:
        return set()
    granted = roles_from_claims(
        claims, claim=settings.ACCORD_OIDC_ROLES_CLAIM, role_map=settings.ACCORD_OIDC_ROLE_MAP
    )
    managed = set(Role.values) | set(settings.ACCORD_OIDC_ROLE_MAP.values())
    user.groups.remove(*Group.objects.filter(name__in=managed - granted))
    user.groups.add(*Group.objects.filter(name__in=granted))
    roles_changed.fire_now(user=user)
    return granted


# The demo reviewer's authenticator: documented in the README so anyone running
# the demo can add it to an authenticator app. Never use it for a real account.
DEMO_TOTP_SECRET = "ACCORDDEMOREVIEWERTOTPSECRETABCD"
DEMO_RECOVERY_SEED = "accord-demo-recovery-codes-not-secret"


@dataclass(frozen=True)
class DemoSecondFactor:
    secret: str
    recovery_codes: list[str]


@transaction.atomic
def user_set_demo_second_factor(*, user: User) -> DemoSecondFactor:
    """Give a demo user a TOTP authenticator with the fixed demo secret and
    fixed recovery codes. A rerun finds them there and changes nothing (unless
    they were changed, then it sets them again)."""
    existing = {a.type: a for a in Authenticator.objects.filter(user=user)}
    totp, recovery = (
        existing.get(Authenticator.Type.TOTP),
        existing.get(Authenticator.Type.RECOVERY_CODES),
    )
    intact = (
        totp is not None
        and recovery is not None
        and decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
        and decrypt(recovery.data["seed"]) == DEMO_RECOVERY_SEED
    )
    if not intact:
        Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        ).delete()
        TOTP.activate(user, DEMO_TOTP_SECRET)
        recovery = Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.RECOVERY_CODES,
            data={"seed": encrypt(DEMO_RECOVERY_SEED), "used_mask": 0},
        )
    return DemoSecondFactor(
        secret=DEMO_TOTP_SECRET, recovery_codes=RecoveryCodes(recovery).generate_codes()
    )


def user_vouch_for_address(*, user: User, email: str) -> EmailAddress:
    """The account's address, an administrator's to set, marked verified for
    allauth once the identity provider vouches for it too.

    allauth takes the password of an account it matches by an address it does
    not know as verified: a guard against someone who put another's address on
    an account of their own. In Accord nobody does (the address page is not
    offered, config/urls.py), so the person who signed in with a password
    before their first single sign-on keeps it."""
    email = email.lower()
    address = EmailAddress.objects.filter(user=user, email=email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        return EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not has_primary
        )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return address
