"""Exchange rates are reference data that administrators keep here.

A rate is a plain row whose rules PostgreSQL holds (positive, ISO 4217, one
per currency and day), so the admin may add and correct one. A saved rate
moves the portfolio's cache generation once committed, so the dashboards'
funding in the base currency follows at once. Rates are not deleted: a
dashboard of a past month was computed with them.
"""

from django.contrib import admin
from django.db import transaction

from .cache import bump_generation
from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "rate_to_base", "valid_from"]
    list_filter = ["currency"]
    ordering = ["currency", "-valid_from"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(bump_generation)
