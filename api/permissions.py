"""Who may use the API at all; which object a user may change is the domain's
rule (partnerships.permissions, evaluation.review.may_review), asked in the views."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiToken


class HasRole(permissions.BasePermission):
    """Signed in and given a role, as every page asks (accounts.middleware)."""

    message = _("Your account has no role in Accord yet: ask an administrator for one.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_a_role()


class TokenScope(permissions.BasePermission):
    """A read-only token reads; only a read-write token (or the session) writes."""

    message = _("This token is read-only: create a read-write token to change data.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.allows_writes


class ModelPermission(permissions.BasePermission):
    """Reading a kind of record asks for its view permission, as its page does."""

    def has_permission(self, request, view):
        perm = getattr(view, "read_permission", None)
        return perm is None or request.user.has_perm(perm)
