"""The Django admin is for administrators.

Only a user whose role lets them open it (the Administrator holds
`accounts.use_admin`; a superuser holds every permission) reaches `/admin/`.
`is_staff` plays no part. A signed-in user without that right is answered 403,
with a page that says why, not offered the admin's sign-in form; a visitor who
is not signed in is sent to Accord's own sign-in page. Even an administrator
meets the domain's rules there: each app's admin module says what it allows.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

REFUSAL = _("The admin is for administrators. Ask an administrator if you need something changed.")


class AccordAdminSite(admin.AdminSite):
    site_header = _("Accord administration")
    site_title = _("Accord administration")
    index_title = _("Users, roles, schedules and reference data")
    site_url = "/"

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm("accounts.use_admin")

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(REFUSAL)
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """One sign-in page for all of Accord: the admin's sends there."""
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied(REFUSAL)
            return redirect("admin:index")
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))
