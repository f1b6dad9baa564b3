"""What the dashboards keep of their own: the exchange rates that turn committed
funding into the base currency (`settings.ACCORD_BASE_CURRENCY`), the
portfolio's read model (`readmodel.py`), and the exports too large for a
request, which the worker writes (`export_jobs.py`)."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.dates import validate_plausible
from core.models import ChoiceLabels
from partnerships.models import validate_currency_code


@pghistory.track()
class ExchangeRate(ChoiceLabels):
    """What one unit of `currency` is worth in the base currency from `valid_from` on.

    A rate holds until the next one of the same currency: the rate of a day is
    the latest whose `valid_from` is on or before it.
    """

    currency = models.CharField(
        max_length=3,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code"),
        verbose_name=_("currency"),
    )
    rate_to_base = models.DecimalField(
        _("rate to the base currency"),
        max_digits=18,
        decimal_places=8,
        help_text=_("Units of the base currency one unit of this currency is worth."),
    )
    # A year typed wrong (0026 for 2026) would convert every amount before the
    # next rate with it, or never be read: the window every date keeps.
    valid_from = models.DateField(validators=[validate_plausible], verbose_name=_("valid from"))

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                name="exchange_rate_once_per_currency_and_day",
                violation_error_message=_("This currency already has a rate from this day."),
            ),
            models.CheckConstraint(
                condition=Q(rate_to_base__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("A rate must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="exchange_rate_currency_iso_4217"
            ),
        ]

    def __str__(self):
        return gettext("%(currency)s %(rate)s from %(day)s") % {
            "currency": self.currency,
            "rate": self.rate_to_base,
            "day": formatting.short_date(self.valid_from),
        }

    def clean(self):
        # The base currency is worth itself: a rate of it would be kept and
        # never read (dashboards.money), so saying one must be refused.
        if self.currency == settings.ACCORD_BASE_CURRENCY:
            raise ValidationError(
                {
                    "currency": gettext("%(currency)s is the base currency: it needs no rate.")
                    % {"currency": self.currency}
                }
            )


# --- the portfolio's read model ----------------------------------------------------------
#
# Derived tables, rewritten from the partnerships and scorecards by
# `dashboards.readmodel` whenever those change (and by `manage.py
# rebuild_dashboards`). Not tracked by pghistory: every row is a function of
# tracked rows (partnerships, members, agreements, scorecards), whose history
# already says who changed what and when; a history of the sums would only
# repeat it, many times over, at every assessment run.


class PortfolioFact(ChoiceLabels):
    """What the portfolio needs of one partnership, for one way of reading its
    scorecards (`provisional`: also those not yet approved)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    provisional = models.BooleanField()
    title = models.CharField(max_length=200)
    stage = models.CharField(max_length=20)
    purpose = models.CharField(max_length=30)
    benefits_sought = ArrayField(models.CharField(max_length=30), default=list)
    countries = ArrayField(models.CharField(max_length=2), default=list)
    sectors = ArrayField(models.CharField(max_length=30), default=list)
    continents = ArrayField(models.CharField(max_length=2), default=list)
    # The latest scorecard a reader may rely on: its shown rating ("none"
    # without one), score, trend, whether it is approved, and its metrics.
    rating = models.CharField(max_length=10)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    # None without a scorecard, as the source summary has it.
    trend = models.CharField(max_length=10, null=True)  # noqa: DJ001
    approved = models.BooleanField(null=True)
    on_track = models.PositiveIntegerField(default=0)
    assessed = models.PositiveIntegerField(default=0)
    # {period_start: shown rating} of every reliable scorecard with a score.
    months = models.JSONField(default=dict)
    # [{"currency", "amount"}]: financial contributions of agreements in force.
    funding = models.JSONField(default=list)
    # Expiry dates of the agreements in force.
    expiries = ArrayField(models.DateField(), default=list)

    class Meta:
        verbose_name = _("portfolio fact")
        verbose_name_plural = _("portfolio facts")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "provisional"], name="portfolio_fact_once_per_reading"
            ),
        ]
        indexes = [
            # The best and the worst five: one short walk along an index each.
            models.Index(
                "provisional",
                models.F("score").desc(),
                "title",
                name="portfolio_fact_best",
                condition=Q(score__isnull=False),
            ),
            models.Index(
                "provisional",
                "score",
                "title",
                name="portfolio_fact_worst",
                condition=Q(score__isnull=False),
            ),
        ]

    def __str__(self):
        reading = "provisional" if self.provisional else "approved"
        return f"{self.title} ({reading}): {self.rating}"


class PortfolioTally(ChoiceLabels):
    """One pre-aggregated figure of the whole portfolio: the partnerships of
    one category (`dimension` and `key`, e.g. sector "academic") with one
    shown rating, summed over the `PortfolioFact` rows of one reading."""

    provisional = models.BooleanField()
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    rating = models.CharField(max_length=10)
    partnerships = models.IntegerField(default=0)
    scored = models.IntegerField(default=0)
    score_sum = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    on_track = models.IntegerField(default=0)
    assessed = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=24, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("portfolio tally")
        verbose_name_plural = _("portfolio tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["provisional", "dimension", "key", "rating"],
                name="portfolio_tally_once_per_category",
            ),
        ]

    def __str__(self):
        return f"{self.dimension} {self.key} {self.rating}: {self.partnerships}"


# --- exports the worker writes --------------------------------------------------------


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the worker")
    WRITING = "writing", _("Writing the file")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


EXPORT_UNDER_WAY = (ExportStatus.WAITING, ExportStatus.WRITING)


def export_file_path(instance, filename):
    # Generated: the file is fetched through a view that checks who asks, by
    # the job's key, never by this name.
    return f"exports/{uuid.uuid4().hex}.{instance.fmt}"


class ExportJob(ChoiceLabels):
    """A portfolio export too large to write within a request: the worker
    writes it (`export_jobs.export_job_run`) for the person who asked, who
    alone may download it until it expires. Not tracked: it changes nothing,
    and its rows and files are deleted after `export_jobs.KEPT_FOR`."""

    fmt = models.CharField(max_length=4, choices=ExportFormat)
    # The portfolio's filters as GET parameters (`forms.link_query`).
    filters = models.JSONField(default=dict, blank=True)
    # PROTECT: a person is deactivated, not deleted; their exports expire.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=10, choices=ExportStatus, default=ExportStatus.WAITING)
    rows = models.PositiveIntegerField(default=0, help_text=_("Partnerships to write, about."))
    written = models.PositiveIntegerField(default=0)
    # Runs that took the job: a task delivered again takes the next one.
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=export_file_path, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fmt__in=ExportFormat.values), name="export_job_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_job_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.DONE) | ~Q(file=""),
                name="export_job_done_has_its_file",
            ),
            models.CheckConstraint(
                condition=Q(written__lte=F("rows")), name="export_job_written_at_most_rows"
            ),
        ]

    def __str__(self):
        return gettext("Portfolio export %(id)s (%(format)s, %(status)s)") % {
            "id": self.pk,
            "format": self.get_fmt_display(),
            "status": self.get_status_display(),
        }

    @property
    def is_under_way(self) -> bool:
        return self.status in EXPORT_UNDER_WAY
