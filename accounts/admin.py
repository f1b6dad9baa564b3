from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Work", {"fields": ("job_title", "functional_area")}),)
    list_display = ["username", "email", "first_name", "last_name", "job_title", "is_staff"]
