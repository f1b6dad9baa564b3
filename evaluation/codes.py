"""The codes a scorecard stores and other apps read: a metric's status and the
flags that explain a score. They are a contract between apps (the dashboards
count statuses, the early warning reads flags), so each lives here once with
its label, and a misspelt code is an AttributeError, not a silent miss.

Plain enums with labels: `evaluation.scoring` uses them without touching the
database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    OFF_TRACK = "off_track", _("Off track")
    NO_TARGET = "no_target", _("No target")
    NO_DATA = "no_data", _("No data")
    NOT_DUE = "not_due", _("Not yet due")


# The statuses of metrics that were measured against their trajectory.
ASSESSED_STATUSES = (MetricStatus.ON_TRACK, MetricStatus.BEHIND, MetricStatus.OFF_TRACK)


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class FlagCode(models.TextChoices):
    NO_AGREEMENT = "no_agreement", _("No agreement in force")
    AGREEMENT_NOTICE = "agreement_notice", _("Agreement in its notice period")
    AGREEMENT_EXPIRING = "agreement_expiring", _("Agreement near expiry")
    OBLIGATION_OVERDUE = "obligation_overdue", _("Obligation overdue")
    NOT_REPORTED = "not_reported", _("Metric not reported")
    NO_TARGET = "no_target", _("Metric without a target")
    METRIC_OFF_TRACK = "metric_off_track", _("Metric off track")
    OBJECTIVE_OVERDUE = "objective_overdue", _("Objective overdue")
    HEALTH_FELL = "health_fell", _("Health fell")
    HEALTH_GAP = "health_gap", _("The sides disagree")


# The flags of the relationship-health component.
HEALTH_FLAGS = (FlagCode.HEALTH_FELL, FlagCode.HEALTH_GAP)


def status_label(status: str) -> str:
    """A metric status's label; a dash for a metric never assessed."""
    return MetricStatus(status).label if status in MetricStatus.values else "—"
