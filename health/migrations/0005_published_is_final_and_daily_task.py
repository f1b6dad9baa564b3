"""A published instrument is final, in the database too; and the daily health-check task.

Answers point at statements: changing a published statement's text would
change, after the fact, what people answered. So PostgreSQL refuses to update
or delete a published instrument, its factors or their statements; a change is
a new version. (Publishing a draft is an update of a row not yet published.) Inserts are not refused here (a copy restored into an emptied
table must go in); the service and the admin refuse adding to a published one.
"""

from django.db import migrations

GUARD = """
CREATE FUNCTION health_refuse_published_change() RETURNS trigger AS $$
DECLARE
    published timestamptz;
BEGIN
    -- Writing a row back as it is changes nothing (a test database restoring
    -- its rows does so), so only a real change is refused.
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'health_instrument' THEN
        published := OLD.published_at;
    ELSIF TG_TABLE_NAME = 'health_factor' THEN
        SELECT published_at INTO published FROM health_instrument WHERE id = OLD.instrument_id;
    ELSE
        SELECT i.published_at INTO published
          FROM health_factor f JOIN health_instrument i ON i.id = f.instrument_id
         WHERE f.id = OLD.factor_id;
    END IF;
    IF published IS NOT NULL THEN
        RAISE EXCEPTION 'A published health-check instrument is never changed: make a new version.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER health_instrument_published_is_final
    BEFORE UPDATE OR DELETE ON health_instrument
    FOR EACH ROW EXECUTE FUNCTION health_refuse_published_change();
CREATE TRIGGER health_factor_published_is_final
    BEFORE UPDATE OR DELETE ON health_factor
    FOR EACH ROW EXECUTE FUNCTION health_refuse_published_change();
CREATE TRIGGER health_statement_published_is_final
    BEFORE UPDATE OR DELETE ON health_statement
    FOR EACH ROW EXECUTE FUNCTION health_refuse_published_change();
"""

UNGUARD = """
DROP TRIGGER health_statement_published_is_final ON health_statement;
DROP TRIGGER health_factor_published_is_final ON health_factor;
DROP TRIGGER health_instrument_published_is_final ON health_instrument;
DROP FUNCTION health_refuse_published_change();
"""

DAILY = "Open due health checks and remind respondents"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Every day at 05:30 UTC, before the reminders of 06:00.
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=DAILY, defaults={"task": "health.tasks.run_health_checks", "crontab": daily}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DAILY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0004_translations"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunSQL(GUARD, UNGUARD),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
