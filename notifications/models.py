"""Reminders: one row per person and event, in the inbox and, if they wish, by email."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels


class Kind(models.TextChoices):
    AGREEMENT_NOTICE = "agreement_notice", _("Agreement in its notice period")
    AGREEMENT_EXPIRY = "agreement_expiry", _("Agreement expiring")
    OBLIGATION_DUE = "obligation_due", _("Obligation due")
    OBLIGATION_OVERDUE = "obligation_overdue", _("Obligation overdue")
    METRIC_MISSING = "metric_missing", _("Metric not reported")
    SCORECARD_RETURNED = "scorecard_returned", _("Scorecard returned")
    REVIEW_DIGEST = "review_digest", _("Scorecards awaiting review")
    EARLY_WARNING = "early_warning", _("Early warning")
    LESSONS_DUE = "lessons_due", _("Lessons to record")
    HEALTH_CHECK = "health_check", _("Health check to answer")
    EXPORT = "export", _("Portfolio export written")


# Kinds whose email is a message of its own (a health-check invitation carries
# the answer link), so their inbox row is never emailed, now or by the sweep.
INBOX_ONLY_KINDS = (Kind.HEALTH_CHECK,)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(ChoiceLabels):
    """One reminder to one person.

    `key` names the event ("agreement:12:expires-30:2027-01-06"); the pair
    (user, key) is unique in the database, so however often the reminders run,
    and on however many workers, a person hears of an event once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("user"),
    )
    key = models.CharField(max_length=200, verbose_name=_("key"))
    kind = models.CharField(max_length=30, choices=Kind, verbose_name=_("kind"))
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    url = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("A link within Accord to the record concerned."),
        verbose_name=_("address"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="notification_key_not_blank"),
            models.CheckConstraint(condition=~Q(subject=""), name="notification_subject_not_blank"),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="/"), name="notification_url_relative"
            ),
        ]
        indexes = [
            # The inbox, newest first, and the navbar's unread count.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
