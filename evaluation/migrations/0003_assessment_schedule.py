from django.db import migrations

MONTHLY = "Assess the month just closed"
RESUME = "Resume stalled assessments"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # The 1st of each month at 02:00: the month just closed is assessed.
    monthly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="1", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=MONTHLY, defaults={"task": "evaluation.tasks.assess_last_month", "crontab": monthly}
    )
    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=RESUME,
        defaults={
            "task": "evaluation.tasks.resume_stalled_assessments",
            "interval": every_ten_minutes,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[MONTHLY, RESUME]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_first_policy"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
