"""Compile health/locale/*/LC_MESSAGES/django.po into the .mo files Django reads.

The catalogue lives in the app's own `locale` directory, which Django finds
without a LOCALE_PATHS setting.

With Babel (a dependency), so no GNU gettext is needed on the machine. The
.mo files are committed too, so a fresh clone speaks French without this
step; run it after editing a .po (a test fails while they disagree).
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.core.management.base import BaseCommand


def compile_all() -> list[Path]:
    written = []
    for locale_dir in [Path(apps.get_app_config("health").path) / "locale"]:
        for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            with po_path.open("rb") as po:
                catalog = read_po(po, locale=po_path.parent.parent.name)
            with po_path.with_suffix(".mo").open("wb") as mo:
                write_mo(mo, catalog)
            written.append(po_path.with_suffix(".mo"))
    return written


class Command(BaseCommand):
    help = "Compile the .po translations into .mo files (with Babel)."

    def handle(self, *args, **options):
        for path in compile_all():
            self.stdout.write(f"Compiled {path}")
