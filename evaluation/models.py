"""What is computed from the partnerships data, reviewed and read: the scoring
policy, the assessment runs and the scorecards they write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThan
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.models import ChoiceLabels, Unignorable
from partnerships.models import Partnership

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
# A score falls by at least a point to count, and cannot fall by more than 100.
WARNING_DROP = [MinValueValidator(1), MaxValueValidator(100)]
# The early warning knows four signals: falling health, missed targets,
# unreported metrics, an agreement near expiry (lifecycle.rules.SIGNAL_NAMES).
WARNING_SIGNALS = 4
# Beyond two years "near expiry" would list nearly every agreement.
EXPIRY_WARNING_MAX_DAYS = 730


def _score_between_0_and_100(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__range": (0, 100)}),
        name=f"scorecard_{field}_0_100",
    )


@pghistory.track()
class ScoringPolicy(ChoiceLabels):
    """A version of the weights, bands and thresholds scorecards are computed with.

    Versions are never edited once a scorecard uses them: a change is a new
    version, so every scorecard can be reproduced from the version it names.
    """

    version = models.PositiveIntegerField(unique=True, verbose_name=_("version"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    is_active = models.BooleanField(default=False, verbose_name=_("active"))
    weight_outcomes = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("40"), verbose_name=_("outcomes weight")
    )
    weight_objectives = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("20"), verbose_name=_("objectives weight")
    )
    weight_health = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        verbose_name=_("relationship health weight"),
    )
    weight_agreement = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("20"), verbose_name=_("agreement weight")
    )
    green_from = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("75"),
        validators=PERCENT,
        verbose_name=_("green from (score)"),
    )
    amber_from = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
        verbose_name=_("amber from (score)"),
    )
    on_track_tolerance = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.15"),
        help_text=_("How far below the planned trajectory a metric may be and still be on track."),
        verbose_name=_("on-track tolerance"),
    )
    attainment_cap = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.2"),
        help_text=_("Progress beyond the target counts up to this multiple."),
        verbose_name=_("attainment cap"),
    )
    trend_min_change = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("3"),
        help_text=_("Points the overall score must move before the trend shows an arrow."),
        verbose_name=_("smallest change shown as a trend"),
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(EXPIRY_WARNING_MAX_DAYS)],
        help_text=_("An agreement expiring within this many days is near expiry, everywhere."),
        verbose_name=_("warn of an expiry (days ahead)"),
    )
    # The early warning's thresholds (lifecycle.rules): versioned with the
    # scoring they read, so a warning can be traced to the policy it used.
    warning_health_drop = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=WARNING_DROP,
        help_text=_("Points the health score must fall between two scorecards to be a signal."),
        verbose_name=_("health fall that counts (points)"),
    )
    warning_outcomes_drop = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=WARNING_DROP,
        help_text=_("Points the outcomes score must fall between two scorecards to be a signal."),
        verbose_name=_("outcomes fall that counts (points)"),
    )
    warning_signals_needed = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(WARNING_SIGNALS)],
        help_text=format_lazy(
            _("How many different signals (of {signals}) together raise a warning."),
            signals=WARNING_SIGNALS,
        ),
        verbose_name=_("signals together that raise a warning"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("scoring policy")
        ordering = ["-version"]
        verbose_name_plural = _("scoring policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="policy_one_active",
                violation_error_message=_("Only one scoring policy can be active."),
            ),
            models.CheckConstraint(
                condition=Q(weight_outcomes__gte=0)
                & Q(weight_objectives__gte=0)
                & Q(weight_health__gte=0)
                & Q(weight_agreement__gte=0),
                name="policy_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=GreaterThan(
                    F("weight_outcomes")
                    + F("weight_objectives")
                    + F("weight_health")
                    + F("weight_agreement"),
                    0,
                ),
                name="policy_weights_not_all_zero",
                violation_error_message=_("At least one component needs a weight."),
            ),
            models.CheckConstraint(
                condition=Q(amber_from__gte=0, green_from__lte=100)
                & Q(amber_from__lt=F("green_from")),
                name="policy_bands_ordered",
                violation_error_message=_("Amber must start below green, both within 0–100."),
            ),
            models.CheckConstraint(
                condition=Q(on_track_tolerance__gte=0, on_track_tolerance__lt=1),
                name="policy_tolerance_fraction",
            ),
            models.CheckConstraint(
                condition=Q(attainment_cap__gte=1), name="policy_cap_at_least_1"
            ),
            models.CheckConstraint(
                condition=Q(trend_min_change__gte=0), name="policy_trend_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(expiry_warning_days__range=(1, EXPIRY_WARNING_MAX_DAYS)),
                name="policy_expiry_warning_days_range",
                violation_error_message=format_lazy(
                    _("Warn of an expiry between 1 and {days} days ahead."),
                    days=EXPIRY_WARNING_MAX_DAYS,
                ),
            ),
            models.CheckConstraint(
                condition=Q(warning_health_drop__range=(1, 100))
                & Q(warning_outcomes_drop__range=(1, 100)),
                name="policy_warning_drops_range",
                violation_error_message=_("A score must fall by 1 to 100 points to be a signal."),
            ),
            models.CheckConstraint(
                condition=Q(warning_signals_needed__range=(1, WARNING_SIGNALS)),
                name="policy_warning_signals_range",
                violation_error_message=format_lazy(
                    _("A warning needs from 1 to {signals} signals together."),
                    signals=WARNING_SIGNALS,
                ),
            ),
        ]

    def __str__(self):
        return f"v{self.version} {self.name}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Started by a person")


# A run's counters move with every chunk: its history is who asked for it and
# each change of status (how it ended, with the counts of that moment).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange("status")),
    pghistory.DeleteEvent(),
)
class AssessmentRun(ChoiceLabels):
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    policy = models.ForeignKey(
        ScoringPolicy, on_delete=models.PROTECT, related_name="runs", verbose_name=_("policy")
    )
    status = models.CharField(
        max_length=20, choices=RunStatus, default=RunStatus.PENDING, verbose_name=_("status")
    )
    trigger = models.CharField(
        max_length=20, choices=RunTrigger, default=RunTrigger.SCHEDULE, verbose_name=_("trigger")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    assessed_count = models.PositiveIntegerField(default=0, verbose_name=_("partnerships assessed"))
    skipped_count = models.PositiveIntegerField(default=0, verbose_name=_("partnerships skipped"))
    failed_count = models.PositiveIntegerField(default=0, verbose_name=_("partnerships failed"))
    # [{"partnership": id, "reason": "…"}] and [{"partnership": id, "error": "…"}]
    skipped = models.JSONField(default=list, blank=True, verbose_name=_("skipped"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="run_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=False, finished_at__gte=F("started_at")),
                name="run_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(started_by__isnull=True) | Q(trigger=RunTrigger.MANUAL),
                name="run_started_by_only_manual",
            ),
            # Two reviewers pressing "run now" at once get one run, not two.
            models.UniqueConstraint(
                fields=["period_start"],
                condition=Q(status__in=[RunStatus.PENDING, RunStatus.RUNNING]),
                name="run_one_under_way_per_period",
                violation_error_message=_("An assessment of this period is already under way."),
            ),
        ]

    def __str__(self):
        return gettext("Assessment of %(month)s (%(status)s)") % {
            "month": formatting.month(self.period_start),
            "status": self.get_status_display(),
        }

    @property
    def is_under_way(self) -> bool:
        return self.status in (RunStatus.PENDING, RunStatus.RUNNING)


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AssessmentChunk(ChoiceLabels):
    """A slice of a run's partnerships, assessed by one task in one transaction.

    A chunk is done exactly once: its scorecards and its "done" are committed
    together, so a worker killed half way leaves it pending, to be run again.
    The worker holds it with a lease it renews while working; a lease that
    runs out means the worker died, and the minute's sweep sends it again.
    """

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    partnership_ids = ArrayField(models.BigIntegerField())
    status = models.CharField(max_length=10, choices=ChunkStatus, default=ChunkStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    assessed_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("assessment chunk")
        verbose_name_plural = _("assessment chunks")
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="chunk_index_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ChunkStatus.values), name="chunk_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.run} chunk {self.index}"


class Rating(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Trend(models.TextChoices):
    UP = "up", _("Improving")
    FLAT = "flat", _("Steady")
    DOWN = "down", _("Worsening")
    NEW = "new", _("No earlier scorecard")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


def sees_provisional(user) -> bool:
    """Those who enter the data or review the scorecards see them before approval
    (labelled provisional); executives rely on approved numbers only."""
    return user.has_perm("partnerships.change_partnership") or user.has_perm(
        "evaluation.change_scorecard"
    )


def shown_rating():
    """The rating a scorecard shows, as an expression: the override, else the computed one."""
    return Coalesce(NullIf("override_rating", Value("")), "rating")


class ScorecardQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(review_state=ReviewState.IN_REVIEW)

    def reliable(self, *, provisional: bool = False, as_of: dt.date | None = None):
        """The scorecards a reader may rely on, as of the month `as_of`: the
        approved ones, and with `provisional` also those computed and not yet
        reviewed. A returned one was judged wrong by a reviewer, so never.
        The one rule behind the portfolio, the dashboards, the exports and the PDF."""
        if provisional:
            cards = self.exclude(review_state=ReviewState.RETURNED)
        else:
            cards = self.filter(review_state=ReviewState.APPROVED)
        if as_of is not None:
            cards = cards.filter(period_start__lte=as_of)
        return cards

    def visible_to(self, user):
        """The scorecards this reader may open one by one (a partnership's history,
        its exports, the PDF): executives the approved ones only; those who
        `sees_provisional` every one, each labelled by its review state, a
        returned one with the reviewer's comment, since they answer for it. Counts
        and aggregates use `reliable`, which never counts a returned one."""
        if sees_provisional(user):
            return self.all()
        return self.reliable()

    def with_shown_rating(self):
        """Annotate `shown_rating`: the reviewer's override, else the computed rating."""
        return self.annotate(shown_rating=shown_rating())

    def with_previous(self):
        """Annotate the overall score of the partnership's latest earlier scorecard."""
        earlier = Scorecard.objects.filter(
            partnership=models.OuterRef("partnership"),
            period_start__lt=models.OuterRef("period_start"),
        ).order_by("-period_start")
        return self.annotate(
            previous_score=models.Subquery(earlier.values("overall_score")[:1]),
            previous_rating=models.Subquery(earlier.values("rating")[:1]),
        )


