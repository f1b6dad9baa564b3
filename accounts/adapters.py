"""How django-allauth behaves in Accord: no sign-up, and single sign-on that
creates an account only when allowed and sets the user's roles from the
identity provider at each sign-in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from core.http import client_address

from . import services, sessions


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Administrators create accounts; single sign-on may (SocialAccountAdapter).
        return False

    def pre_authenticate(self, request, **credentials):
        # Wrong passwords are counted, and accounts locked, by django-axes
        # (accounts/lockout.py): allauth's own count of them would refuse with
        # another message before the lockout page. Its "login_failed" limit
        # (settings.ACCOUNT_RATE_LIMITS) still counts wrong second-factor codes.
        return None

    def get_client_ip(self, request):
        # allauth's limits (wrong second-factor codes, sign-ins, reset emails)
        # and its sessions page read the client's address here. Behind a proxy
        # they saw the proxy's, one count for everybody behind it.
        return client_address(request) or super().get_client_ip(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        # A reviewer or administrator keeps their authenticator app; to replace
        # it (a lost phone) another administrator resets it from their page in
        # the admin (accounts.services.user_reset_second_factor).
        if authenticator.type == Authenticator.Type.TOTP:
            return not sessions.second_factor_required(authenticator.user)
        return True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Only with an address the provider verified (is_email_verified): a
        # later sign-in finds the account by it, so an account made with an
        # address someone merely typed at the provider would be handed to that
        # address's real owner's sign-in too, an account two people share.
        return settings.ACCORD_OIDC_AUTO_CREATE and all(
            address.verified for address in sociallogin.email_addresses
        )

    def is_email_verified(self, provider, email) -> bool:
        """Whether an address the identity provider sends counts as verified
        whatever its `email_verified` claim says: only one in a domain listed
        in ACCORD_OIDC_VERIFIED_EMAIL_DOMAINS (for a provider that sends no
        such claim, e.g. Entra ID, over the organisation's own domains).

        An account is found, and signed in, by its address (README, "Single
        sign-on"). Taking every address as verified let anyone whose provider
        account carries someone else's address, unverified (a self-service
        sign-up, a profile they edit), sign in as that someone, with their
        roles reset from the intruder's groups. Otherwise the provider's
        `email_verified` claim decides (allauth reads it), never the app's
        `verified_email` setting.
        """
        domain = email.rpartition("@")[2].lower()
        return domain in {d.lower() for d in settings.ACCORD_OIDC_VERIFIED_EMAIL_DOMAINS}

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            # Matched by the address an administrator set, which the provider
            # vouches for as well: allauth keeps the account's password.
            vouched = {a.email.lower() for a in sociallogin.email_addresses if a.verified}
            if sociallogin.user.email and sociallogin.user.email.lower() in vouched:
                services.user_vouch_for_address(user=sociallogin.user, email=sociallogin.user.email)
            services.user_sync_roles_from_sso(
                user=sociallogin.user, claims=sso_claims(sociallogin.account.extra_data)
            )

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        services.user_sync_roles_from_sso(
            user=user, claims=sso_claims(sociallogin.account.extra_data)
        )
        return user


def sso_claims(extra_data: dict) -> dict:
    """The claims allauth keeps from an OpenID Connect sign-in: the ID token's,
    overlaid by the userinfo endpoint's (Entra ID sends groups only in the token)."""
    return {**extra_data.get("id_token", {}), **extra_data.get("userinfo", {})}
