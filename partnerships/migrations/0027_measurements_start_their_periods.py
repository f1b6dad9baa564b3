"""A value is named by the first day of a period of its metric's frequency
(`periods.is_period_start`: a quarterly metric's values start on 1 January,
1 April, 1 July or 1 October): triggers hold it whatever writes the rows, as
0025 holds the run.

A measurement is refused when its period start is not the first day of a
period of its metric's frequency (`Measurement.clean` says it first), and a
metric's frequency when it changes so that one of its stored values would not
be (`OutcomeMetric.clean` says it first, with how many and which). Only what
changes is checked: a value stored before this rule blocks no other edit (a
correction of its number, another value's period, the metric's name).

Values are checked once per statement, from its transition table, as 0025
checks the run. Each statement holds its metrics FOR SHARE: a value written
and its metric's frequency changed at the same instant wait for each other,
and the second sees the first. The triggers on the values are named to run
before 0025's (PostgreSQL runs a table's triggers of one kind in the order of
their names), so that a statement takes its metrics' rows before their
partnerships', in the order a change of frequency takes them.
"""

from django.db import migrations

FORWARD = """
-- `periods.is_period_start`, from 0025's `partnerships_frequency_months`.
CREATE FUNCTION partnerships_is_period_start(first_day date, frequency text) RETURNS boolean AS $$
    SELECT extract(day FROM first_day) = 1
       AND (extract(month FROM first_day)::int - 1)
           % partnerships_frequency_months(frequency) = 0
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION partnerships_measurements_start_periods() RETURNS trigger AS $$
DECLARE
    metric_ids bigint[];
    misplaced record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT metric_id) INTO metric_ids FROM added;
    ELSE
        -- Only a value whose metric or period changes: a correction of the
        -- number leaves a period stored before this rule where it was.
        SELECT array_agg(DISTINCT a.metric_id) INTO metric_ids
          FROM added a JOIN replaced r ON r.id = a.id
         WHERE a.metric_id <> r.metric_id OR a.period_start <> r.period_start;
    END IF;
    IF metric_ids IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM partnerships_outcomemetric
     WHERE id = ANY (metric_ids)
     ORDER BY id
       FOR SHARE;
    IF TG_OP = 'INSERT' THEN
        SELECT a.period_start, t.frequency INTO misplaced
          FROM added a
          JOIN partnerships_outcomemetric t ON t.id = a.metric_id
         WHERE NOT partnerships_is_period_start(a.period_start, t.frequency)
         LIMIT 1;
    ELSE
        SELECT a.period_start, t.frequency INTO misplaced
          FROM added a
          JOIN replaced r ON r.id = a.id
          JOIN partnerships_outcomemetric t ON t.id = a.metric_id
         WHERE (a.metric_id <> r.metric_id OR a.period_start <> r.period_start)
           AND NOT partnerships_is_period_start(a.period_start, t.frequency)
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'A value for % of a metric reported %, not the first day of one of its periods.',
                misplaced.period_start, misplaced.frequency
            USING ERRCODE = 'check_violation', CONSTRAINT = 'measurement_starts_a_period';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER measurements_added_at_period_starts
    AFTER INSERT ON partnerships_measurement
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_measurements_start_periods();

CREATE TRIGGER measurements_moved_to_period_starts
    AFTER UPDATE ON partnerships_measurement
    REFERENCING OLD TABLE AS replaced NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_measurements_start_periods();

-- The row is locked by the UPDATE before a BEFORE trigger runs: a value
-- written meanwhile has committed, and is read here, or waits.
CREATE FUNCTION partnerships_metric_values_start_periods() RETURNS trigger AS $$
BEGIN
    IF NEW.frequency = OLD.frequency THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM partnerships_measurement
         WHERE metric_id = NEW.id
           AND NOT partnerships_is_period_start(period_start, NEW.frequency)
    ) THEN
        RAISE EXCEPTION 'A metric reported % whose values do not start its periods.', NEW.frequency
            USING ERRCODE = 'check_violation', CONSTRAINT = 'metric_values_start_periods';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER metric_values_start_periods
    BEFORE UPDATE OF frequency ON partnerships_outcomemetric
    FOR EACH ROW EXECUTE FUNCTION partnerships_metric_values_start_periods();
"""

BACKWARD = """
DROP TRIGGER metric_values_start_periods ON partnerships_outcomemetric;
DROP FUNCTION partnerships_metric_values_start_periods();
DROP TRIGGER measurements_moved_to_period_starts ON partnerships_measurement;
DROP TRIGGER measurements_added_at_period_starts ON partnerships_measurement;
DROP FUNCTION partnerships_measurements_start_periods();
DROP FUNCTION partnerships_is_period_start(date, text);
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0026_agreement_reference_said_next_to_it")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
