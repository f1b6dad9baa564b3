from django.db import migrations

# pghistory's statement-level triggers upsert the context of the statement
# into its shared table (pghistory_context) through this function, whatever
# the kind of context field. Ours is a JSON field: the context is stored in
# each event row, inside the hash chain (settings PGHISTORY_CONTEXT_FIELD), so
# nothing is attached and the shared table stays empty, as with row triggers.
ATTACH_NOTHING_SQL = """
CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS uuid
LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
"""


def restore_pghistory_function(apps, schema_editor):
    from pghistory.models import Context

    Context.install_pgh_attach_context_func(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_chain_hash"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    # Backwards: pghistory's own function again (the RunSQL is undone first).
    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_pghistory_function),
        migrations.RunSQL(ATTACH_NOTHING_SQL, migrations.RunSQL.noop),
    ]
