import pghistory
import pghistory.models
from django.conf import settings
from django.db import models
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


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
        proxy = True


# The schedules of the periodic tasks are Administrators' changes too. They
# are django-celery-beat's tables: tracked through proxies, so that the triggers'
# migrations are ours. Beat writes last_run_at and total_run_count on every run:
# not history.
@pghistory.track(exclude=["last_run_at", "total_run_count", "date_changed"])
class TrackedPeriodicTask(PeriodicTask):
    class Meta:
        proxy = True


@pghistory.track()
class TrackedCrontabSchedule(CrontabSchedule):
    class Meta:
        proxy = True


@pghistory.track()
class TrackedIntervalSchedule(IntervalSchedule):
    class Meta:
        proxy = True
