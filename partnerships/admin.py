from django.contrib import admin

from .models import (
    Agreement,
    AgreementParty,
    Contact,
    Measurement,
    Objective,
    Obligation,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "organisation_type", "country", "city"]
    list_filter = ["sector", "kind", "organisation_type", "country"]
    search_fields = ["name", "city"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "job_title", "email", "is_primary"]
    list_select_related = ["partner"]
    search_fields = ["name", "email", "partner__name"]
    autocomplete_fields = ["partner"]


class MemberInline(admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["partner"]


class LeadInline(admin.TabularInline):
    model = PartnershipLead
    extra = 0
    max_num = 2


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "purpose", "owner", "start_date", "end_date"]
    list_filter = ["stage", "purpose"]
    list_select_related = ["owner"]
    search_fields = ["title", "members__partner__name"]
    inlines = [MemberInline, LeadInline]


class PartyInline(admin.StackedInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["partner"]


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0
    fields = ["description", "party", "due_date", "completed_on"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "partnership", "effective_date", "expiry_date"]
    list_filter = ["status", "kind", "auto_renewal"]
    list_select_related = ["partnership"]
    search_fields = ["title", "reference", "partnership__title"]
    autocomplete_fields = ["partnership", "changes"]
    readonly_fields = ["document_name", "document_sha256", "document_size"]
    inlines = [PartyInline, ObligationInline]


class MetricInline(admin.TabularInline):
    model = OutcomeMetric
    extra = 0
    fields = ["name", "unit", "direction", "baseline_value", "target_value", "frequency", "owner"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "benefit", "status", "due_date", "owner"]
    list_filter = ["status", "benefit"]
    list_select_related = ["partnership", "owner"]
    search_fields = ["title", "partnership__title"]
    autocomplete_fields = ["partnership"]
    inlines = [MetricInline]


@admin.register(OutcomeMetric)
class OutcomeMetricAdmin(admin.ModelAdmin):
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


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["metric", "period_start", "value", "entered_by", "updated_at"]
    list_filter = ["period_start"]
    list_select_related = ["metric", "entered_by"]
    search_fields = ["metric__name", "metric__objective__partnership__title"]
    autocomplete_fields = ["metric"]
    date_hierarchy = "period_start"
