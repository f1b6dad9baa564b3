"""The reminders' tasks moved from `notifications.tasks` to `reminders.tasks`:
the beat schedule names them by path."""

from django.db import migrations

MOVED = {
    "notifications.tasks.send_daily_reminders": "reminders.tasks.send_daily_reminders",
}


def forward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in MOVED.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in MOVED.items():
        PeriodicTask.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_daily_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
