from django.db import migrations

from core.models import CREATE_CHAIN_HASH_SQL, DROP_CHAIN_HASH_SQL


class Migration(migrations.Migration):
    """The hash of the history tables' chains (core.models): created before any
    event table, which every app's history migration depends on."""

    initial = True
    dependencies = []

    operations = [migrations.RunSQL(CREATE_CHAIN_HASH_SQL, DROP_CHAIN_HASH_SQL)]
