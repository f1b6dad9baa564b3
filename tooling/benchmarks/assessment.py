"""How long a full assessment takes, next to what one SQL statement needs.

`measure` times a full assessment of one month of a portfolio built by
`tooling.benchmarks.portfolio.build_portfolio`, in process and chunk after
chunk, through the real `evaluation.services`, and, in the same run, the lower
bound: one set-based statement that aggregates the same measurements the
assessment reads.

    python -m tooling.benchmarks.runner assessment [--partnerships 1000 10000 100000] [--months 48]

runs it against throwaway servers (`make benchmark ARGS="…"`);
`python -m tooling.benchmarks assessment …` runs `main` against the configured
database, which it empties first (see `main`).

Where the time goes (profiled at 10,000 partnerships on the shared 2-core
machine, load average about 12, so every figure ~4× its quiet value; the
lower bound took 3.5 s there): 24.6 s in all, of which 14.2 s in PostgreSQL:
5.5 s the scorecards' upsert and 3.3 s the review events' insert, both mostly
the row triggers (pghistory's event row, chained by the audit's hash-chain
trigger, and the foreign-key checks: the same INSERT of 10,000 scorecards took
13.8 s with its triggers and 0.4 s without), 3.0 s the measurement aggregate
(close to the lower bound) and 2 s the other reads; and 10.4 s in Python: the
scoring (3.2 s), turning the rows read into scoring inputs (3.6 s), dumping the
JSON columns (0.9 s). Before the writes went through `core.upsert` (arrays,
no model instances) the ORM's `bulk_create` spent another 11 s building
instances and SQL.

Since then the history is written once per statement and its chain costs tens
of microseconds a row (core.models.HashChain; the error pgtrigger raised and
caught on each row had made a transaction's history quadratic in its rows). At
10,000 partnerships, load average about 4: 7.43 s against 0.82 s (9.0×) before,
5.26 s and 4.83 s against 0.80 s and 0.78 s (6.6×, 6.2×) after, 4.23 s against
0.80 s (5.3×) with every trigger off (foreign-key checks too); the rest is the
Python side and the reads above.

Then the flags' stored English (`core.phrases.Wording.english`) turned out to
cost 0.8 s of a 6.2 s run (a switch to English and a look-up through every
catalogue for each of 34,000 flags); worded once per code and count, 0.1 s.
Where a 10,000-partnership run's 5.5 s go now (quiet machine, lower bound
0.81 s): 3.5 s in PostgreSQL — the scorecards' upsert 1.3 s (of a 500-row
chunk's 37 ms, 27 ms are its history rows, 20 ms of them the hash chain: a
sha256 over each 2 KB row as jsonb), the metrics' aggregate 1.0 s (the lower
bound's work), the review events 0.5 s (their own history and chain), the other
reads 0.5 s, the commits' deferred foreign-key checks 0.2 s — and 2 s in Python:
the inputs 0.6 s, the scoring 0.5 s, the rows' JSON and arrays 0.6 s. With
`--processes`, the chunks are shared as the worker shares them; two chunks'
writes still take turns, as each holds its tables' chain lock from its first
history row to its commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from core.models import Event
from dashboards import readmodel
from evaluation import services
from evaluation.inputs import load_inputs
from evaluation.models import AssessmentChunk, AssessmentRun, Scorecard
from partnerships.models import (
    STAGES_BY_FAMILY,
    Measurement,
    Objective,
    OutcomeMetric,
    Partnership,
    StageFamily,
)
from partnerships.periods import Period

from .portfolio import (
    Portfolio,
    analyse,
    build_portfolio,
    database_label,
    server_settings,
    tables_to_wipe,
    tables_with_rows,
    truncate,
)

# --- measuring -------------------------------------------------------------------------


def lower_bound_sql() -> str:
    """One statement: for each metric of the assessable partnerships, what the
    assessment reads from the measurements up to the period end: the sum since
    the baseline, the latest value and the latest period.

    Of the forms tried, the fastest: per metric, one pass over its rows for the
    sum and the latest period, and one step back along the (metric, period)
    index for the latest value. A GROUP BY over a join with
    `(ARRAY_AGG(value ORDER BY period_start DESC))[1]` for the latest value
    took about 1.5× as long at 10,000 partnerships.
    """
    t = {m.__name__: m._meta.db_table for m in (Measurement, OutcomeMetric, Objective, Partnership)}
    stages = ", ".join(f"'{s}'" for s in STAGES_BY_FAMILY[StageFamily.ACTIVE])
    return f"""
        SELECT om.id, s.total, l.value AS latest, s.latest_period
          FROM "{t["OutcomeMetric"]}" om
          JOIN "{t["Objective"]}" o ON o.id = om.objective_id
          JOIN "{t["Partnership"]}" p ON p.id = o.partnership_id
         CROSS JOIN LATERAL (
               SELECT SUM(ms.value) FILTER (
                          WHERE om.baseline_date IS NULL OR ms.period_start >= om.baseline_date
                      ) AS total,
                      MAX(ms.period_start) AS latest_period
                 FROM "{t["Measurement"]}" ms
                WHERE ms.metric_id = om.id AND ms.period_start <= %(end)s
               ) s
          LEFT JOIN LATERAL (
               SELECT ms.value
                 FROM "{t["Measurement"]}" ms
                WHERE ms.metric_id = om.id AND ms.period_start <= %(end)s
                ORDER BY ms.period_start DESC
                LIMIT 1
               ) l ON true
         WHERE p.stage IN ({stages})
           AND (p.start_date IS NULL OR p.start_date <= %(end)s)
           AND om.is_active AND o.status <> 'abandoned'
           AND s.latest_period IS NOT NULL
    """


def _count_read(period_end: dt.date) -> int:
    """How many measurements the lower bound (and so the assessment) aggregates."""
    stages = [str(s) for s in STAGES_BY_FAMILY[StageFamily.ACTIVE]]
    return (
        Measurement.objects.filter(
            period_start__lte=period_end,
            metric__is_active=True,
            metric__objective__partnership__stage__in=stages,
        )
        .exclude(metric__objective__status="abandoned")
        .filter(
            Q(metric__objective__partnership__start_date__isnull=True)
            | Q(metric__objective__partnership__start_date__lte=period_end)
        )
        .count()
    )


@dataclass
class Figures:
    period_start: dt.date
    partnerships: int
    metrics: int
    measurements: int  # all in the database
    measurements_read: int  # those the assessment (and the lower bound) aggregate
    assessed: int
    skipped: int
    failed: int
    scorecards: int  # written for the period
    chunks: int
    queries: int  # issued by one full assessment
    queries_per_chunk: list[int]  # issued by each chunk, in order
    lower_bound_rows: int
    assessment_seconds: list[float]
    lower_bound_seconds: list[float]
    bound_matches: bool  # the lower bound's aggregates equal what the scoring reads
    processes: int = 0  # the worker pool's processes for `pooled_seconds` (0: not measured)
    pooled_seconds: list[float] = field(default_factory=list)
    # The worker's rebuild of the dashboards' read model that a run asks for.
    read_model_seconds: float = 0.0

    @property
    def assessment(self) -> float:
        return statistics.median(self.assessment_seconds)

    @property
    def lower_bound(self) -> float:
        return statistics.median(self.lower_bound_seconds)

    @property
    def ratio(self) -> float:
        return self.assessment / self.lower_bound if self.lower_bound else float("inf")

    @property
    def pooled(self) -> float | None:
        return statistics.median(self.pooled_seconds) if self.pooled_seconds else None

    @property
    def pooled_ratio(self) -> float | None:
        if self.pooled is None or not self.lower_bound:
            return None
        return self.pooled / self.lower_bound


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _forget_period(period_start: dt.date) -> None:
    """Remove the scorecards and runs of the period, so the next run is again
    the first assessment of the month (inserts, as on the 1st of a month)."""
    # First what records the scorecards' review (kept by PROTECT), if anything.
    for relation in Scorecard._meta.related_objects:
        # The history is append-only (and refers to no row by a constraint).
        if relation.one_to_many and not issubclass(relation.related_model, Event):
            relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__period_start": period_start}
            ).delete()
    Scorecard.objects.filter(period_start=period_start).delete()
    AssessmentRun.objects.filter(period_start=period_start).delete()
    analyse([Scorecard, AssessmentRun, AssessmentChunk])


def _full_assessment(period_start: dt.date, counter: _QueryCounter):
    """Start a run and execute its chunks one after the other, as one worker would."""
    per_chunk = []
    with connection.execute_wrapper(counter):
        run = services.assessment_run_start(period_start=period_start)
        chunk_ids = list(run.chunks.order_by("index").values_list("pk", flat=True))
        for chunk_id in chunk_ids:
            before = counter.count
            services.assessment_chunk_execute(chunk_id=chunk_id)
            per_chunk.append(counter.count - before)
    return run, per_chunk


def _start_worker() -> None:
    # A forked process must not run its parent's handlers (which stop the
    # throwaway servers) when the pool ends it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection.ensure_connection()


def _execute_chunk(chunk_id: int) -> None:
    services.assessment_chunk_execute(chunk_id=chunk_id)


def worker_pool(processes: int):
    """`processes` forked processes, each with its own connection, as the Celery
    worker's prefork pool runs the chunks (its default: one process per CPU).
    The caller's connections are closed first, so no child shares one."""
    connections.close_all()
    return multiprocessing.get_context("fork").Pool(processes, initializer=_start_worker)


