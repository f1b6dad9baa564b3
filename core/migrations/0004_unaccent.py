from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent, which the searches read names through
    (core.queries.holds). A trusted extension: the database's owner may add it."""

    dependencies = [("core", "0003_chain_hash_without")]

    operations = [UnaccentExtension()]
