from django.db import migrations, models

RESUME = "Resume stalled assessments"


def every_minute(apps, schema_editor):
    # A dead worker's chunk is sent again within two minutes: its lease (45 s)
    # plus at most one minute to the next sweep.
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.filter(name=RESUME).update(interval=minute)


def every_ten_minutes(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    ten, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.filter(name=RESUME).update(interval=ten)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0005_policy_early_warning_thresholds"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentchunk",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(every_minute, every_ten_minutes),
    ]