def _pooled_assessment(period_start: dt.date, pool) -> AssessmentRun:
    """Start a run here and have the pool's processes execute its chunks, each
    taking the next chunk as it finishes one, as the worker's processes take
    the queued chunk tasks; returns when the last chunk has completed the run."""
    run = services.assessment_run_start(period_start=period_start)
    chunk_ids = list(run.chunks.order_by("index").values_list("pk", flat=True))
    pool.map(_execute_chunk, chunk_ids, chunksize=1)
    return run


def _lower_bound(period_end: dt.date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(lower_bound_sql(), {"end": period_end})
        return len(cursor.fetchall())


def _bound_matches_inputs(period: Period) -> bool:
    """Whether the lower bound computes what the assessment reads: for every
    metric with a value, the same sum since the baseline and latest value as
    `load_inputs` gives the scoring (checked untimed, after the timings)."""
    with connection.cursor() as cursor:
        cursor.execute(lower_bound_sql(), {"end": period.end})
        bound = {metric: (total, latest) for metric, total, latest, _ in cursor.fetchall()}
    partnerships = list(
        Partnership.objects.assessable()
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=period.end))
        .order_by("id")
        .values("id", "start_date")
    )
    read = {}
    for offset in range(0, len(partnerships), services.CHUNK_SIZE):
        chunk = partnerships[offset : offset + services.CHUNK_SIZE]
        inputs = load_inputs(chunk, period_start=period.start, period_end=period.end)
        for data in inputs.values():
            read.update({m.id: (m.total, m.latest) for m in data.metrics if m.latest is not None})
    return read == bound


