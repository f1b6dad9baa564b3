"""Partners, partnerships and everything under them, read-only in the admin.

They are what managers enter, and they change on their pages, through
partnerships/services.py: there the rights on the object are checked (only the
owner and co-leads change a partnership), a stage change needs its reason, an
agreement's status moves by its transition table and a signed document is
checked by its content and stored under its SHA-256. The admin would skip all
of that, for an administrator as much as anyone, so it only shows them
(core.admin.ReadOnlyAdmin), with who downloaded which signed document.
"""

from django.contrib import admin

from core.admin import NEWEST_FIRST, ReadOnlyAdmin

from .models import (
    Agreement,
    AgreementParty,
    Contact,
    DocumentDownload,
    Measurement,
    Objective,
    Obligation,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
)


class ContactInline(ReadOnlyAdmin, admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "organisation_type", "country", "city"]
    list_filter = ["sector", "kind", "organisation_type", "country"]
    search_fields = ["name", "city"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["name", "partner", "job_title", "email", "is_primary"]
    list_select_related = ["partner"]
    search_fields = ["name", "email", "partner__name"]
    autocomplete_fields = ["partner"]


class MemberInline(ReadOnlyAdmin, admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["partner"]


class LeadInline(ReadOnlyAdmin, admin.TabularInline):
    model = PartnershipLead
    extra = 0
    max_num = 2


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["title", "stage", "purpose", "owner", "start_date", "end_date"]
    list_filter = ["stage", "purpose"]
    list_select_related = ["owner"]
    search_fields = ["title", "members__partner__name"]
    inlines = [MemberInline, LeadInline]


class PartyInline(ReadOnlyAdmin, admin.StackedInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["partner"]


class ObligationInline(ReadOnlyAdmin, admin.TabularInline):
    model = Obligation
    extra = 0
    fields = ["description", "party", "due_date", "completed_on"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "partnership", "effective_date", "expiry_date"]
    list_filter = ["status", "kind", "auto_renewal"]
    list_select_related = ["partnership"]
    search_fields = ["title", "reference", "partnership__title"]
    autocomplete_fields = ["partnership", "changes"]
    ordering = NEWEST_FIRST
    inlines = [PartyInline, ObligationInline]


class MetricInline(ReadOnlyAdmin, admin.TabularInline):
    model = OutcomeMetric
    extra = 0
    fields = ["name", "unit", "direction", "baseline_value", "target_value", "frequency", "owner"]


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["title", "partnership", "benefit", "status", "due_date", "owner"]
    list_filter = ["status", "benefit"]
    list_select_related = ["partnership", "owner"]
    search_fields = ["title", "partnership__title"]
    autocomplete_fields = ["partnership"]
    inlines = [MetricInline]
    ordering = NEWEST_FIRST


@admin.register(OutcomeMetric)
class OutcomeMetricAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "objective",
        "unit",
        "direction",
        "baseline_value",
        "target_value",
        "target_date",
        "frequency",
        "aggregation",
    ]
    list_filter = ["direction", "frequency", "aggregation", "is_active"]
    list_select_related = ["objective"]
    search_fields = ["name", "objective__title", "objective__partnership__title"]
    autocomplete_fields = ["objective"]
    ordering = NEWEST_FIRST


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["metric", "period_start", "value", "entered_by", "updated_at"]
    list_filter = ["period_start"]
    list_select_related = ["metric", "entered_by"]
    search_fields = ["metric__name", "metric__objective__partnership__title"]
    autocomplete_fields = ["metric"]
    # Millions of rows: newest first along the primary key, one count, and no
    # date hierarchy (its years and months are a scan of the whole table).
    ordering = NEWEST_FIRST
    show_full_result_count = False


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["downloaded_at", "user", "agreement", "sha256"]
    list_select_related = ["user", "agreement"]
    search_fields = ["agreement__title", "user__username", "sha256"]
    date_hierarchy = "downloaded_at"
