from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "subject", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["subject", "key", "user__username"]
    readonly_fields = ["user", "key", "kind", "subject", "body", "url", "created_at"]
