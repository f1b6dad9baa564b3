from django.contrib import admin

from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "rate_to_base", "valid_from"]
    list_filter = ["currency"]
    ordering = ["currency", "-valid_from"]
