"""What the organisation learns along a partnership's life: the next step of a
potential partnership, the fit assessment of a prospective partner, the early
warnings raised on active ones, and the lessons recorded when one ends.

As elsewhere, every rule PostgreSQL can hold is a constraint; the rule that
lessons belong to ended partnerships spans two tables, so a trigger holds it
(see migration 0001).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.dates import validate_plausible
from core.models import ChoiceLabels
from core.text import name_problem, tidy_name
from core.versioning import Versioned
from evaluation.models import Scorecard, sees_provisional
from partnerships.models import STAGES_BY_FAMILY, Partnership, StageFamily

RATING_MIN = 1
RATING_MAX = 5
RATING = [MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]


def _rating_in_scale(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": RATING_MIN, f"{field}__lte": RATING_MAX}),
        name=f"fit_{field}_1_to_5",
        violation_error_message=_("A rating runs from 1 to 5."),
    )


# --- the pipeline ---------------------------------------------------------------


class NextStepQuerySet(models.QuerySet):
    def on_pipeline(self):
        """Next steps of partnerships still potential: one moved on or dropped
        keeps its row (and history) but has no next step to take."""
        return self.filter(partnership__stage__in=STAGES_BY_FAMILY[StageFamily.POTENTIAL])


@pghistory.track(exclude=["updated_at", "version"])
class NextStep(ChoiceLabels, Versioned):
    """What happens next with a potential partnership, and by when: one per partnership."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.PROTECT, related_name="next_step"
    )
    description = models.CharField(max_length=200)
    due_on = models.DateField(validators=[validate_plausible])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NextStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""),
                name="next_step_description_not_blank",
                violation_error_message=_("Say what the next step is."),
            ),
        ]

    def __str__(self):
        return gettext("%(description)s by %(day)s") % {
            "description": self.description,
            "day": formatting.short_date(self.due_on),
        }

    def clean(self):
        # Zero-width spaces alone look like nothing on the card and in the feed.
        self.description = tidy_name(self.description)
        if not self.description or name_problem(self.description):
            raise ValidationError({"description": gettext("Say what the next step is.")})


# --- fit assessment -------------------------------------------------------------


class Recommendation(models.TextChoices):
    PURSUE = "pursue", _("Pursue")
    PURSUE_WITH_CONDITIONS = "conditions", _("Pursue with conditions")
    DO_NOT_PURSUE = "decline", _("Do not pursue")


# The judged criteria of a fit assessment, and the health-check factor each
# speaks to (None where no factor does), so the portfolio view of factors can
# count a poor or strong fit with the organisation's other experience.
FIT_CRITERIA = {
    "goals": (_("Alignment of goals"), "shared-vision"),
    "strengths": (_("Complementary strengths"), None),
    "prior": (_("Prior partnerships and their outcomes"), "trust"),
    "languages": (_("Languages shared"), "communication"),
    "hours": (_("Working hours shared across time zones"), "logistics"),
    "regulatory": (_("Regulatory considerations"), "regulatory"),
}


