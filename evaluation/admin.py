from django.contrib import admin

from .models import AssessmentRun, Scorecard, ScoringPolicy


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "name",
        "is_active",
        "weight_outcomes",
        "weight_objectives",
        "weight_health",
        "weight_agreement",
        "green_from",
        "amber_from",
        "created_at",
    ]
    readonly_fields = ["created_by", "created_at"]


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    list_display = [
        "period_start",
        "status",
        "trigger",
        "assessed_count",
        "skipped_count",
        "failed_count",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", "trigger"]
    readonly_fields = ["created_at", "started_at", "finished_at", "skipped", "errors"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = [
        "partnership",
        "period_start",
        "overall_score",
        "rating",
        "trend",
        "review_state",
        "reviewer",
    ]
    list_filter = ["review_state", "rating", "trend", "period_start"]
    list_select_related = ["partnership", "reviewer"]
    search_fields = ["partnership__title"]
    readonly_fields = ["computed_at", "run", "policy"]
