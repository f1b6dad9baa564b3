"""`make messages`: gather every string marked for translation into the
catalogues (.po) of French, Spanish and Portuguese, keeping what is translated.

Each app has its catalogue in `<app>/locale/`, holding the strings of its Python
code and of its folder under templates/; the shared templates (base.html, the
error and sign-in pages) have theirs in `locale/`. Django's `makemessages`
scans only the folder it runs in, so an app's template folder is linked into it
for the run. New strings arrive with an empty translation: tests/test_catalogues.py
then reads them as not yet translated (falling back to English) until each has one.
Needs GNU gettext (`apt-get install gettext`); only whoever edits the catalogues does.
"""

import os
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "es", "pt"]
APPS = [
    "accounts", "api", "audit", "calendars", "core", "dashboards", "demo", "evaluation",
    "health", "lifecycle", "notifications", "ops", "partnerships", "reminders",
]  # fmt: skip
LINK = "_templates_for_makemessages"


def makemessages(cwd: Path, *extra: str) -> None:
    """Django's makemessages: each file's strings go to the nearest locale/ above it."""
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "makemessages",
        "--no-obsolete",
        "--no-wrap",
    ]
    for language in LANGUAGES:
        command += ["-l", language]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}
    env.setdefault("SECRET_KEY", "only-for-makemessages")
    subprocess.run([*command, *extra], cwd=cwd, env=env, check=True)


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po")) + sorted(
        ROOT.glob("locale/*/LC_MESSAGES/django.po")
    )


def _read(po: Path):
    with po.open("rb") as source:
        return read_po(source, locale=po.parents[1].name)


def memory() -> dict:
    """Every finished translation, by language, context and message: a string
    that moves from one catalogue to another keeps its translation."""
    found = {}
    for po in catalogues():
        for message in _read(po):
            if message.id and not message.fuzzy and all(_strings(message)):
                found[(po.parents[1].name, message.context, message.id)] = message.string
    return found


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _real_path(filename: str) -> str:
    app, _sep, rest = filename.partition(f"/{LINK}/")
    return f"templates/{app}/{rest}" if rest else filename


def settle(po: Path, known: dict) -> list[str]:
    """Fill new or fuzzy entries from the memory; empty the guesses msgmerge made
    (a fuzzy guess is not compiled anyway), so that a missing one is plain to see."""
    catalogue = _read(po)
    missing = []
    for message in catalogue:
        # Where the string is: the template's own path, not the link's.
        message.locations = [(_real_path(filename), line) for filename, line in message.locations]
        if not message.id:
            continue
        key = (po.parents[1].name, message.context, message.id)
        if message.fuzzy or not all(_strings(message)):
            message.flags.discard("fuzzy")
            message.previous_id = []
            empty = ("",) * catalogue.num_plurals if isinstance(message.id, tuple) else ""
            message.string = known.get(key, empty)
            if message.string == empty:
                missing.append(message.id if isinstance(message.id, str) else message.id[0])
    catalogue.fuzzy = False
    with po.open("wb") as target:
        write_po(target, catalogue, width=0, omit_header=False, include_previous=False)
    return missing


def main() -> int:
    known = memory()
    links = []
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        templates = ROOT / "templates" / app
        if templates.is_dir():
            # Under the app's folder, its templates' strings go to the app's locale/.
            link = ROOT / app / LINK
            link.unlink(missing_ok=True)
            link.symlink_to(templates, target_is_directory=True)
            links.append(link)
    ignored = [f"templates/{link.parent.name}" for link in links]
    ignored += [".venv", "node_modules", "staticfiles", "tests", "tooling", "var", "*/migrations"]
    (ROOT / "locale").mkdir(exist_ok=True)
    try:
        makemessages(ROOT, "--symlinks", *(a for name in ignored for a in ("--ignore", name)))
    finally:
        for link in links:
            link.unlink(missing_ok=True)
    untranslated = 0
    for po in catalogues():
        missing = settle(po, known)
        untranslated += len(missing)
        if missing:
            print(f"{po.relative_to(ROOT)}: {len(missing)} to translate")
    print(f"{untranslated} messages to translate.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
