from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Work", {"fields": ("job_title", "functional_area")}),)
    list_display = ["username", "email", "first_name", "last_name", "job_title", "is_staff"]


# Single sign-on is configured by environment variables (config/settings.py) and
# access tokens are not stored: neither belongs in the admin.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