def measure(period_start: dt.date, *, repeat: int = 3, processes: int = 0) -> Figures:
    """Time a full assessment of the month starting `period_start` and the lower bound.

    Fairness: before timing, the previous month is assessed once (untimed; it
    gives the trend its previous scorecards and warms the caches) and the
    lower-bound statement runs once. Then, `repeat` times: the period's
    scorecards and runs are removed, a full assessment is timed (run start plus
    every chunk, sequentially, in this process, wall clock), and the lower
    bound is timed (execute and fetch every row, wall clock). Medians count.

    With `processes`, the same full assessment is also timed `repeat` times as
    the worker runs it in production: the chunks executed by that many forked
    processes (started, and connected, before the clock starts), wall clock
    from the run's start to its last chunk done. The processes must see the
    data, so this needs it committed (not inside a test's transaction).
    """
    period = services.month_of(period_start)
    if period.start != period_start:
        raise ValueError("period_start must be the first day of a month")
    previous = period.previous().start
    _forget_period(previous)
    _forget_period(period_start)
    _full_assessment(previous, _QueryCounter())
    # As in production, the dashboards' read model is built: a run's last chunk
    # asks the worker to rebuild it (timed apart below, as the task it is).
    readmodel.rebuild()
    _lower_bound(period.end)

    assessment_seconds, lower_bound_seconds = [], []
    for _ in range(max(1, repeat)):
        _forget_period(period_start)
        counter = _QueryCounter()
        started = time.perf_counter()
        run, per_chunk = _full_assessment(period_start, counter)
        assessment_seconds.append(time.perf_counter() - started)

        started = time.perf_counter()
        lower_bound_rows = _lower_bound(period.end)
        lower_bound_seconds.append(time.perf_counter() - started)

    run.refresh_from_db()
    written = Scorecard.objects.filter(period_start=period_start, run=run).count()
    pooled_seconds = []
    if processes:
        pool = worker_pool(processes)
        try:
            for _ in range(max(1, repeat)):
                _forget_period(period_start)
                started = time.perf_counter()
                pooled_run = _pooled_assessment(period_start, pool)
                pooled_seconds.append(time.perf_counter() - started)
        finally:
            pool.close()
            pool.join()
        pooled_run.refresh_from_db()
        if (pooled_run.status, pooled_run.assessed_count) != ("completed", run.assessed_count):
            raise RuntimeError(f"The pooled run ended {pooled_run.status}, unlike the others.")

    started = time.perf_counter()
    readmodel.rebuild_if_built()
    read_model_seconds = time.perf_counter() - started
    measurements_read = _count_read(period.end)
    bound_matches = _bound_matches_inputs(period)
    return Figures(
        period_start=period_start,
        partnerships=Partnership.objects.count(),
        metrics=OutcomeMetric.objects.count(),
        measurements=Measurement.objects.count(),
        measurements_read=measurements_read,
        assessed=run.assessed_count,
        skipped=run.skipped_count,
        failed=run.failed_count,
        scorecards=written,
        chunks=len(per_chunk),
        queries=counter.count,
        queries_per_chunk=per_chunk,
        lower_bound_rows=lower_bound_rows,
        assessment_seconds=assessment_seconds,
        lower_bound_seconds=lower_bound_seconds,
        bound_matches=bound_matches,
        processes=processes,
        pooled_seconds=pooled_seconds,
        read_model_seconds=read_model_seconds,
    )