@pghistory.track()
class FitAssessment(ChoiceLabels):
    """A judgement of how well a prospective partner fits, kept with the partnership.

    A new assessment is a new row, so the earlier ones stay as its history. The
    facts computed at the time (prior partnerships, languages, shared hours) are
    kept beside the judgement in `facts`, as they read then.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="fit_assessments"
    )
    goals_rating = models.PositiveSmallIntegerField(validators=RATING)
    goals_note = models.TextField(blank=True)
    strengths_rating = models.PositiveSmallIntegerField(validators=RATING)
    strengths_note = models.TextField(blank=True)
    prior_rating = models.PositiveSmallIntegerField(validators=RATING)
    prior_note = models.TextField(blank=True)
    languages_rating = models.PositiveSmallIntegerField(validators=RATING)
    languages_note = models.TextField(blank=True)
    hours_rating = models.PositiveSmallIntegerField(validators=RATING)
    hours_note = models.TextField(blank=True)
    regulatory_rating = models.PositiveSmallIntegerField(validators=RATING)
    regulatory_note = models.TextField(blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation)
    summary = models.TextField(blank=True)
    facts = models.JSONField(default=dict, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fit assessment")
        verbose_name_plural = _("fit assessments")
        ordering = ["partnership", "-assessed_at", "-pk"]
        get_latest_by = "assessed_at"
        constraints = [
            *(_rating_in_scale(f"{code}_rating") for code in FIT_CRITERIA),
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values),
                name="fit_recommendation_valid",
            ),
        ]

    def __str__(self):
        return gettext("Fit of %(partnership)s: %(recommendation)s") % {
            "partnership": self.partnership,
            "recommendation": self.get_recommendation_display(),
        }

    def judgements(self):
        """(code, criterion, rating, note, factor code) for each judged criterion."""
        return [
            (
                code,
                label,
                getattr(self, f"{code}_rating"),
                getattr(self, f"{code}_note"),
                factor,
            )
            for code, (label, factor) in FIT_CRITERIA.items()
        ]


# --- early warning --------------------------------------------------------------


class WarningState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class EarlyWarningQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=WarningState.OPEN)

    def visible_to(self, user):
        """The warnings this reader may see. A warning is early: it quotes
        scorecards before a reviewer approves them. Those who see scorecards
        then see every warning; an executive, who relies on approved numbers
        only, a warning once every scorecard it quotes is one they may open
        (`Scorecard.objects.visible_to`)."""
        if sees_provisional(user):
            return self
        shown = Scorecard.objects.visible_to(user).filter(partnership=OuterRef("partnership"))
        return self.filter(
            Q(scorecard_period__isnull=True)
            | Exists(shown.filter(period_start=OuterRef("scorecard_period"))),
            Q(previous_period__isnull=True)
            | Exists(shown.filter(period_start=OuterRef("previous_period"))),
        )


@pghistory.track()
class EarlyWarning(ChoiceLabels):
    """Signals of an active partnership that worsened together, and the owner's answer.

    `evidence_key` names the evidence (the scorecard period and the signals), so
    a warning dismissed on that evidence is not raised again until it changes.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="early_warnings"
    )
    raised_on = models.DateField()
    # [{"code": "falling_health", "evidence": "Health fell from 72 to 55."}, …]
    signals = models.JSONField(default=list)
    evidence_key = models.CharField(max_length=200)
    # The scorecards the signals quote (their periods): the latest, and the one
    # before it a fall is measured from. Who may see the warning follows them.
    scorecard_period = models.DateField(null=True, blank=True)
    previous_period = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=WarningState, default=WarningState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_warnings",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    recovery_plan = models.TextField(blank=True)
    recovery_by = models.DateField(null=True, blank=True, validators=[validate_plausible])
    # On confirming, the owner names the factors behind the trouble: they feed
    # the portfolio view of factors as negative factors of a struggling partnership.
    factors = models.ManyToManyField("health.Factor", blank=True, related_name="+")

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(state=WarningState.OPEN),
                name="warning_one_open_per_partnership",
                violation_error_message=_("This partnership already has an open warning."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=WarningState.values), name="warning_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(evidence_key=""), name="warning_evidence_key_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(
                    state=WarningState.OPEN, decided_by__isnull=True, decided_at__isnull=True
                )
                | (
                    ~Q(state=WarningState.OPEN)
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="warning_decided_iff_not_open",
            ),
            models.CheckConstraint(
                condition=~Q(state=WarningState.CONFIRMED)
                | (~Q(recovery_plan="") & Q(recovery_by__isnull=False)),
                name="warning_confirmed_has_recovery_plan",
                violation_error_message=_(
                    "A confirmed warning needs a recovery plan and its date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state=WarningState.DISMISSED) | ~Q(reason=""),
                name="warning_dismissed_has_reason",
                violation_error_message=_("Say why the warning is dismissed."),
            ),
        ]

    def __str__(self):
        return gettext("Warning on %(partnership)s (%(day)s)") % {
            "partnership": self.partnership,
            "day": formatting.short_date(self.raised_on),
        }


# --- lessons --------------------------------------------------------------------


class Effect(models.TextChoices):
    HELPED = "helped", _("Helped (a success factor)")
    HINDERED = "hindered", _("Hindered (a negative factor)")


@pghistory.track()
class Lesson(ChoiceLabels):
    """What an ended partnership taught: one record per partnership.

    A trigger refuses a lesson on a partnership that has not ended.
    """

    partnership = models.OneToOneField(Partnership, on_delete=models.PROTECT, related_name="lesson")
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self):
        return gettext("Lessons of %(partnership)s") % {"partnership": self.partnership}


@pghistory.track()
class LessonFactor(ChoiceLabels):
    """One factor that mattered, coded against a health-check factor."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="factors")
    factor = models.ForeignKey("health.Factor", on_delete=models.PROTECT, related_name="+")
    effect = models.CharField(max_length=10, choices=Effect)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lesson factor")
        verbose_name_plural = _("lesson factors")
        ordering = ["lesson", "factor__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "factor"],
                name="lesson_factor_once",
                violation_error_message=_("This factor is already among the lessons."),
            ),
            models.CheckConstraint(
                condition=Q(effect__in=Effect.values), name="lesson_factor_effect_valid"
            ),
        ]

    def __str__(self):
        return f"{self.factor}: {self.get_effect_display()}"
