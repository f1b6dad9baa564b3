"""Health-check instruments: versioned sets of factors, each rated through a few statements.

An instrument version, once published, is never edited: a change is a new
version (a new row), so the answers given to an earlier version keep the
statements they answered. Factors keep a stable `code` across versions
("trust"), which is what results, lessons and the portfolio view of factors
compare over time.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

RATING_MIN = 1
RATING_MAX = 5


class Instrument(models.Model):
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True)
    # A factor's mean from `strength_from` up is a strength, below `concern_below`
    # a concern, and borderline in between.
    strength_from = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    concern_below = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "version",
                name="instrument_name_version_unique",
                violation_error_message="This instrument already has a version with this number.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="instrument_name_not_blank"),
            models.CheckConstraint(condition=Q(version__gte=1), name="instrument_version_positive"),
            models.CheckConstraint(
                condition=Q(concern_below__gte=RATING_MIN)
                & Q(strength_from__lte=RATING_MAX)
                & Q(concern_below__lt=F("strength_from")),
                name="instrument_bands_ordered",
                violation_error_message=(
                    "Concern must start below strength, both within the 1–5 scale."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"


class Factor(models.Model):
    """One of the things that make a partnership succeed or struggle ("trust")."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="factors")
    code = models.SlugField(max_length=40, help_text="Stable across versions, e.g. 'trust'.")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"],
                name="factor_code_unique_per_instrument",
                violation_error_message="The instrument already has a factor with this code.",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="factor_code_not_blank"),
            models.CheckConstraint(condition=~Q(name=""), name="factor_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class Statement(models.Model):
    """A sentence respondents rate from 1 (strongly disagree) to 5 (strongly agree)."""

    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="statements")
    text = models.TextField()
    # {"fr": "…", "es": "…"}: the statement in the languages it has been translated to.
    translations = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["factor", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_blank"),
        ]

    def __str__(self):
        return self.text

    def text_in(self, language: str) -> str:
        return self.translations.get(language) or self.text