# --- reporting -------------------------------------------------------------------------


def table(rows: list[tuple[Portfolio, Figures]]) -> str:
    pooled = next((f.processes for _, f in rows if f.pooled is not None), 0)
    head = (
        f"{'partnerships':>12} {'metrics':>8} {'measurements':>12} {'build s':>8} "
        f"{'assessment s':>12} {'lower bound s':>13} {'ratio':>6}"
    )
    if pooled:
        head += f" {f'{pooled} processes s':>13} {'ratio':>6}"
    lines = [head, "-" * len(head)]
    for portfolio, f in rows:
        line = (
            f"{f.partnerships:>12,} {f.metrics:>8,} {f.measurements:>12,} "
            f"{portfolio.seconds:>8.1f} {f.assessment:>12.2f} {f.lower_bound:>13.2f} "
            f"{f.ratio:>5.2f}×"
        )
        if pooled and f.pooled is not None:
            line += f" {f.pooled:>13.2f} {f.pooled_ratio:>5.2f}×"
        lines.append(line)
    return "\n".join(lines)


def _query_split(f: Figures) -> str:
    per_chunk = f.queries_per_chunk
    if not per_chunk:
        return "no chunks"
    start = f.queries - sum(per_chunk)
    others = sorted(set(per_chunk[:-1])) or [per_chunk[-1]]
    text = (
        f"{start} to start the run, {'/'.join(map(str, others))} per chunk of up to "
        f"{services.CHUNK_SIZE} partnerships ({f.chunks} chunks)"
    )
    if per_chunk[-1] not in others:
        text += f"; the last chunk {per_chunk[-1]}, as it also completes the run"
    return text


def details(f: Figures) -> str:
    runs = ", ".join(f"{s:.2f}" for s in f.assessment_seconds)
    bounds = ", ".join(f"{s:.2f}" for s in f.lower_bound_seconds)
    return "\n".join(
        [
            f"  period {f.period_start:%B %Y}: {f.assessed:,} assessed, {f.skipped} skipped, "
            f"{f.failed} failed; {f.scorecards:,} scorecards written",
            f"  {f.measurements_read:,} measurements aggregated into {f.lower_bound_rows:,} "
            f"metric rows; lower bound's sums and latest values "
            f"{'equal' if f.bound_matches else 'DIFFER FROM'} the assessment's inputs",
            f"  queries per full assessment: {f.queries}: {_query_split(f)}",
            f"  assessment runs (s): {runs}; lower bound runs (s): {bounds}",
            *(
                [
                    f"  with the worker's {f.processes} processes (s): "
                    + ", ".join(f"{s:.2f}" for s in f.pooled_seconds)
                ]
                if f.pooled_seconds
                else []
            ),
            f"  then the worker's rebuild of the dashboards' read model, a task of its own "
            f"(not in the figures above): {f.read_model_seconds:.2f} s",
        ]
    )


