from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database and media folder, after checking "
        "every checksum in its manifest. Refuses anything else and changes nothing then."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive, **options):
        try:
            manifest = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        documents = len(manifest["files"]) - 1
        self.stdout.write(
            f"Restored {archive}: the database and {documents} document(s), "
            f"taken {manifest['created_at']}."
        )
