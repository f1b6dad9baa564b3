"""`python -m tooling.benchmarks assessment|dashboards|imports [options]`.

Runs one benchmark's `main` against THE CONFIGURED DATABASE (`DATABASE_URL`),
which it empties first; `python -m tooling.benchmarks.runner …` starts
throwaway servers and runs this in them, which is what you normally want.
"""

import importlib
import os
import sys

import django

BENCHMARKS = ("assessment", "dashboards", "imports")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # Imported once Django is set up: the benchmarks import the models.
    benchmark = importlib.import_module(f"tooling.benchmarks.{argv[0]}")
    return benchmark.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
