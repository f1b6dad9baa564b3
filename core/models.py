"""The base of every history (event) table: rows PostgreSQL appends and chains.

django-pghistory writes an event row from a trigger on each tracked table, so
nothing that reaches the database (a form, `QuerySet.update()`, raw SQL, a task)
changes a row without leaving one. Settings make this model the base of every
event model (`PGHISTORY_BASE_MODEL`), which makes every event table
append-only: UPDATE and DELETE raise in the database (`chain_triggers`).

On top of that each row carries `pgh_hash`, chained to the row before it in the
same table by `accord_chain_hash(previous hash, row)`, a SQL function created by
the migration 0001 of this app and used both by the trigger below and by
`manage.py verify_audit`, so the writer and the checker cannot disagree. An
event rewritten or removed by someone who got past the triggers (the owner of
the tables can disable them) breaks the chain at that row.
"""

import pghistory.models
import pgtrigger
import pgtrigger.compiler
from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceLabels(models.Model):
    """Every model of Accord: `get_FOO_display()` translates the one label it shows.

    Django's own builds a dict of the field's choices on each call, and hashing
    each lazy label translates it: 30–100 µs a call, for a value a table shows on
    every row. Here the choices are read once per field and language, labels
    left lazy, and only the label shown is translated.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        # By language: some fields' choices come translated already (a country's
        # name from django-countries), not as lazy labels.
        by_language = field.__dict__.setdefault("_accord_choice_labels", {})
        language = translation.get_language()
        labels = by_language.get(language)
        if labels is None:
            labels = {make_hashable(choice): label for choice, label in field.flatchoices}
            by_language[language] = labels
        try:
            label = labels.get(make_hashable(value), value)
        except TypeError:  # a value that cannot be a key is no choice: shown as it is
            label = value
        return force_str(label, strings_only=True)


CHAIN_HASH_FUNCTION = "accord_chain_hash"


def _chain_hash_sql(name: str, arguments: str, row: str) -> str:
    """A function giving sha256(previous hash || `row`, the row as jsonb without
    its own hash), hex. jsonb's text form is canonical (sorted keys, one spelling
    per value); timestamps are spelt in UTC whatever the session's time zone, so
    a DBA's psql and the app compute the same digest."""
    return f"""
CREATE OR REPLACE FUNCTION {name}({arguments})
RETURNS text
LANGUAGE sql STABLE
SET TimeZone = 'UTC'
SET IntervalStyle = 'iso_8601'
AS $$
    SELECT encode(sha256(convert_to(coalesce(previous, '') || ({row})::text, 'UTF8')), 'hex')
$$;
"""


CREATE_CHAIN_HASH_SQL = _chain_hash_sql(
    CHAIN_HASH_FUNCTION, "previous text, event anyelement", "to_jsonb(event) - 'pgh_hash'"
)
DROP_CHAIN_HASH_SQL = f"DROP FUNCTION IF EXISTS {CHAIN_HASH_FUNCTION}(text, anyelement);"

# The same hash of a row written before its table gained the columns `later`
# (a migration added them): it was hashed without them, and is checked so.
CHAIN_HASH_WITHOUT_FUNCTION = "accord_chain_hash_without"
CREATE_CHAIN_HASH_WITHOUT_SQL = _chain_hash_sql(
    CHAIN_HASH_WITHOUT_FUNCTION,
    "previous text, event anyelement, later text[]",
    "to_jsonb(event) - 'pgh_hash' - later",
)
DROP_CHAIN_HASH_WITHOUT_SQL = (
    f"DROP FUNCTION IF EXISTS {CHAIN_HASH_WITHOUT_FUNCTION}(text, anyelement, text[]);"
)


class UnignorableTriggerSql(pgtrigger.compiler.UpsertTriggerSql):
    """pgtrigger's installation SQL without its escape hatch: pgtrigger starts
    every trigger with a call that skips it for a session whose
    `pgtrigger.ignore` setting names it, which any session may set. The
    triggers guarding the history answer to no session setting (only the
    tables' owner can switch them off), and a bulk write does not pay that call
    on each row (it opens a subtransaction, and while the setting is unset it
    raises and catches an error; each such rollback made PostgreSQL walk every
    pending after-trigger event, such as Django's deferred foreign-key checks:
    quadratic in the rows of a transaction)."""

    def get_template(self) -> str:
        return """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                {declare}
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE {constraint} TRIGGER {pgid}
                {when} {operation} ON {table}
                {timing}
                {referencing}
                FOR EACH {level} {condition}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """


class Unignorable:
    """A pgtrigger trigger installed with `UnignorableTriggerSql`."""

    def compile(self, model) -> pgtrigger.compiler.Trigger:
        compiled = super().compile(model)
        return pgtrigger.compiler.Trigger(
            name=compiled.name, sql=UnignorableTriggerSql(**compiled.sql.kwargs)
        )


