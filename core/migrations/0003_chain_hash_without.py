from django.db import migrations

from core.models import CREATE_CHAIN_HASH_WITHOUT_SQL, DROP_CHAIN_HASH_WITHOUT_SQL


class Migration(migrations.Migration):
    """The chain's hash of a row written before its table gained a column
    (core.models, audit.chain): how verify_audit checks such a row."""

    dependencies = [("core", "0002_history_context_in_the_event_rows")]

    operations = [migrations.RunSQL(CREATE_CHAIN_HASH_WITHOUT_SQL, DROP_CHAIN_HASH_WITHOUT_SQL)]
