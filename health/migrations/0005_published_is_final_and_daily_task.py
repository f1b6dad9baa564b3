"""A published instrument is final, in the database too; and the daily health-check task.

Answers point at statements: changing a published statement's text would
change, after the fact, what people answered. So PostgreSQL refuses to update
or delete a published instrument, its factors or their statements; a change is
a new version. (Publishing a draft is an update of a row not yet published.) Inserts are not refused here (a copy restored into an emptied
table must go in); the service and the admin refuse adding to a published one.
"""

from django.db import migrations

# One function per table: each compares what respondents read and results rest
# on, so a row written back with its content unchanged (a test database
# restoring its rows, timestamps rounded to the millisecond) is let through.
GUARD = """
CREATE FUNCTION health_refuse_published_instrument_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND ROW(NEW.name, NEW.version, NEW.description, NEW.strength_from, NEW.concern_below,
               NEW.published_at IS NULL)
           IS NOT DISTINCT FROM
           ROW(OLD.name, OLD.version, OLD.description, OLD.strength_from, OLD.concern_below,
               OLD.published_at IS NULL) THEN
        RETURN NEW;
    END IF;
    IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'A published health-check instrument is never changed: make a new version.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION health_refuse_published_factor_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND ROW(NEW.instrument_id, NEW.code, NEW.name, NEW.description, NEW.position,
               NEW.translations)
           IS NOT DISTINCT FROM
           ROW(OLD.instrument_id, OLD.code, OLD.name, OLD.description, OLD.position,
               OLD.translations) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM health_instrument
                WHERE id = OLD.instrument_id AND published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'A published health-check instrument is never changed: make a new version.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION health_refuse_published_statement_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND ROW(NEW.factor_id, NEW.text, NEW.translations, NEW.position)
           IS NOT DISTINCT FROM
           ROW(OLD.factor_id, OLD.text, OLD.translations, OLD.position) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM health_factor f JOIN health_instrument i ON i.id = f.instrument_id
                WHERE f.id = OLD.factor_id AND i.published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'A published health-check instrument is never changed: make a new version.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER health_instrument_published_is_final
    BEFORE UPDATE OR DELETE ON health_instrument
    FOR EACH ROW EXECUTE FUNCTION health_refuse_published_instrument_change();
CREATE TRIGGER health_factor_published_is_final
    BEFORE UPDATE OR DELETE ON health_factor
    FOR EACH ROW EXECUTE FUNCTION health_refuse_published_factor_change();
CREATE TRIGGER health_statement_published_is_final
    BEFORE UPDATE OR DELETE ON health_statement
    FOR EACH ROW EXECUTE FUNCTION health_refuse_published_statement_change();
"""

UNGUARD = """
DROP TRIGGER health_statement_published_is_final ON health_statement;
DROP TRIGGER health_factor_published_is_final ON health_factor;
DROP TRIGGER health_instrument_published_is_final ON health_instrument;
DROP FUNCTION health_refuse_published_statement_change();
DROP FUNCTION health_refuse_published_factor_change();
DROP FUNCTION health_refuse_published_instrument_change();
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
