"""Notifications are written by the reminder rules and read in each person's
inbox; the admin only shows them (core.admin.ReadOnlyAdmin). No role is given
the right to read other people's inboxes: only a superuser sees this list."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["user", "kind", "subject", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["subject", "key", "user__username"]
