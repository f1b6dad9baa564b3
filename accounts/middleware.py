"""Session lifetime, the second factor reviewers and administrators must have,
and the page a user without a role sees."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import preferences, sessions


class SessionTimeoutMiddleware:
    """Signs out a session idle for ACCORD_SESSION_IDLE_MINUTES, or older than
    ACCORD_SESSION_MAX_HOURS since sign-in, however busy.

    SESSION_COOKIE_AGE holds the absolute lifetime too, but Django renews it
    each time the session is saved; the sign-in time kept here never moves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            if sessions.has_expired(session, now):
                logout(request)
                messages.info(request, gettext("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            sessions.mark_seen(session, now)
        return self.get_response(request)


# What a reviewer or administrator without a second factor may still open:
# setting one up (allauth may first ask for the password again, or, of someone
# without one, whom single sign-on signed in, for a code it emails), the
# recovery codes shown after it, and signing out.
SETUP_URL_NAMES = {
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_logout",
    "logout",
}


class SecondFactorRequiredMiddleware:
    """Sends a reviewer or administrator without a second factor to set one up.

    Whether the user needs one is asked on every request, from their roles as
    they are now (accounts.sessions.second_factor_required, no query): a role
    given during a session counts at once. A user who needs one costs one
    query a request until the authenticator exists, then none (the session
    remembers it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.session.get(sessions.HAS_SECOND_FACTOR):
            return None
        if not sessions.second_factor_required(user):
            return None
        if sessions.has_second_factor(user):
            request.session[sessions.HAS_SECOND_FACTOR] = True
            return None
        if request.resolver_match.url_name in SETUP_URL_NAMES:
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        messages.warning(
            request,
            gettext(
                "Your role requires two-factor authentication: "
                "set up an authenticator app to go on."
            ),
        )
        return redirect("mfa_activate_totp")


SIGN_OUT_URL_NAMES = {"logout", "account_logout"}


class RoleRequiredMiddleware:
    """A signed-in user without a role sees nothing but a page asking them to
    get one from an administrator (status 403), whatever they open.

    Pages open to everyone (`login_not_required`: signing in, a partner's
    answer link) and signing out stay as they are. Runs after
    LoginRequiredMiddleware, so an anonymous visitor is still sent to sign in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if request.resolver_match.view_name in SIGN_OUT_URL_NAMES or user.has_a_role():
            return None
        return render(request, "accounts/no_role.html", status=403)


def identity_provider_origins() -> list[str]:
    """The origins of the configured OpenID Connect providers (scheme://host:port)."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    origins = []
    for app in apps:
        url = urlsplit(app.get("settings", {}).get("server_url", ""))
        if url.scheme and url.netloc:
            origins.append(f"{url.scheme}://{url.netloc}")
    return origins


class SingleSignOnFormActionMiddleware:
    """Lets the single sign-on button's form lead to the identity provider.

    The Content-Security-Policy allows forms to post only to Accord
    (`form-action 'self'`), and browsers apply that to where the post then
    redirects too: the provider's sign-in page. Its origin, read from the
    settings each time, is added for that directive only. Sits below
    csp.middleware.CSPMiddleware, so it marks the response before the header is
    written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = identity_provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response


class UserLocaleMiddleware:
    """Pages in the signed-in user's language and time zone, when they chose them.

    LocaleMiddleware (above) has already activated the browser's language; a
    user's own choice wins. The time zone is set on every request, so a thread
    never keeps the previous request's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            use_preferences(request, user)
        else:
            timezone.activate(preferences.organisation_time_zone())
        return self.get_response(request)


def use_preferences(request, user) -> None:
    """The rest of the request in `user`'s language and time zone: on each of
    their requests, and from the moment they sign in (so the sign-in's own
    message and redirect already speak their language)."""
    if user.language in preferences.language_codes():
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    timezone.activate(preferences.user_time_zone(user))
