import pghistory
import pghistory.models
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core.models import AppendOnly, ChoiceLabels


class AuditEvent(pghistory.models.Events):
    """Every history event of every tracked table, as one queryset (pghistory's
    aggregate: a UNION over the event tables with the diff against the object's
    previous event), with the context the middleware and the tasks record."""

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.DO_NOTHING,
            null=True,
            related_name="+",
            db_constraint=False,
        ),
    )
    url = pghistory.ProxyField("pgh_context__url", models.TextField(null=True))
    task = pghistory.ProxyField("pgh_context__task", models.TextField(null=True))
    reason = pghistory.ProxyField("pgh_context__reason", models.TextField(null=True))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        proxy = True


# The schedules of the periodic tasks are Administrators' changes too. They
# are django-celery-beat's tables: tracked through proxies, so that the triggers'
# migrations are ours. Beat writes last_run_at and total_run_count on every run:
# not history.
@pghistory.track(exclude=["last_run_at", "total_run_count", "date_changed"])
class TrackedPeriodicTask(PeriodicTask):
    class Meta:
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")
        proxy = True


@pghistory.track()
class TrackedCrontabSchedule(CrontabSchedule):
    class Meta:
        verbose_name = _("crontab")
        verbose_name_plural = _("crontabs")
        proxy = True


@pghistory.track()
class TrackedIntervalSchedule(IntervalSchedule):
    class Meta:
        verbose_name = _("interval")
        verbose_name_plural = _("intervals")
        proxy = True


class ChainColumn(ChoiceLabels):
    """A column of a history table, and from which of its rows the chain's hash
    covers it (`audit.chain`). A migration that adds a column to a tracked
    model adds it to the history table too; the rows written before it were
    hashed without it, and are checked without it. Recorded after each
    migration run (post_migrate), never changed: PostgreSQL refuses to."""

    table_name = models.CharField(max_length=63)
    column_name = models.CharField(max_length=63)
    # The first event (pgh_id) hashed with this column; 0: every one.
    since_event = models.BigIntegerField(default=0)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chain column")
        verbose_name_plural = _("chain columns")
        constraints = [
            models.UniqueConstraint(
                fields=["table_name", "column_name"], name="chain_column_once_per_table"
            ),
        ]
        triggers = [
            AppendOnly(name="append_only_update", operation=pgtrigger.Update),
            AppendOnly(name="append_only_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.table_name}.{self.column_name} from event {self.since_event}"
