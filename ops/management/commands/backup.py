import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive (tar) with a pg_dump of the database, the documents under "
        "MEDIA_ROOT and a manifest of their SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Folder for the archive (default: ACCORD_BACKUP_DIR, else var/backups).",
        )

    def handle(self, *args, output, **options):
        folder = output or Path(settings.ACCORD_BACKUP_DIR or settings.BASE_DIR / "var/backups")
        started = time.monotonic()
        try:
            archive = backup_create(output_dir=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{archive} ({archive.stat().st_size:,} bytes) in {time.monotonic() - started:.1f} s"
        )
