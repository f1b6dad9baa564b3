"""Compile every .po catalogue of Accord into the .mo file Django reads.

Babel does it, so the set-up needs no GNU gettext. Run by `make install`
(`make run`, `make test`), by `make run`'s start-up and in production after
each deployment; the .mo files are not kept in the repository. A fuzzy entry
is left out (its string falls back to English), never compiled empty.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    """Every django.po under an installed app of this project, or LOCALE_PATHS."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(p) for p in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # The project's own apps: not a package installed into a venv below BASE_DIR.
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            folders.append(path / "locale")
    return sorted(
        po for folder in folders if folder.is_dir() for po in folder.glob("*/LC_MESSAGES/django.po")
    )


def compile_catalogue(po: Path) -> Path:
    mo = po.with_suffix(".mo")
    with po.open("rb") as source:
        catalogue = read_po(source, locale=po.parent.parent.name)
    with mo.open("wb") as target:
        write_mo(target, catalogue, use_fuzzy=False)
    return mo


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po) into the .mo files Django reads."

    def handle(self, *args, **options):
        written = [compile_catalogue(po) for po in catalogues()]
        if options["verbosity"]:
            self.stdout.write(f"Compiled {len(written)} catalogues.")