class AppendOnly(Unignorable, pgtrigger.Protect):
    """PostgreSQL refuses the operation, naming the table."""


# Where a transaction keeps, between the event rows it writes to a table, the
# newest hash of that table's chain (see HashChain).
CHAIN_HEAD_SETTING = "accord_chain"

# The chain lock of a table is pg_advisory_xact_lock(hashtext(this), hashtext(table)).
CHAIN_LOCK = "accord.audit_chain"


class HashChain(Unignorable, pgtrigger.Trigger):
    """Before an event row is inserted: give it the next id of its table and hash
    it onto the row before it, so that id order is chain order.

    The first event a transaction writes to a table takes the table's chain lock
    (held to the end of the transaction) and reads the newest hash from the
    table; under READ COMMITTED that statement sees what the previous holder of
    the lock committed. A transaction with an older snapshot (REPEATABLE READ,
    SERIALIZABLE) could chain onto a row that is no longer the newest, so it is
    refused instead. Each row then leaves its own hash in a transaction-local
    setting for the next row to chain onto: no one else writes to the table
    while we hold its lock, so the setting is the table's newest hash, and
    PostgreSQL puts a setting back when a savepoint is rolled back, as it takes
    back the rows (an empty setting is read as unset: a new transaction, or an
    empty chain, which looks again). A bulk write (an INSERT … SELECT of the
    history triggers, a COPY) thus pays one lock and one lookup per table and
    transaction, not one per row. A session that sets the setting itself can
    only write rows that do not follow their predecessor, which `verify_audit`
    finds.

    The pghistory triggers of the tracked tables still start with pgtrigger's
    check of `pgtrigger.ignore` (see UnignorableTriggerSql), once per
    statement; set to the empty list (nothing ignored, as when unset) for the
    rest of the transaction, it no longer raises and catches an error."""

    when = pgtrigger.Before
    operation = pgtrigger.Insert
    declare = [("previous", "text")]
    func = pgtrigger.Func(
        f"""
        previous := current_setting('{CHAIN_HEAD_SETTING}.' || TG_TABLE_NAME, true);
        IF coalesce(previous, '') = '' THEN
            IF current_setting('transaction_isolation') <> 'read committed' THEN
                RAISE EXCEPTION 'audit: events of % are written only under READ COMMITTED',
                    TG_TABLE_NAME;
            END IF;
            IF coalesce(current_setting('pgtrigger.ignore', true), '') = '' THEN
                PERFORM set_config('pgtrigger.ignore', '{{{{}}}}', true);
            END IF;
            PERFORM pg_advisory_xact_lock(hashtext('{CHAIN_LOCK}'), hashtext(TG_TABLE_NAME));
            -- Planned afresh (a plan cached while the table was empty scans it all).
            EXECUTE 'SELECT pgh_hash FROM "{{meta.db_table}}" ORDER BY pgh_id DESC LIMIT 1'
                INTO previous;
        END IF;
        NEW.pgh_id := nextval(pg_get_serial_sequence('"{{meta.db_table}}"', 'pgh_id'));
        NEW.pgh_hash := {CHAIN_HASH_FUNCTION}(previous, NEW);
        PERFORM set_config('{CHAIN_HEAD_SETTING}.' || TG_TABLE_NAME, NEW.pgh_hash, true);
        RETURN NEW;
        """
    )


class Event(ChoiceLabels, pghistory.models.Event):
    """An event row with its link in its table's hash chain. (Named Event so that
    pghistory names the models it generates `<Model>Event`.)"""

    pgh_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def pghistory_setup(cls):
        super().pghistory_setup()
        if not cls._meta.abstract:
            pgtrigger.register(*chain_triggers())(cls)
            keep_primary_key(cls.pgh_tracked_model)


class KeptPrimaryKey(Unignorable, pgtrigger.Protect):
    """PostgreSQL refuses an UPDATE that changes a tracked row's primary key.

    The history triggers run once per statement and pair a row's old and new
    values by primary key; a row whose key changed would have no pair and so
    no update event. Django never changes a primary key; this stops raw SQL
    from changing a row unseen that way."""


def keep_primary_key(model) -> None:
    name = "primary_key_kept"
    if any(trigger.name == name for trigger in getattr(model._meta, "triggers", [])):
        return  # a model with several event models gets it once
    pk = model._meta.pk.name
    pgtrigger.register(
        KeptPrimaryKey(
            name=name,
            operation=pgtrigger.Update,
            condition=pgtrigger.Q(**{f"old__{pk}__df": pgtrigger.F(f"new__{pk}")}),
        )
    )(model)


def chain_triggers() -> list[pgtrigger.Trigger]:
    """Append-only (PostgreSQL refuses UPDATE and DELETE, naming the table) and chained."""
    return [
        AppendOnly(name="append_only_update", operation=pgtrigger.Update),
        AppendOnly(name="append_only_delete", operation=pgtrigger.Delete),
        HashChain(name="hash_chain"),
    ]
