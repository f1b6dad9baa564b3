"""The instrument library: administrators add instruments and make new versions.

The library has no page of its own, so it is kept here. A draft is used by no
round yet, so editing one changes nothing anyone has answered. A published
instrument, its factors and statements show read-only here (and PostgreSQL
refuses to change them); "Make a new version" copies one into a draft
(services.instrument_new_version), which is edited and then published
(services.instrument_publish, which checks it is complete). Nothing is deleted.
Rounds and answers are not in the admin at all: answers are read only as
averages, on the round's page.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import TypedJSONField

from . import services
from .models import Factor, Instrument, Statement


def _published(obj) -> bool:
    if isinstance(obj, Statement):
        obj = obj.factor
    if isinstance(obj, Factor):
        obj = obj.instrument
    return obj is not None and obj.published_at is not None


class DraftOnly:
    """Adding, changing and deleting only while the instrument is a draft."""

    # The translations, typed as JSON, shown back as typed when refused.
    formfield_overrides = {models.JSONField: {"form_class": TypedJSONField}}

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and _published(obj):
            return False
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class FactorInline(DraftOnly, admin.TabularInline):
    model = Factor
    fields = ["position", "code", "name", "description", "translations"]
    extra = 0
    show_change_link = True


class StatementInline(DraftOnly, admin.TabularInline):
    model = Statement
    fields = ["position", "text", "translations"]
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(DraftOnly, admin.ModelAdmin):
    list_display = ["name", "version", "published_at"]
    list_filter = ["name"]
    fields = ["name", "version", "description", "strength_from", "concern_below", "published_at"]
    readonly_fields = ["published_at"]
    inlines = [FactorInline]
    actions = ["new_version", "publish"]

    def save_model(self, request, obj, form, change):
        if change:
            services.require_draft(Instrument.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Make a new version (a draft copy)"), permissions=["add"])
    def new_version(self, request, queryset):
        for instrument in queryset:
            try:
                copy = services.instrument_new_version(instrument=instrument)
            except ValidationError as error:
                self.message_user(request, f"{instrument}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(instrument)s created as a draft.") % {"instrument": copy},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Publish"), permissions=["add"])
    def publish(self, request, queryset):
        for instrument in queryset:
            try:
                services.instrument_publish(instrument=instrument)
            except ValidationError as error:
                self.message_user(request, f"{instrument}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(instrument)s published.") % {"instrument": instrument},
                    messages.SUCCESS,
                )


@admin.register(Factor)
class FactorAdmin(DraftOnly, admin.ModelAdmin):
    list_display = ["name", "code", "instrument"]
    list_filter = ["instrument"]
    fields = ["instrument", "position", "code", "name", "description", "translations"]
    inlines = [StatementInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "instrument":
            kwargs["queryset"] = Instrument.objects.filter(published_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.require_draft(obj.instrument)
        super().save_model(request, obj, form, change)