@pghistory.track(model_name="ScorecardHistory")
class Scorecard(ChoiceLabels):
    """The assessment of one partnership for one period: one row per pair."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="scorecards",
        verbose_name=_("partnership"),
    )
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    run = models.ForeignKey(
        AssessmentRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scorecards",
        verbose_name=_("run"),
    )
    policy = models.ForeignKey(
        ScoringPolicy, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("policy")
    )
    outcomes_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        verbose_name=_("outcomes score"),
    )
    objectives_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        verbose_name=_("objectives score"),
    )
    health_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        verbose_name=_("health score"),
    )
    agreement_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        verbose_name=_("agreement score"),
    )
    overall_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        verbose_name=_("overall score"),
    )
    rating = models.CharField(max_length=10, choices=Rating, blank=True, verbose_name=_("rating"))
    trend = models.CharField(
        max_length=10, choices=Trend, default=Trend.NEW, verbose_name=_("trend")
    )
    # Each flag: {"code": …, "message": …, "severity": …, "ref": {"model": …, "id": …}}
    flags = models.JSONField(default=list, blank=True, verbose_name=_("flags"))
    # The evidence per metric, as computed: [{"id", "progress", "planned",
    # "attainment", "status"}], so a reviewer sees what the numbers came from.
    metric_results = models.JSONField(default=list, blank=True, verbose_name=_("metric results"))
    review_state = models.CharField(
        max_length=20,
        choices=ReviewState,
        default=ReviewState.DRAFT,
        verbose_name=_("review state"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_scorecards",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    override_rating = models.CharField(
        max_length=10, choices=Rating, blank=True, verbose_name=_("override rating")
    )
    override_justification = models.TextField(blank=True, verbose_name=_("override justification"))
    computed_at = models.DateTimeField(verbose_name=_("computed at"))

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-period_start", "partnership"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period_start"],
                name="scorecard_once_per_partnership_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="scorecard_period_ordered"
            ),
            _score_between_0_and_100("outcomes_score"),
            _score_between_0_and_100("objectives_score"),
            _score_between_0_and_100("health_score"),
            _score_between_0_and_100("agreement_score"),
            _score_between_0_and_100("overall_score"),
            # No score, no rating: a missing number is never shown as red.
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True, rating="")
                | Q(overall_score__isnull=False, rating__in=Rating.values),
                name="scorecard_rating_iff_score",
            ),
            models.CheckConstraint(
                condition=Q(trend__in=Trend.values), name="scorecard_trend_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values),
                name="scorecard_review_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(override_rating="")
                | (Q(override_rating__in=Rating.values) & ~Q(override_justification="")),
                name="scorecard_override_justified",
                violation_error_message=_("An override needs its justification."),
            ),
            models.CheckConstraint(
                condition=~Q(review_state=ReviewState.APPROVED)
                | Q(reviewer__isnull=False, reviewed_at__isnull=False),
                name="scorecard_approved_has_reviewer",
            ),
        ]
        indexes = [models.Index(fields=["review_state", "-period_start"], name="scorecard_queue")]

    def __str__(self):
        return f"{self.partnership} {formatting.short_month(self.period_start)}"

    @property
    def effective_rating(self) -> str:
        return self.override_rating or self.rating

    @property
    def is_provisional(self) -> bool:
        """Not yet approved: shown only labelled so, to those who `sees_provisional`."""
        return self.review_state != ReviewState.APPROVED

    @property
    def warnings(self) -> list[dict]:
        return [flag for flag in self.flags if flag.get("severity") != "info"]


class ApprovedIsFinal(Unignorable, pgtrigger.Trigger):
    """PostgreSQL refuses to change or delete an approved scorecard, whichever
    door tries: its numbers are what the reviewer approved (`evaluation.review`).
    Only its link to the run that computed it may go (the run's deletion sets
    it to NULL). A row written back unchanged is let through."""

    when = pgtrigger.Before
    operation = pgtrigger.Update | pgtrigger.Delete
    condition = pgtrigger.Condition(f"OLD.review_state = '{ReviewState.APPROVED}'")
    func = """
        IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'run_id' = to_jsonb(OLD) - 'run_id' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Scorecard % is approved: it is never changed.', OLD.id
            USING ERRCODE = 'check_violation';
        """


pgtrigger.register(ApprovedIsFinal(name="approved_is_final"))(Scorecard)


class ScorecardAction(models.TextChoices):
    SUBMITTED = "submitted", _("Computed and put up for review")
    RECOMPUTED = "recomputed", _("Recomputed")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned to the owner")
    OVERRIDDEN = "overridden", _("Rating overridden and approved")


@pghistory.track()
class ScorecardEvent(ChoiceLabels):
    """One step in a scorecard's review: who, when, what, and the state before and after."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty when the assessment run did it."),
    )
    action = models.CharField(max_length=20, choices=ScorecardAction)
    from_state = models.CharField(max_length=20, choices=ReviewState)
    to_state = models.CharField(max_length=20, choices=ReviewState)
    comment = models.TextField(blank=True)
    # The numbers a reviewer saw and what the action changed, e.g.
    # {"rating": "red", "overall_score": "41.20"} → {"rating": "amber", …}.
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard event")
        verbose_name_plural = _("scorecard events")
        ordering = ["scorecard", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ScorecardAction.values), name="event_action_valid"
            ),
            models.CheckConstraint(
                condition=~Q(action__in=[ScorecardAction.RETURNED, ScorecardAction.OVERRIDDEN])
                | ~Q(comment=""),
                name="event_return_and_override_have_comment",
                violation_error_message=_("Say why: a return or an override needs a comment."),
            ),
        ]
        indexes = [models.Index(fields=["action", "created_at"], name="event_action_time")]

    def __str__(self):
        return f"{self.scorecard}: {self.get_action_display()}"

    @property
    def rating_change(self) -> tuple[str, str] | None:
        """(before, after) when the action changed the rating shown, else None."""

        def shown(snapshot):
            return snapshot.get("override_rating") or snapshot.get("rating") or ""

        if "rating" not in self.before:
            return None
        before, after = shown(self.before), shown(self.after)
        return (before or "none", after or "none") if before != after else None
