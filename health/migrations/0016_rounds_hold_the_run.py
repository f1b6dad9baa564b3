"""A round written holds its partnership's run, as `partnerships.services.hold_run`
and the values' triggers (partnerships/0025) do: its trigger takes the
partnership's row FOR SHARE before it reads the end date.

Without the lock, a round written around `round_open` (a script, `bulk_create`)
and an end date moved before it at the same instant each checked the other's
rows as committed before it, saw none, and both committed: a round after the
end. With it, the second waits for the first and sees it.
"""

from django.db import migrations

ROUND_WITHIN_RUN = """
CREATE OR REPLACE FUNCTION health_round_within_run() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.opened_on = OLD.opened_on
       AND NEW.partnership_id = OLD.partnership_id THEN
        RETURN NEW;
    END IF;
%s    IF EXISTS (
        SELECT 1 FROM partnerships_partnership
        WHERE id = NEW.partnership_id AND end_date < NEW.opened_on
    ) THEN
        RAISE EXCEPTION 'A health check opened after its partnership ended.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'round_within_run';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# A statement of its own, so that the check after it reads the end date as
# committed once the lock is had (a new snapshot per statement).
HOLD = "    PERFORM 1 FROM partnerships_partnership WHERE id = NEW.partnership_id FOR SHARE;\n"


class Migration(migrations.Migration):
    dependencies = [("health", "0015_rounds_within_the_run")]

    operations = [migrations.RunSQL(ROUND_WITHIN_RUN % HOLD, ROUND_WITHIN_RUN % "")]
