"""`manage.py benchmark_dashboards [--partnerships 1000 10000] [--pages NAME …]`.

Builds a portfolio of each size INTO THE CONFIGURED DATABASE (with twelve
months of scorecards), then times each page for a signed-in executive next to
its SQL alone and an empty view, and prints one table (see dashboards/benchmark.py).

Before each size it empties the partnerships and assessment tables (TRUNCATE …
CASCADE) and clears the cache, so it refuses to start unless they are already
empty or `--i-know-this-wipes` is given. `python -m tooling.dashboard_benchmark`
runs it against throwaway servers instead, which is what you normally want.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from dashboards import benchmark
from evaluation.benchmark import server_settings
from evaluation.management.commands.benchmark_assessment import tables_to_wipe


class Command(BaseCommand):
    help = (
        "Time the dashboards (median and p95) against their SQL and an empty view, at "
        "1,000 and 10,000 partnerships. WIPES the partnerships and assessment tables of the "
        "configured database; prefer `python -m tooling.dashboard_benchmark`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--partnerships",
            type=int,
            nargs="+",
            default=[1000, 10000],
            metavar="N",
            help="Portfolio sizes to build and measure, in turn (default: 1000 10000).",
        )
        parser.add_argument(
            "--pages",
            nargs="+",
            default=benchmark.DEFAULT_PAGES,
            metavar="URL_NAME",
            help=(
                "URL names to measure, optionally with ?query (default: the three dashboards). "
                "A name with `partnership` or `partner` gets the representative one."
            ),
        )
        parser.add_argument(
            "--cold",
            nargs="*",
            default=list(benchmark.DEFAULT_COLD_PAGES),
            metavar="URL_NAME",
            help="Pages measured a second time with the cache cleared before each request.",
        )
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=5, help="Untimed requests first.")
        parser.add_argument("--months", type=int, default=24, help="Months of measurements.")
        parser.add_argument("--periods", type=int, default=12, help="Months of scorecards.")
        parser.add_argument("--metrics", type=int, default=5, help="Metrics per partnership.")
        parser.add_argument(
            "--i-know-this-wipes",
            action="store_true",
            dest="wipe",
            help="Run even though the database holds partnerships: they will be deleted.",
        )

    def handle(self, *args, **options):
        sizes = options["partnerships"]
        if any(n < 1 for n in sizes) or options["requests"] < 1 or options["warmup"] < 0:
            raise CommandError("Sizes and requests must be positive.")
        tables = tables_to_wipe()
        occupied = _tables_with_rows(tables)
        if occupied and not options["wipe"]:
            raise CommandError(
                f"The database is not empty ({', '.join(occupied)} have rows) and this "
                "benchmark deletes them. Use `python -m tooling.dashboard_benchmark` "
                "(throwaway servers), or pass --i-know-this-wipes."
            )
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: Django keeps every query; figures will be slower.")

        out = self.stdout
        server = server_settings()
        db = connection.settings_dict
        out.write(
            f"Database {db.get('NAME')} on {db.get('HOST') or 'local socket'}:"
            f"{db.get('PORT') or ''}: PostgreSQL {server.get('server_version')}, "
            f"shared_buffers={server.get('shared_buffers')}, jit={server.get('jit')}, "
            f"fsync={server.get('fsync')}; cache {settings.CACHES['default']['BACKEND']}; "
            f"{os.cpu_count()} CPUs"
        )
        out.write(
            f"Each page: {options['warmup']} untimed then {options['requests']} timed GETs "
            "through django.test.Client (whole middleware stack, in process) signed in as an "
            "executive; its SQL: the statements of one request replayed on the driver's cursor, "
            "rows fetched, in a transaction of its own like the request's (BEGIN/COMMIT are "
            "not counted as queries); empty view: login_required, empty response."
        )
        today = timezone.localdate()
        measured = []
        for size in sizes:
            _truncate(tables)
            # Aggregates cached for the last size must not answer for this one.
            cache.clear()
            out.write(f"\n{size:,} partnerships: building…")
            try:
                portfolio = benchmark.build_dashboard_portfolio(
                    partnerships=size,
                    today=today,
                    months=options["months"],
                    periods=options["periods"],
                    metrics_per_partnership=options["metrics"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            out.write("  built; measuring…")
            figures = benchmark.measure_pages(
                options["pages"],
                portfolio=portfolio,
                requests=options["requests"],
                warmup=options["warmup"],
                cold_pages=options["cold"],
            )
            out.write(benchmark.details(figures))
            measured.append(figures)
        out.write("")
        out.write(benchmark.table(measured))
        out.write(
            "\nms: median and p95 server time of the page, of its SQL alone, and the median "
            "of the empty view; ratio = page / (SQL + empty view), aim ≤ 1.5×; growth = this "
            f"size's page median / {sizes[0]:,} partnerships', aim ≤ 1.5×. "
            "Warm cache: after the warm-up requests filled it; cold cache: cleared before each "
            "request (PostgreSQL's buffers stay warm). Pages not marked were measured as they "
            "come after the warm-up."
        )


def _tables_with_rows(tables: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        occupied = []
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
            if cursor.fetchone()[0]:
                occupied.append(table)
    return occupied


def _truncate(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
