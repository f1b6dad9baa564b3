"""`Authorization: Bearer <token>`: a personal API token signs its user in."""

import pghistory
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import sessions

from .throttling import WrongTokenThrottle
from .tokens import token_for_secret


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: the session may still sign the user in
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ”, once."))
        wrong = WrongTokenThrottle()
        wrong.refuse_if_over(request)
        try:
            secret = header[1].decode()
        except UnicodeDecodeError as error:
            wrong.count_wrong()
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from error
        token = token_for_secret(secret, now=timezone.now())
        # Unknown, revoked and expired tokens get the same answer: a caller
        # probing secrets learns nothing about which exist.
        if token is None or not token.user.is_active:
            wrong.count_wrong()
            raise exceptions.AuthenticationFailed(_("The token is not valid, expired or revoked."))
        # A role that needs a second factor needs it here too, as on every page
        # (accounts.middleware): a token made before that role was given lets
        # nothing through until the authenticator app is set up.
        if sessions.lacks_second_factor(token.user):
            raise exceptions.PermissionDenied(
                _(
                    "Your role requires two-factor authentication: "
                    "set up an authenticator app to go on."
                )
            )
        # The request's history context (pghistory's middleware) was opened
        # before DRF knew the user: every change this request writes names the
        # user and the token it came through.
        pghistory.context(user=token.user_id, api_token=token.prefix)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token."}
