"""The codes a scorecard stores and other apps read: a metric's status and the
flags that explain a score. They are a contract between apps (the dashboards
count statuses, the early warning reads flags), so each lives here once with
its label, and a misspelt code is an AttributeError, not a silent miss.

Plain enums with labels: `evaluation.scoring` uses them without touching the
database.
"""

from django.db import models


class MetricStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    BEHIND = "behind", "Behind"
    OFF_TRACK = "off_track", "Off track"
    NO_TARGET = "no_target", "No target"
    NO_DATA = "no_data", "No data"
    NOT_DUE = "not_due", "Not yet due"


# The statuses of metrics that were measured against their trajectory.
ASSESSED_STATUSES = (MetricStatus.ON_TRACK, MetricStatus.BEHIND, MetricStatus.OFF_TRACK)


class Severity(models.TextChoices):
    INFO = "info", "Information"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class FlagCode(models.TextChoices):
    NO_AGREEMENT = "no_agreement", "No agreement in force"
    AGREEMENT_NOTICE = "agreement_notice", "Agreement in its notice period"
    AGREEMENT_EXPIRING = "agreement_expiring", "Agreement near expiry"
    OBLIGATION_OVERDUE = "obligation_overdue", "Obligation overdue"
    NOT_REPORTED = "not_reported", "Metric not reported"
    NO_TARGET = "no_target", "Metric without a target"
    METRIC_OFF_TRACK = "metric_off_track", "Metric off track"
    OBJECTIVE_OVERDUE = "objective_overdue", "Objective overdue"
    HEALTH_FELL = "health_fell", "Health fell"
    HEALTH_GAP = "health_gap", "The sides disagree"


# The flags of the relationship-health component.
HEALTH_FLAGS = (FlagCode.HEALTH_FELL, FlagCode.HEALTH_GAP)


def status_label(status: str) -> str:
    """A metric status's label; a dash for a metric never assessed."""
    return MetricStatus(status).label if status in MetricStatus.values else "—"
