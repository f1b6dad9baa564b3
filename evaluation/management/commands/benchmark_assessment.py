"""`manage.py benchmark_assessment --partnerships 1000 10000 [--months 48]`.

Builds a synthetic portfolio of each size INTO THE CONFIGURED DATABASE, times a
full assessment of the last closed month next to the lower bound (one SQL
statement aggregating the same measurements) and prints both and their ratio.

Before each size it empties the partnerships and assessment tables (TRUNCATE …
CASCADE), so it refuses to start unless they are already empty or
`--i-know-this-wipes` is given. `python -m tooling.benchmark` runs it against
throwaway servers instead, which is what you normally want.
"""

from __future__ import annotations

import logging
import os

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from evaluation import benchmark, services
from evaluation.models import AssessmentChunk, AssessmentRun, Scorecard


def tables_to_wipe() -> list[str]:
    """Every table of the partnerships app, and the runs and scorecards (not the
    scoring policies, which the assessment needs)."""
    models = [
        *apps.get_app_config("partnerships").get_models(),
        Scorecard,
        AssessmentChunk,
        AssessmentRun,
    ]
    return [m._meta.db_table for m in models if not m._meta.proxy]


class Command(BaseCommand):
    help = (
        "Benchmark a full assessment against its lower bound (one set-based SQL statement). "
        "WIPES the partnerships and assessment tables of the configured database; prefer "
        "`python -m tooling.benchmark`, which uses throwaway servers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--partnerships",
            type=int,
            nargs="+",
            default=[1000, 10000],
            metavar="N",
            help="Portfolio sizes to build and assess, in turn (default: 1000 10000).",
        )
        parser.add_argument("--months", type=int, default=48, help="Months of measurements.")
        parser.add_argument("--metrics", type=int, default=5, help="Metrics per partnership.")
        parser.add_argument("--repeat", type=int, default=3, help="Timed runs (median).")
        parser.add_argument(
            "--i-know-this-wipes",
            action="store_true",
            dest="wipe",
            help="Run even though the database holds partnerships: they will be deleted.",
        )

    def handle(self, *args, **options):
        sizes = options["partnerships"]
        if any(n < 1 for n in sizes) or options["months"] < 1 or options["metrics"] < 1:
            raise CommandError("Sizes, months and metrics must be positive.")
        tables = tables_to_wipe()
        occupied = self._occupied(tables)
        if occupied and not options["wipe"]:
            raise CommandError(
                f"The database {self._where()} is not empty ({', '.join(occupied)} "
                "have rows) and this benchmark deletes them. Use `python -m tooling.benchmark` "
                "(throwaway servers), or pass --i-know-this-wipes."
            )
        # One line per run completed would break up the report.
        logging.getLogger("evaluation.services").setLevel(logging.WARNING)
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: Django keeps every query; figures will be slower.")

        out = self.stdout
        server = benchmark.server_settings()
        out.write(
            f"Database {self._where()}: PostgreSQL {server.get('server_version')}, "
            f"shared_buffers={server.get('shared_buffers')}, work_mem={server.get('work_mem')}, "
            f"jit={server.get('jit')}, fsync={server.get('fsync')}, "
            f"parallel workers per gather={server.get('max_parallel_workers_per_gather')}; "
            f"{os.cpu_count()} CPUs"
        )
        today = timezone.localdate()
        period = services.last_closed_month(today)
        out.write(
            f"Assessing {period.start:%B %Y}; {options['metrics']} monthly metrics per "
            f"partnership, {options['months']} months of measurements; median of "
            f"{options['repeat']} timed runs after one untimed run of each side (see "
            "evaluation/benchmark.py `measure`)."
        )
        rows = []
        for size in sizes:
            self._truncate(tables)
            out.write(f"\n{size:,} partnerships: building…")
            portfolio = benchmark.build_portfolio(
                partnerships=size,
                metrics_per_partnership=options["metrics"],
                months=options["months"],
                today=today,
            )
            out.write(
                f"  built {portfolio.measurements:,} measurements "
                f"({portfolio.first_month:%b %Y}–{portfolio.last_month:%b %Y}) "
                f"in {portfolio.seconds:.1f} s (COPY, then VACUUM ANALYZE); measuring…"
            )
            figures = benchmark.measure(period.start, repeat=options["repeat"])
            out.write(benchmark.details(figures))
            rows.append((portfolio, figures))
        out.write("")
        out.write(benchmark.table(rows))
        out.write(
            "\nassessment: run start + every chunk in turn, in this process (scorecards upserted); "
            "lower bound: one SQL statement aggregating the same measurements, rows fetched."
        )

    @staticmethod
    def _where() -> str:
        db = connection.settings_dict
        return f"{db.get('NAME')} on {db.get('HOST') or 'local socket'}:{db.get('PORT') or ''}"

    @staticmethod
    def _occupied(tables: list[str]) -> list[str]:
        with connection.cursor() as cursor:
            occupied = []
            for table in tables:
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
                if cursor.fetchone()[0]:
                    occupied.append(table)
        return occupied

    @staticmethod
    def _truncate(tables: list[str]) -> None:
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
