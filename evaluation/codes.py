"""The codes a scorecard stores and other apps read: a metric's status and the
flags that explain a score. They are a contract between apps (the dashboards
count statuses, the early warning reads flags), so each lives here once with
its label, and a misspelt code is an AttributeError, not a silent miss.

Plain enums with labels: `evaluation.scoring` uses them without touching the
database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.phrases import Wording


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


class SkipReason(models.TextChoices):
    """Why an assessment run left a partnership's scorecard alone."""

    APPROVED_ALREADY = "approved_already", _("Approved already; kept as approved.")
    NOT_YET_ACTIVE = "not_yet_active", _("Not yet active at the end of the month.")
    NO_LONGER_ACTIVE = "no_longer_active", _("No longer active at the end of the month.")


def skip_text(entry: dict) -> str:
    """A run's skip reason in the reader's language; a run older than the codes
    shows its English reason."""
    code = entry.get("code")
    return SkipReason(code).label if code in SkipReason.values else entry.get("reason", "")


# The flags of the relationship-health component.
HEALTH_FLAGS = (FlagCode.HEALTH_FELL, FlagCode.HEALTH_GAP)

# What each flag says, put together in the reader's language from the
# parameters the scorecard stores with it (`core.phrases`).
FLAG_WORDING = Wording(
    {
        FlagCode.NO_AGREEMENT: _("No agreement is in force."),
        FlagCode.AGREEMENT_NOTICE: ngettext_lazy(
            "“%(title)s” expires in %(count)s day: its %(notice)s-day notice period has begun.",
            "“%(title)s” expires in %(count)s days: its %(notice)s-day notice period has begun.",
            "count",
        ),
        FlagCode.AGREEMENT_EXPIRING: ngettext_lazy(
            "“%(title)s” expires in %(count)s day.",
            "“%(title)s” expires in %(count)s days.",
            "count",
        ),
        FlagCode.OBLIGATION_OVERDUE: _("Obligation overdue since %(due)s: %(description)s."),
        FlagCode.NOT_REPORTED: ngettext_lazy(
            "“%(name)s” not reported for the last period.",
            "“%(name)s” not reported for the last %(count)s periods.",
            "count",
        ),
        FlagCode.NO_TARGET: _("“%(name)s” has no target, so it is not rated."),
        FlagCode.METRIC_OFF_TRACK: _(
            "“%(name)s” is at %(progress)s%% of its target where %(planned)s%% was planned by now."
        ),
        FlagCode.OBJECTIVE_OVERDUE: _("Objective “%(title)s” was due %(due)s and is not achieved."),
        FlagCode.HEALTH_FELL: _("%(factor)s fell from %(previous)s to %(now)s."),
        FlagCode.HEALTH_GAP: _("The sides disagree on %(factor)s by %(gap)s."),
    }
)


def flag_text(flag: dict, *, shown=None) -> str:
    """A scorecard's flag in the reader's language. `shown`: how its numbers and
    dates are written (`core.phrases.shown_memo()` for an export of thousands)."""
    if shown is None:
        return FLAG_WORDING.say(flag)
    return FLAG_WORDING.say(flag, shown=shown)


def status_label(status: str) -> str:
    """A metric status's label; a dash for a metric never assessed."""
    return MetricStatus(status).label if status in MetricStatus.values else "—"
