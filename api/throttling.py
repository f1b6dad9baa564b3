"""Rate limits per API token (per user for the browser's session), and on
wrong tokens per address."""

from django.conf import settings
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from core.http import client_address

from .models import ApiToken


class SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        # Read at each request, not at import, so a changed setting holds at once.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_ident(self, request):
        # The client's address as sign-in reads it (ACCORD_CLIENT_IP_HEADERS).
        # DRF's own believed any X-Forwarded-For header: a guesser sending
        # another one with each token was never limited.
        return client_address(request) or ""


class TokenRateThrottle(SettingsRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WrongTokenThrottle(SettingsRateThrottle):
    """Wrong, expired or revoked tokens per client address: past the limit
    (ACCORD_API_WRONG_TOKEN_RATE) any token from that address is refused
    unread (429) until the window passes, so secrets cannot be tried at the
    server's speed. The throttles above run only once a client is signed in."""

    scope = "wrong_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refuse_if_over(self, request) -> None:
        """Refuse (429) before the token is read when this address is over the limit."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            raise Throttled(wait=self.wait())

    def count_wrong(self) -> None:
        """Count one wrong token from the address `refuse_if_over` read."""
        self.throttle_success()