# --- the command -----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tooling.benchmarks assessment",
        description=(
            "Benchmark a full assessment against its lower bound (one set-based SQL statement). "
            "WIPES the partnerships and assessment tables of the configured database; prefer "
            "`python -m tooling.benchmarks.runner assessment`, which uses throwaway servers."
        ),
    )
    parser.add_argument(
        "--partnerships",
        type=int,
        nargs="+",
        default=[1000, 10000, 100000],
        metavar="N",
        help="Portfolio sizes to build and assess, in turn (default: 1000 10000 100000).",
    )
    parser.add_argument("--months", type=int, default=48, help="Months of measurements.")
    parser.add_argument("--metrics", type=int, default=5, help="Metrics per partnership.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs (median).")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help=(
            "Also time the assessment with its chunks executed by this many processes, as "
            "the Celery worker's pool runs them (default: one per CPU, Celery's default); "
            "0 to skip."
        ),
    )
    parser.add_argument(
        "--i-know-this-wipes",
        action="store_true",
        dest="wipe",
        help="Run even though the database holds partnerships: they will be deleted.",
    )
    return parser


def main(argv: list[str], *, stdout=None) -> int:
    """Build a portfolio of each size INTO THE CONFIGURED DATABASE, time a full
    assessment of the last closed month next to the lower bound and print both
    and their ratio.

    Before each size it empties the partnerships and assessment tables (TRUNCATE …
    CASCADE), so it refuses to start (SystemExit) unless they are already empty or
    `--i-know-this-wipes` is given.
    """
    out = stdout or sys.stdout
    options = parser().parse_args(argv)
    sizes = options.partnerships
    if any(n < 1 for n in sizes) or min(options.months, options.metrics) < 1:
        raise SystemExit("Sizes, months and metrics must be positive.")
    if options.processes < 0:
        raise SystemExit("Processes: 0 (not measured) or more.")
    tables = tables_to_wipe()
    occupied = tables_with_rows(tables)
    if occupied and not options.wipe:
        raise SystemExit(
            f"The database {database_label()} is not empty ({', '.join(occupied)} "
            "have rows) and this benchmark deletes them. Use "
            "`python -m tooling.benchmarks.runner assessment` (throwaway servers), "
            "or pass --i-know-this-wipes."
        )
    # One line per run completed would break up the report.
    logging.getLogger("evaluation.services").setLevel(logging.WARNING)
    if settings.DEBUG:
        print("DEBUG is on: Django keeps every query; figures will be slower.", file=sys.stderr)

    server = server_settings()
    print(
        f"Database {database_label()}: PostgreSQL {server.get('server_version')}, "
        f"shared_buffers={server.get('shared_buffers')}, work_mem={server.get('work_mem')}, "
        f"jit={server.get('jit')}, fsync={server.get('fsync')}, "
        f"parallel workers per gather={server.get('max_parallel_workers_per_gather')}; "
        f"{os.cpu_count()} CPUs",
        file=out,
    )
    today = timezone.localdate()
    period = services.last_closed_month(today)
    print(
        f"Assessing {period.start:%B %Y}; {options.metrics} monthly metrics per "
        f"partnership, {options.months} months of measurements; median of "
        f"{options.repeat} timed runs after one untimed run of each side (see "
        "tooling/benchmarks/assessment.py `measure`).",
        file=out,
    )
    rows = []
    for size in sizes:
        truncate(tables)
        print(f"\n{size:,} partnerships: building…", file=out)
        portfolio = build_portfolio(
            partnerships=size,
            metrics_per_partnership=options.metrics,
            months=options.months,
            today=today,
        )
        print(
            f"  built {portfolio.measurements:,} measurements "
            f"({portfolio.first_month:%b %Y}–{portfolio.last_month:%b %Y}) "
            f"in {portfolio.seconds:.1f} s (COPY, then VACUUM ANALYZE); measuring…",
            file=out,
        )
        figures = measure(period.start, repeat=options.repeat, processes=options.processes)
        print(details(figures), file=out)
        rows.append((portfolio, figures))
    print("", file=out)
    print(table(rows), file=out)
    print(
        "\nassessment: run start + every chunk in turn, in this process (scorecards upserted); "
        "lower bound: one SQL statement aggregating the same measurements, rows fetched; "
        "processes: the same assessment with its chunks shared by the worker's processes.",
        file=out,
    )
    return 0
