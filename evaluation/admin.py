"""Scoring policies, assessment runs and scorecards, read-only in the admin.

A policy version is published on the scoring-policy page and never edited (a
scorecard must be reproducible from the version it names); runs and scorecards
are computed; a scorecard's review state, rating and score change only through
evaluation/review.py, which checks who may review it and records an event for
every change. So the admin shows them and changes none
(core.admin.ReadOnlyAdmin).
"""

from django.contrib import admin

from core.admin import NEWEST_FIRST, ReadOnlyAdmin

from .models import AssessmentRun, Scorecard, ScoringPolicy


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(ReadOnlyAdmin, admin.ModelAdmin):
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


@admin.register(AssessmentRun)
class AssessmentRunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
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


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin, admin.ModelAdmin):
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
    ordering = NEWEST_FIRST
    show_full_result_count = False
