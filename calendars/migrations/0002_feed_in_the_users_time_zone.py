"""A feed's own time zone gives way to its person's (Preferences): a zone
chosen for the feed becomes the person's, unless they have chosen one there."""

from django.db import migrations


def zone_to_person(apps, schema_editor):
    CalendarFeed = apps.get_model("calendars", "CalendarFeed")
    User = apps.get_model("accounts", "User")
    for feed in CalendarFeed.objects.exclude(time_zone=None).select_related("user"):
        if not feed.user.time_zone:
            User.objects.filter(pk=feed.user_id).update(time_zone=str(feed.time_zone))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_language_and_time_zone"),
        ("calendars", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(zone_to_person, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="time_zone"),
    ]
