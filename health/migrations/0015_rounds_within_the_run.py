"""A health check belongs to its partnership's run: a rule across two apps'
tables, so triggers hold it whatever writes the rows (as lifecycle's 0002 holds
that lessons belong to ended partnerships).

A round is refused when it opens after its partnership's end date
(`Round.clean` says it first), and a partnership's end date when it moves
before one of its rounds (`partnerships.services.refuse_stranded` says it
first, the partnership's row locked). Only a date that changes is checked, as
the services check it: rows stored before this rule do not block other edits.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION health_round_within_run() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.opened_on = OLD.opened_on
       AND NEW.partnership_id = OLD.partnership_id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM partnerships_partnership
        WHERE id = NEW.partnership_id AND end_date < NEW.opened_on
    ) THEN
        RAISE EXCEPTION 'A health check opened after its partnership ended.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'round_within_run';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER round_within_run
    BEFORE INSERT OR UPDATE OF opened_on, partnership_id ON health_round
    FOR EACH ROW EXECUTE FUNCTION health_round_within_run();

CREATE FUNCTION health_partnership_ends_after_its_rounds() RETURNS trigger AS $$
BEGIN
    IF NEW.end_date IS NOT NULL AND NEW.end_date IS DISTINCT FROM OLD.end_date
       AND EXISTS (
           SELECT 1 FROM health_round WHERE partnership_id = NEW.id AND opened_on > NEW.end_date
       ) THEN
        RAISE EXCEPTION 'A partnership ending before one of its health checks opened.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'partnership_ends_after_its_rounds';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER partnership_ends_after_its_rounds
    BEFORE UPDATE OF end_date ON partnerships_partnership
    FOR EACH ROW EXECUTE FUNCTION health_partnership_ends_after_its_rounds();
"""

BACKWARD = """
DROP TRIGGER partnership_ends_after_its_rounds ON partnerships_partnership;
DROP FUNCTION health_partnership_ends_after_its_rounds();
DROP TRIGGER round_within_run ON health_round;
DROP FUNCTION health_round_within_run();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0014_alter_factor_code_alter_factor_description_and_more"),
        ("partnerships", "0024_lead_is_manager"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
