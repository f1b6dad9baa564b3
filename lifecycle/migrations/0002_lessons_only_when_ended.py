"""A lesson belongs to an ended partnership: a rule across two tables, so a trigger.

It refuses a lesson whose partnership has not ended (check_violation, which
Django raises as IntegrityError), and a partnership brought back from an ended
stage while it has lessons.
"""

from django.db import migrations

ENDED = "('completed', 'failed', 'withdrawn')"

FORWARD = f"""
CREATE FUNCTION lifecycle_lesson_needs_ended_partnership() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM partnerships_partnership
        WHERE id = NEW.partnership_id AND stage IN {ENDED}
    ) THEN
        RAISE EXCEPTION 'Lessons are recorded once the partnership has ended.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lesson_partnership_ended';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER lesson_partnership_ended
    BEFORE INSERT OR UPDATE OF partnership_id ON lifecycle_lesson
    FOR EACH ROW EXECUTE FUNCTION lifecycle_lesson_needs_ended_partnership();

CREATE FUNCTION lifecycle_partnership_keeps_lessons() RETURNS trigger AS $$
BEGIN
    IF NEW.stage NOT IN {ENDED}
       AND EXISTS (SELECT 1 FROM lifecycle_lesson WHERE partnership_id = NEW.id) THEN
        RAISE EXCEPTION 'A partnership with lessons recorded stays ended.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lesson_partnership_ended';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER partnership_with_lessons_stays_ended
    BEFORE UPDATE OF stage ON partnerships_partnership
    FOR EACH ROW EXECUTE FUNCTION lifecycle_partnership_keeps_lessons();
"""

BACKWARD = """
DROP TRIGGER partnership_with_lessons_stays_ended ON partnerships_partnership;
DROP FUNCTION lifecycle_partnership_keeps_lessons();
DROP TRIGGER lesson_partnership_ended ON lifecycle_lesson;
DROP FUNCTION lifecycle_lesson_needs_ended_partnership();
"""


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_pipeline_warnings_lessons")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
