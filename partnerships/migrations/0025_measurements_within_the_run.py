"""A value belongs to its partnership's run (`periods.unrecordable`): triggers
hold it whatever writes the rows, as health/0015 holds it for health checks.

A measurement is refused when its period began after the partnership's end
date (`periods.began_after`: its first day after the end; one straddling the
end belongs to the run) or ended before its start date (`periods.ended_before`:
the last day of the period containing it, by its metric's frequency, before the
start); `Measurement.clean` says it first. A partnership's end or start date is
refused when it moves past such a value (`services.refuse_stranded` says it
first, the row locked); so are a metric moved to another objective or given
another frequency, and an objective moved to another partnership, where that
would leave its values outside the run (no service moves them). Only what
changes is checked, as the services check it: values stored before this rule
block no other edit.

Values are checked once per statement, from its transition table, so that an
import's COPY of a hundred thousand rows costs one pass over them and a look-up
per metric, not a query per row.
Each statement holds its partnerships FOR SHARE, as `services.hold_run` does:
a value written and a date moved at the same instant wait for each other, and
the second sees the first.
"""

from django.db import migrations

FORWARD = """
-- `periods.MONTHS`.
CREATE FUNCTION partnerships_frequency_months(frequency text) RETURNS int AS $$
    SELECT CASE frequency
               WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3
               WHEN 'semiannual' THEN 6 WHEN 'annual' THEN 12
           END
$$ LANGUAGE sql IMMUTABLE;

-- `periods.Period.containing(first_day, frequency).end`. One expression, so
-- that PostgreSQL inlines it into the queries below.
CREATE FUNCTION partnerships_period_end(first_day date, frequency text) RETURNS date AS $$
    SELECT (make_date(
                extract(year FROM first_day)::int,
                (extract(month FROM first_day)::int - 1)
                    / partnerships_frequency_months(frequency)
                    * partnerships_frequency_months(frequency) + 1,
                1)
            + make_interval(months => partnerships_frequency_months(frequency))
            - interval '1 day')::date
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION partnerships_measurements_within_run() RETURNS trigger AS $$
DECLARE
    metric_ids bigint[];
    earliest date[];
    latest date[];
    outside record;
BEGIN
    -- Per metric, its earliest and latest period written: if any period
    -- began after the end, the latest did; if any ended before the start,
    -- the earliest did (a metric's periods end in the order they begin).
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(metric_id), array_agg(first), array_agg(last)
          INTO metric_ids, earliest, latest
          FROM (SELECT metric_id, min(period_start) AS first, max(period_start) AS last
                  FROM added GROUP BY metric_id) AS written;
    ELSE
        -- Only a value whose metric or period changes: a correction of the
        -- number leaves a period stored before this rule where it was.
        SELECT array_agg(metric_id), array_agg(first), array_agg(last)
          INTO metric_ids, earliest, latest
          FROM (SELECT a.metric_id, min(a.period_start) AS first, max(a.period_start) AS last
                  FROM added a JOIN replaced r ON r.id = a.id
                 WHERE a.metric_id <> r.metric_id OR a.period_start <> r.period_start
                 GROUP BY a.metric_id) AS moved;
    END IF;
    IF metric_ids IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM partnerships_partnership
     WHERE id IN (
         SELECT o.partnership_id
           FROM partnerships_outcomemetric t
           JOIN partnerships_objective o ON o.id = t.objective_id
          WHERE t.id = ANY (metric_ids)
     )
     ORDER BY id
       FOR SHARE;
    SELECT w.first, w.last, p.end_date INTO outside
      FROM unnest(metric_ids, earliest, latest) AS w (metric_id, first, last)
      JOIN partnerships_outcomemetric t ON t.id = w.metric_id
      JOIN partnerships_objective o ON o.id = t.objective_id
      JOIN partnerships_partnership p ON p.id = o.partnership_id
     WHERE w.last > p.end_date
        -- A period ends on or after its first day: only these can have ended before.
        OR (w.first < p.start_date
            AND partnerships_period_end(w.first, t.frequency) < p.start_date)
     LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF outside.last > outside.end_date THEN
        RAISE EXCEPTION 'A value for a period that began after its partnership ended (%).',
                outside.last
            USING ERRCODE = 'check_violation', CONSTRAINT = 'measurement_began_after_end';
    END IF;
    RAISE EXCEPTION 'A value for a period that ended before its partnership started (%).',
            outside.first
        USING ERRCODE = 'check_violation', CONSTRAINT = 'measurement_ended_before_start';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER measurements_added_within_run
    AFTER INSERT ON partnerships_measurement
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_measurements_within_run();

CREATE TRIGGER measurements_moved_within_run
    AFTER UPDATE ON partnerships_measurement
    REFERENCING OLD TABLE AS replaced NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_measurements_within_run();

-- A metric moved to another objective or given another frequency, an
-- objective moved to another partnership: no service does either, so their
-- refusals have no words; the values they hold stay inside the run all the same.
CREATE FUNCTION partnerships_metric_values_within_run() RETURNS trigger AS $$
BEGIN
    IF NEW.objective_id = OLD.objective_id AND NEW.frequency = OLD.frequency THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM partnerships_partnership
     WHERE id = (SELECT partnership_id FROM partnerships_objective WHERE id = NEW.objective_id)
       FOR SHARE;
    IF EXISTS (
        SELECT 1
          FROM partnerships_measurement m
          JOIN partnerships_objective o ON o.id = NEW.objective_id
          JOIN partnerships_partnership p ON p.id = o.partnership_id
         WHERE m.metric_id = NEW.id
           AND (m.period_start > p.end_date
                OR (m.period_start < p.start_date
                    AND partnerships_period_end(m.period_start, NEW.frequency) < p.start_date))
    ) THEN
        RAISE EXCEPTION 'A metric whose values would lie outside its partnership''s run.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'metric_values_within_run';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER metric_values_within_run
    BEFORE UPDATE OF objective_id, frequency ON partnerships_outcomemetric
    FOR EACH ROW EXECUTE FUNCTION partnerships_metric_values_within_run();

CREATE FUNCTION partnerships_objective_values_within_run() RETURNS trigger AS $$
BEGIN
    IF NEW.partnership_id = OLD.partnership_id THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM partnerships_partnership WHERE id = NEW.partnership_id FOR SHARE;
    IF EXISTS (
        SELECT 1
          FROM partnerships_measurement m
          JOIN partnerships_outcomemetric t ON t.id = m.metric_id
          JOIN partnerships_partnership p ON p.id = NEW.partnership_id
         WHERE t.objective_id = NEW.id
           AND (m.period_start > p.end_date
                OR (m.period_start < p.start_date
                    AND partnerships_period_end(m.period_start, t.frequency) < p.start_date))
    ) THEN
        RAISE EXCEPTION 'An objective whose values would lie outside its partnership''s run.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'objective_values_within_run';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER objective_values_within_run
    BEFORE UPDATE OF partnership_id ON partnerships_objective
    FOR EACH ROW EXECUTE FUNCTION partnerships_objective_values_within_run();

CREATE FUNCTION partnerships_run_holds_its_measurements() RETURNS trigger AS $$
BEGIN
    IF NEW.end_date IS NOT NULL AND NEW.end_date IS DISTINCT FROM OLD.end_date
       AND EXISTS (
           SELECT 1
             FROM partnerships_measurement m
             JOIN partnerships_outcomemetric t ON t.id = m.metric_id
             JOIN partnerships_objective o ON o.id = t.objective_id
            WHERE o.partnership_id = NEW.id AND m.period_start > NEW.end_date
       ) THEN
        RAISE EXCEPTION 'A partnership ending before a period it holds a value for began.'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'partnership_ends_after_its_measurements';
    END IF;
    IF NEW.start_date IS NOT NULL AND NEW.start_date IS DISTINCT FROM OLD.start_date
       AND EXISTS (
           SELECT 1
             FROM partnerships_measurement m
             JOIN partnerships_outcomemetric t ON t.id = m.metric_id
             JOIN partnerships_objective o ON o.id = t.objective_id
            WHERE o.partnership_id = NEW.id
              -- A period ends on or after its first day: only these can have ended before.
              AND m.period_start < NEW.start_date
              AND partnerships_period_end(m.period_start, t.frequency) < NEW.start_date
       ) THEN
        RAISE EXCEPTION 'A partnership starting after a period it holds a value for ended.'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'partnership_starts_before_its_measurements';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER run_holds_its_measurements
    BEFORE UPDATE OF start_date, end_date ON partnerships_partnership
    FOR EACH ROW EXECUTE FUNCTION partnerships_run_holds_its_measurements();
"""

BACKWARD = """
DROP TRIGGER objective_values_within_run ON partnerships_objective;
DROP FUNCTION partnerships_objective_values_within_run();
DROP TRIGGER metric_values_within_run ON partnerships_outcomemetric;
DROP FUNCTION partnerships_metric_values_within_run();
DROP TRIGGER run_holds_its_measurements ON partnerships_partnership;
DROP FUNCTION partnerships_run_holds_its_measurements();
DROP TRIGGER measurements_moved_within_run ON partnerships_measurement;
DROP TRIGGER measurements_added_within_run ON partnerships_measurement;
DROP FUNCTION partnerships_measurements_within_run();
DROP FUNCTION partnerships_period_end(date, text);
DROP FUNCTION partnerships_frequency_months(text);
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0024_lead_is_manager")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
