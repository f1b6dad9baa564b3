"""Users and their roles: what administrators manage here.

A user's rights come only from their roles, so the user page offers the roles
(the groups named in accounts.models.Role) and never single permissions or
`is_staff` (which Accord does not use: the admin asks for the Administrator's
right, config/admin.py). Only a superuser may make or unmake a superuser, or
change one at all (an administrator setting a superuser's password would
become one). An administrator resets someone else's two-factor authentication
(a lost phone) from the user's page, after a confirmation; never their own
(accounts.services.can_reset_second_factor). Both that and setting someone's
password, or changing their address, roles or superuser status, ask for the
administrator's own password (or code) again first. Users are deactivated, not
deleted: what they entered and approved names them. Deactivating someone, or
setting their password, ends their sessions, API tokens and calendar address
(accounts.services.user_end_credentials).

The roles themselves are defined in code (accounts/roles.py) and set by
migrations, so the groups are read-only here: an edited group would be a role
that says something else than the README and the tests.
"""

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import services
from .hooks import roles_changed
from .models import Role, User


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form: a password an administrator sets (or
    disables) ends the person's sessions and API tokens, as one they change
    or reset themselves does."""

    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            services.user_end_credentials(user=user)
        return user


def role_label(name: str) -> str:
    """A role's name in the reader's language: the groups are named in English
    (their names are the roles' values), as the admin would otherwise show them."""
    return Role(name).label if name in Role.values else name


class RoleFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        names = dict(Group.objects.values_list("pk", "name"))
        return [(pk, role_label(names.get(pk, label))) for pk, label in choices]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("job_title", "functional_area", "reminder_channel")}),
        (_("Roles"), {"fields": ("is_active", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "email", "first_name", "last_name", "job_title", "is_active"]
    list_filter = [("groups", RoleFilter), "is_active", "is_superuser"]
    filter_horizontal = []
    change_password_form = PasswordChangeForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.is_superuser:
            return fieldsets
        return [
            (title, {**options, "fields": (*options["fields"], "is_superuser")})
            if title == _("Roles")
            else (title, options)
            for title, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
            kwargs["widget"] = admin.widgets.FilteredSelectMultiple(_("roles"), is_stacked=False)
            kwargs["label"] = _("Roles")
            kwargs["help_text"] = _(
                "What this person may do in Accord; with none, they see nothing."
            )
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda group: role_label(group.name)
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        reset = path(
            "<path:object_id>/second-factor/reset/",
            self.admin_site.admin_view(self.reset_second_factor_view),
            name="accounts_user_reset_second_factor",
        )
        return [reset, *super().get_urls()]

    def may_reset_second_factor(self, request, user) -> bool:
        return self.has_change_permission(request, user) and services.can_reset_second_factor(
            by=request.user, user=user
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_reset_second_factor": user is not None
            and self.may_reset_second_factor(request, user)
            and Authenticator.objects.filter(user=user).exists(),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def reset_second_factor_view(self, request, object_id):
        """Confirm, then remove the person's authenticators (services.user_reset_second_factor)."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.may_reset_second_factor(request, user):
            raise PermissionDenied
        if request.method == "POST":
            return reauthentication_required(self._reset_second_factor)(request, user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": user,
            "title": gettext("Reset two-factor authentication"),
            "has_authenticator": Authenticator.objects.filter(user=user).exists(),
        }
        return TemplateResponse(request, "admin/accounts/user/reset_second_factor.html", context)

    def _reset_second_factor(self, request, user):
        services.user_reset_second_factor(user=user, by=request.user)
        self.log_change(request, user, "Reset two-factor authentication.")
        self.message_user(
            request,
            gettext(
                "The two-factor authentication of %(name)s was reset and they were signed "
                "out everywhere. If their role requires it, they set it up again when they "
                "next sign in."
            )
            % {"name": user},
            messages.SUCCESS,
        )
        return redirect("admin:accounts_user_change", user.pk)

    # What lets whoever changes it take the account over or hand out rights:
    # an address (a password reset goes there), the roles, superuser.
    SENSITIVE = ("email", "groups", "is_superuser")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Changing someone's address, roles or superuser status asks, as
        # setting their password does, for the administrator's own password
        # (or code) first. allauth keeps the form as posted and saves it once
        # they have typed it; other changes (a job title) need no more.
        change = super().changeform_view
        if request.method == "POST" and object_id is not None:
            user = self.get_object(request, unquote(object_id))
            if (
                user is not None
                and self.has_change_permission(request, user)
                and self._changes_sensitive(request, user)
            ):
                change = reauthentication_required(change)
        try:
            return change(request, object_id, form_url, extra_context)
        except ReauthenticationRequired:
            # allauth keeps the form as posted and saves it after the password,
            # but only when the address it comes back to (read from the query
            # string) has no query. The query itself it keeps with the form
            # (request.GET), so the list's filters the admin carries along
            # (`_changelist_filters`) still lead back to the list as filtered.
            # Read before the query string is emptied: request.GET is read
            # from it when first asked for.
            query = request.GET
            request.META["QUERY_STRING"] = ""
            request.GET = query
            raise

    def _changes_sensitive(self, request, user) -> bool:
        form = self.get_form(request, user, change=True)(request.POST, request.FILES, instance=user)
        return any(name in form.changed_data for name in self.SENSITIVE)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password, like resetting their second factor
        # (above), lets whoever does it sign in as them: an administrator's
        # session left open, or stolen, must first prove it is theirs again
        # (password or authenticator code, allauth's reauthentication, valid
        # five minutes). Refusals (a superuser's password) stay refusals.
        change = super().user_change_password
        user = self.get_object(request, unquote(id))
        if user is not None and self.has_change_permission(request, user):
            change = reauthentication_required(change, allow_get=True)
        return change(request, id, form_url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The roles are saved only now (a many-to-many): what follows from
        # them (a co-lead is a partnership manager) holds in the same
        # transaction, and the administrator is told what it changed.
        if change and "groups" in form.changed_data:
            for said in roles_changed.fire_now(user=form.instance):
                if said:
                    self.message_user(request, said, messages.WARNING)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A deactivated person's sessions and tokens end for good: were the
        # account made active again, they would otherwise work again with it.
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_end_credentials(user=obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin, BaseGroupAdmin):
    list_display = ["role"]

    @admin.display(description=_("Role"), ordering="name")
    def role(self, group):
        return role_label(group.name)


# Single sign-on is configured by environment variables (config/settings.py) and
# access tokens are not stored: neither belongs in the admin.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
