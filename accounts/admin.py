"""Users and their roles: what administrators manage here.

A user's rights come only from their roles, so the user page offers the roles
(the groups named in accounts.models.Role) and never single permissions or
`is_staff` (which Accord does not use: the admin asks for the Administrator's
right, config/admin.py). Only a superuser may make or unmake a superuser, or
change one at all (an administrator setting a superuser's password would
become one). Users are deactivated, not deleted: what they entered and
approved names them. Deactivating someone, or setting their password, ends
their sessions, API tokens and calendar address (accounts.services.user_end_credentials).

The roles themselves are defined in code (accounts/roles.py) and set by
migrations, so the groups are read-only here: an edited group would be a role
that says something else than the README and the tests.
"""

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import services
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
    list_filter = ["groups", "is_active", "is_superuser"]
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
            kwargs["widget"] = admin.widgets.FilteredSelectMultiple("roles", is_stacked=False)
            kwargs["label"] = _("Roles")
            kwargs["help_text"] = _(
                "What this person may do in Accord; with none, they see nothing."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A deactivated person's sessions and tokens end for good: were the
        # account made active again, they would otherwise work again with it.
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_end_credentials(user=obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin, BaseGroupAdmin):
    pass


# Single sign-on is configured by environment variables (config/settings.py) and
# access tokens are not stored: neither belongs in the admin.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
