"""What a dashboard costs a signed-in executive, next to its own SQL and the bare frame.

`build_dashboard_portfolio` fills an empty database with a portfolio the
dashboards can show (`tooling.benchmarks.portfolio`'s partnerships,
measurements and agreements, a lifecycle mix, several partners per partnership,
and twelve months of reviewed scorecards), all by COPY. `measure_pages` then
times, for each page:

- the page: GET requests through Django's whole stack, in this process, with
  `django.test.Client` signed in as an executive. The client goes through the
  same handler, middleware, URL resolution, view and template rendering as
  gunicorn's WSGI handler; it adds its own request building, which the empty
  view pays as well, so the comparison stays fair and the session cookie is
  handled for us (a RequestFactory would need it set by hand).
- the page's SQL alone: the statements of one request of the page, captured
  with `CaptureQueriesContext` and replayed on the driver's cursor in a
  transaction (rolled back), every row fetched.
- the frame: a page rendering only the base layout (`base.html`: the
  navigation, its permission checks, messages, the unread count), through the
  same middleware; served from `tooling.benchmarks.urls` (the site's URLs plus
  that page and an empty view), which `measure_pages` selects with
  `override_settings(ROOT_URLCONF=…)`, so the site never has them. The frame
  itself is measured against the empty view (`login_required`, an empty
  response).

The page should cost at most 1.5 × (its SQL + the frame) and grow by at most
1.5× from 1,000 to 10,000 partnerships (the cold portfolio by at most 1.3×
from 1,000 to 100,000). Nothing here asserts a time.

Where the time beyond the SQL went (cProfile around `Client.get`, Nov 2026):

- The frame, about 6 ms on a quiet machine: the middleware (session, user,
  permissions, pghistory's context wrapped around every statement) is about
  two thirds, base.html the rest.
- The ORM: a query costs about three times its statement, in Python —
  building the queryset, compiling it (columns, joins, ordering by related
  fields) and building model instances; a dozen of them are most of what the
  partner and partnership dashboards spend beyond the frame.
- Template nodes: each variable, filter and tag costs microseconds, each
  `{% include %}` a tenth of a millisecond; a chart's table as a loop per row
  and cell was most of the partnership dashboard, so charts and tables are
  rendered in one pass of Python (`dashboards/templatetags/dashboard_charts.py`).
  A `gettext` that finds no translation (every string in British English)
  walked a chain of seven catalogues (django-countries' fallback and the
  contrib apps' header-only `en` catalogues), 9 µs a message; without the
  empty ones (`core/catalogues.py`, Dec 2026) 3 µs.
- A statement read through a server-side cursor (`QuerySet.iterator()`, which
  Django's ModelChoiceIterator uses) is captured as its DECLARE only: the
  replay does not see the work, which happens at FETCH. The portfolio's owner
  filter did so and cost 10 ms at 10,000 partnerships beyond its "SQL"; it is
  now a plain query (a semi-join), counted and cheap.

    python -m tooling.benchmarks.runner dashboards [--partnerships 1000 10000 100000]
        [--pages NAME …] [--no-history]

runs it against throwaway servers (`make benchmark-dashboards ARGS="…"`);
`python -m tooling.benchmarks dashboards …` runs `main` against the configured
database, which it empties first (see `main`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role
from dashboards import readmodel
from dashboards.models import PortfolioFact, PortfolioTally
from evaluation.models import Scorecard
from partnerships.models import (
    Agreement,
    Measurement,
    MemberRole,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipMember,
    Stage,
)
from partnerships.periods import Frequency, Period

from .portfolio import (
    Portfolio,
    analyse,
    build_portfolio,
    build_scorecards,
    copy_model,
    database_label,
    server_settings,
    tables_to_wipe,
    tables_with_rows,
    truncate,
)

# The site's URLs plus the empty view and the frame, while pages are measured.
URLCONF = "tooling.benchmarks.urls"
DEFAULT_PAGES = ["dashboards:portfolio", "dashboards:partner", "dashboards:partnership"]
# Pages that keep aggregates in the cache: measured warm, and cold as well.
DEFAULT_COLD_PAGES = ("dashboards:portfolio",)

# One partnership in 25 is still potential and one in 25 has ended.
POTENTIAL_STAGES = [Stage.IDENTIFIED, Stage.OUTREACH, Stage.NEGOTIATING]
ENDED_STAGES = [(Stage.COMPLETED, "expired"), (Stage.FAILED, "terminated")]
CO_MEMBER_ROLES = [MemberRole.IMPLEMENTER, MemberRole.FUNDER, MemberRole.MEMBER]
# What Django logs for the request's own transaction (ATOMIC_REQUESTS). Not
# replayed one by one: the replay runs in a transaction of its own, which
# stands for them (a replayed COMMIT would end it half way).
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}


# --- building ------------------------------------------------------------------------


def build_dashboard_portfolio(
    *,
    partnerships: int,
    today: dt.date,
    months: int = 24,
    periods: int = 12,
    metrics_per_partnership: int = 5,
    seed: int = 1,
    history: bool = True,
) -> Portfolio:
    """Fill an empty database with a portfolio of `partnerships` for the dashboards.

    On top of `portfolio.build_portfolio` (`months` of measurements):
    one partnership in 25 is potential (its agreement still negotiated, no
    measurements), one in 25 ended two to six months before the last closed
    month (its agreement expired or terminated, no measurements after its end);
    two partnerships in three have one or two more partners (implementer,
    funder, member) besides their lead, so a partner is in one to three
    partnerships; then `build_scorecards` gives every partnership that was
    active its `periods` months of scorecards. `rows` counts what each table got.

    With `history` False the history triggers are switched off while it builds
    (`session_replication_role = replica`, which needs a superuser, as the
    throwaway servers' is): no page measured reads the history tables, and
    the hash chain of the history costs a write per row, one row after
    another, which would make the 100,000-partnership tier a matter of hours.
    """
    with _history_triggers(on=history):
        return _build(
            partnerships=partnerships,
            today=today,
            months=months,
            periods=periods,
            metrics_per_partnership=metrics_per_partnership,
            seed=seed,
        )


@contextlib.contextmanager
def _history_triggers(*, on: bool):
    if on:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")


def _build(*, partnerships, today, months, periods, metrics_per_partnership, seed) -> Portfolio:
    if months < 12 or not 1 <= periods <= months:
        raise ValueError("At least 12 months of measurements, and 1 to `months` of scorecards.")
    portfolio = build_portfolio(
        partnerships=partnerships,
        metrics_per_partnership=metrics_per_partnership,
        months=months,
        today=today,
        seed=seed,
    )
    started = time.perf_counter()
    last_month = Period.containing(portfolio.last_month, Frequency.MONTHLY)
    with transaction.atomic():
        _vary_lifecycle(partnerships, last_month)
        portfolio.rows["members"] += _add_members(partnerships, portfolio.first_month)
        # COPY fires the history triggers as any write does: each row has its event.
        for model in (Partner, Partnership):
            history = model.pgh_event_model.objects.count()
            portfolio.rows[f"{model._meta.verbose_name} history"] = history
        portfolio.measurements = portfolio.rows["measurements"] = Measurement.objects.count()
    # As autovacuum would after such changes, so the pages get the plans they would.
    analyse(
        [
            Partnership,
            PartnershipMember,
            Agreement,
            Measurement,
            Partner.pgh_event_model,
            Partnership.pgh_event_model,
        ]
    )
    portfolio.rows.update(build_scorecards(periods=periods, today=today, seed=seed))
    portfolio.seconds += time.perf_counter() - started
    return portfolio


@contextlib.contextmanager
def _status_moves_lifted():
    """The builder writes the status its made-up agreements end with, not a
    history of moves (a signed agreement never goes back to negotiating): as
    the table's owner, it lifts that trigger for one statement of its own
    transaction (`AgreementStatusMoves`); the pages measured never write."""
    table = connection.ops.quote_name(Agreement._meta.db_table)
    (trigger,) = (t for t in Agreement._meta.triggers if t.name == "status_moves")
    name = connection.ops.quote_name(trigger.get_pgid(Agreement))
    with connection.cursor() as cursor:
        # ALTER TABLE waits for no pending check: the deferred ones run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        try:
            yield
        finally:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _vary_lifecycle(partnerships: int, last_month: Period) -> None:
    potential, ended = {}, {}
    for i in range(1, partnerships + 1):
        if i % 25 == 7:
            potential.setdefault(POTENTIAL_STAGES[i // 25 % 3], []).append(i)
        elif i % 25 == 13:
            end = last_month
            for _ in range(2 + i // 25 % 5):
                end = end.previous()
            ended.setdefault((ENDED_STAGES[i // 25 % 2], end.end), []).append(i)
    for stage, ids in potential.items():
        Partnership.objects.filter(id__in=ids).update(stage=stage)
        with _status_moves_lifted():
            Agreement.objects.filter(partnership__in=ids).update(status="negotiating")
    # One statement over the join per group (the triggers record each row
    # deleted as history). An ended partnership's values after its end go
    # before the end date is written: PostgreSQL refuses an end date before
    # recorded values (migration partnerships/0025).
    t = {m.__name__: m._meta.db_table for m in (Measurement, OutcomeMetric, Objective)}
    delete = f"""
        DELETE FROM "{t["Measurement"]}" m
         USING "{t["OutcomeMetric"]}" om, "{t["Objective"]}" o
         WHERE m.metric_id = om.id AND om.objective_id = o.id
           AND o.partnership_id = ANY(%s)
           AND m.period_start > COALESCE(%s::date, '-infinity'::date)
    """
    with connection.cursor() as cursor:
        potential_ids = [i for ids in potential.values() for i in ids]
        cursor.execute(delete, [potential_ids, None])  # a potential one has no values yet
        for ((stage, agreement_status), end_date), ids in ended.items():
            cursor.execute(delete, [ids, end_date])
            Partnership.objects.filter(id__in=ids).update(stage=stage, end_date=end_date)
            Agreement.objects.filter(partnership__in=ids).update(
                status=agreement_status, expiry_date=end_date
            )


def _add_members(partnerships: int, joined_on: dt.date) -> int:
    """One or two co-members for two partnerships in three, drawn from the other
    partners a third and two thirds of the portfolio away (another sector and
    country, so partnerships span sectors)."""
    step = max(1, partnerships // 3)

    def rows():
        member_id = partnerships  # build_portfolio gave the lead members 1..n
        for i in range(1, partnerships + 1):
            chosen = {i}
            for k in range(1, i % 3 + 1):
                partner = (i - 1 + k * step) % partnerships + 1
                if partner in chosen:
                    continue
                chosen.add(partner)
                member_id += 1
                yield (member_id, i, partner, CO_MEMBER_ROLES[(i + k) % 3])

    added = copy_model(
        PartnershipMember,
        rows(),
        ["id", "partnership_id", "partner_id", "role"],
        {"joined_on": joined_on},
    )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [PartnershipMember]):
            cursor.execute(statement)
    return added


def _rebuild_read_model() -> float:
    """Write the portfolio's read model, as `manage.py rebuild_dashboards` does
    after an install (the COPY above bypassed the hooks that keep it); seconds."""
    started = time.perf_counter()
    readmodel.rebuild()
    seconds = time.perf_counter() - started
    analyse([PortfolioFact, PortfolioTally])
    return seconds


def bench_executive():
    """The executive the pages are requested as."""
    user, _ = get_user_model().objects.get_or_create(
        username="bench-executive", defaults={"first_name": "Benchmark", "last_name": "Executive"}
    )
    user.groups.add(Group.objects.get(name=Role.EXECUTIVE))
    return user


def representative_partner() -> tuple[int, str]:
    """The partner in the median number of partnerships (ties: the lowest id)."""
    partners = Partner.objects.annotate(memberships_count=Count("memberships")).order_by(
        "memberships_count", "id"
    )
    middle = partners[partners.count() // 2]
    return middle.pk, (
        f"partner {middle.pk} ({middle.name}): in {middle.memberships_count} partnerships"
    )


def representative_partnership() -> tuple[int, str]:
    """Of the partnerships with scorecards, the one with the median number of
    members, then of metrics (ties: the lowest id)."""
    scored = Partnership.objects.filter(
        Exists(Scorecard.objects.filter(partnership=OuterRef("pk")))
    )
    ranked = scored.annotate(
        members_count=Count("members", distinct=True),
        metrics_count=Count("objectives__metrics", distinct=True),
    ).order_by("members_count", "metrics_count", "id")
    middle = ranked[ranked.count() // 2]
    scorecards = Scorecard.objects.filter(partnership=middle).count()
    return middle.pk, (
        f"partnership {middle.pk} ({middle.title}): {middle.members_count} members, "
        f"{middle.metrics_count} metrics, {scorecards} scorecards"
    )


# --- measuring -------------------------------------------------------------------------


def percentile_95(samples: list[float]) -> float:
    """Nearest rank: the smallest sample at or above 95 % of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile_95(self.samples)


@dataclass
class PageFigures:
    name: str  # the URL name asked for
    cache: str  # "warm", "cold" (cleared before each request) or "" (not measured cold)
    url: str
    status: int
    queries: int
    rows: int  # fetched by the page's queries
    page: Timing
    sql: Timing
    empty: Timing  # the frame (the empty view for the frame), timed in the same rounds
    slowest: list[tuple[float, int, str]]  # (seconds, rows, statement) of one replay

    @property
    def label(self) -> str:
        return f"{self.name} ({self.cache} cache)" if self.cache else self.name

    @property
    def ratio(self) -> float:
        return self.page.median / (self.sql.median + self.empty.median)


@dataclass
class SizeFigures:
    partnerships: int
    portfolio: Portfolio
    frame: PageFigures | None = None  # base.html with nothing in it, against the empty view
    pages: list[PageFigures] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # representatives, skipped pages


def measure_pages(
    pages: list[str],
    *,
    portfolio: Portfolio,
    requests: int = 30,
    warmup: int = 5,
    cold_pages=DEFAULT_COLD_PAGES,
) -> SizeFigures:
    """Time each page of `pages` (URL names, optionally with `?query`) against the
    portfolio in the database. A name that does not resolve is noted and skipped.

    A page with an object takes the representative partner or partnership (by
    its name: "partnership" or "partner"). After `warmup` untimed rounds, each
    of `requests` rounds times the page, its SQL replay and the frame one
    after the other, so a burst of load on the machine falls on all three alike.
    """
    partner_id, partner_note = representative_partner()
    partnership_id, partnership_note = representative_partnership()
    figures = SizeFigures(
        partnerships=Partnership.objects.count(),
        portfolio=portfolio,
        notes=[f"representative {partner_note}", f"representative {partnership_note}"],
    )
    client = Client(HTTP_HOST=_allowed_host())
    client.force_login(bench_executive())
    with override_settings(ROOT_URLCONF=URLCONF):
        empty = reverse("benchmark_empty")
        if _get(client, empty).status_code != 200:
            raise RuntimeError("The empty view did not answer 200: the executive is not signed in.")
        frame = reverse("benchmark_frame")
        figures.frame = _measure_page(client, "frame", frame, "", empty, requests, warmup)
        # What a page costs beyond its queries is measured against the frame.
        if figures.frame.status != 200:
            raise RuntimeError("The frame did not answer 200.")
        for name in pages:
            try:
                url = page_url(name, partner_id=partner_id, partnership_id=partnership_id)
            except NoReverseMatch:
                figures.notes.append(f"skipped {name}: the URL name does not resolve here")
                continue
            for variant in ["warm", "cold"] if name in cold_pages else [""]:
                figures.pages.append(
                    _measure_page(client, name, url, variant, frame, requests, warmup)
                )
    return figures


def _allowed_host() -> str:
    """A host the site answers to, as a browser on the server's address would send."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "127.0.0.1"


def page_url(name: str, *, partner_id: int, partnership_id: int) -> str:
    name, _, query = name.partition("?")
    try:
        url = reverse(name)
    except NoReverseMatch:
        leaf = name.rsplit(":", 1)[-1]
        if "partnership" in leaf:
            url = reverse(name, args=[partnership_id])
        elif "partner" in leaf:
            url = reverse(name, args=[partner_id])
        else:
            raise
    return f"{url}?{query}" if query else url


def _get(client: Client, url: str):
    response = client.get(url)
    # A streamed page is not served until it has been read.
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _measure_page(client, name, url, variant, baseline, requests, warmup) -> PageFigures:
    def clear():
        # Untimed: clearing the cache is not the page's cost.
        if variant == "cold":
            cache.clear()

    for _ in range(warmup):
        clear()
        _get(client, url)
        _get(client, baseline)
    clear()
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url)
    statements = [
        q["sql"] for q in captured.captured_queries if q["sql"] not in TRANSACTION_CONTROL
    ]
    slowest, rows = _replay_each(statements)
    for _ in range(warmup):
        _replay(statements)

    page, sql, beside = Timing(), Timing(), Timing()
    for _ in range(max(1, requests)):
        clear()
        page.samples.append(_seconds(lambda: _get(client, url)))
        sql.samples.append(_seconds(lambda: _replay(statements)))
        beside.samples.append(_seconds(lambda: _get(client, baseline)))
    return PageFigures(
        name=name,
        cache=variant,
        url=url,
        status=response.status_code,
        queries=len(statements),
        rows=rows,
        page=page,
        sql=sql,
        empty=beside,
        slowest=slowest[:3],
    )


def _replay(statements: list[str]) -> int:
    """Run the statements on the driver's cursor, in a transaction as the page
    does (ATOMIC_REQUESTS), fetch every row, roll back; the rows fetched."""
    rows = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for sql in statements:
                raw.execute(sql)
                if raw.description is not None:
                    rows += len(raw.fetchall())
        transaction.set_rollback(True)
    return rows


def _replay_each(statements: list[str]) -> tuple[list[tuple[float, int, str]], int]:
    """One untimed-for-the-table replay, statement by statement: the slowest first."""
    each = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for sql in statements:
                started = time.perf_counter()
                raw.execute(sql)
                rows = len(raw.fetchall()) if raw.description is not None else 0
                each.append((time.perf_counter() - started, rows, sql))
        transaction.set_rollback(True)
    return sorted(each, key=lambda e: -e[0]), sum(e[1] for e in each)


# --- reporting -------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(sizes: list[SizeFigures]) -> str:
    """One line per page and size; growth compares a page's median with the
    first size's."""
    head = (
        f"{'page':<44} {'partnerships':>12} {'status':>6} {'queries':>7} {'rows':>7} "
        f"{'page ms':>8} {'p95':>7} {'SQL ms':>7} {'p95':>7} {'frame ms':>8} "
        f"{'ratio':>6} {'growth':>6}"
    )
    lines = [head, "-" * len(head)]
    first = {page.label: page for page in sizes[0].pages} if sizes else {}
    for size in sizes:
        for page in size.pages:
            base = first.get(page.label)
            growth = (
                f"{page.page.median / base.page.median:>5.2f}×"
                if base is not None and size is not sizes[0]
                else f"{'':>6}"
            )
            lines.append(
                f"{page.label:<44} {size.partnerships:>12,} {page.status:>6} {page.queries:>7} "
                f"{page.rows:>7,} "
                f"{_ms(page.page.median):>8} {_ms(page.page.p95):>7} "
                f"{_ms(page.sql.median):>7} {_ms(page.sql.p95):>7} "
                f"{_ms(page.empty.median):>8} {page.ratio:>5.2f}× {growth}"
            )
    return "\n".join(lines)


def details(size: SizeFigures) -> str:
    built = ", ".join(f"{count:,} {name}" for name, count in size.portfolio.rows.items())
    lines = [
        f"  built in {size.portfolio.seconds:.1f} s: {built}",
        *(f"  {note}" for note in size.notes),
    ]
    if size.frame is not None:
        frame = size.frame
        lines.append(
            f"  the site's frame (a page of base.html alone): {frame.queries} queries, "
            f"median {_ms(frame.page.median)} ms, p95 {_ms(frame.page.p95)} ms, its SQL "
            f"{_ms(frame.sql.median)} ms, the empty view {_ms(frame.empty.median)} ms "
            f"({frame.ratio:.2f}×)"
        )
    for page in size.pages:
        lines.append(
            f"  {page.label}: GET {page.url} → {page.status}; {page.queries} queries, "
            f"{page.rows:,} rows; the frame beside it: median {_ms(page.empty.median)} ms, "
            f"p95 {_ms(page.empty.p95)} ms; slowest statements:"
        )
        if page.status != 200:
            lines.append(f"      NOT 200: these figures are not the page's ({page.status})")
        for seconds, rows, sql in page.slowest:
            statement = " ".join(sql.split())
            lines.append(f"      {_ms(seconds):>7} ms {rows:>6,} rows  {statement[:110]}")
    return "\n".join(lines)


# --- the command -----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tooling.benchmarks dashboards",
        description=(
            "Time the dashboards (median and p95) against their SQL and the bare frame, at "
            "1,000 and 10,000 partnerships. WIPES the partnerships and assessment tables of "
            "the configured database; prefer `python -m tooling.benchmarks.runner dashboards`."
        ),
    )
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
        default=DEFAULT_PAGES,
        metavar="URL_NAME",
        help=(
            "URL names to measure, optionally with ?query (default: the three dashboards). "
            "A name with `partnership` or `partner` gets the representative one."
        ),
    )
    parser.add_argument(
        "--cold",
        nargs="*",
        default=list(DEFAULT_COLD_PAGES),
        metavar="URL_NAME",
        help="Pages measured a second time with the cache cleared before each request.",
    )
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests first.")
    parser.add_argument("--months", type=int, default=24, help="Months of measurements.")
    parser.add_argument("--periods", type=int, default=12, help="Months of scorecards.")
    parser.add_argument("--metrics", type=int, default=5, help="Metrics per partnership.")
    parser.add_argument(
        "--no-history",
        action="store_false",
        dest="history",
        help=(
            "Build without the history triggers (no page measured reads them; the hash "
            "chain makes a 100,000-partnership build take hours)."
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
    """Build a portfolio of each size INTO THE CONFIGURED DATABASE (with twelve
    months of scorecards), then time each page for a signed-in executive next to
    its SQL alone and the bare frame, and print one table.

    Before each size it empties the partnerships and assessment tables (TRUNCATE …
    CASCADE) and clears the cache, so it refuses to start (SystemExit) unless they
    are already empty or `--i-know-this-wipes` is given.
    """
    out = stdout or sys.stdout
    options = parser().parse_args(argv)
    sizes = options.partnerships
    if any(n < 1 for n in sizes) or options.requests < 1 or options.warmup < 0:
        raise SystemExit("Sizes and requests must be positive.")
    tables = tables_to_wipe()
    occupied = tables_with_rows(tables)
    if occupied and not options.wipe:
        raise SystemExit(
            f"The database is not empty ({', '.join(occupied)} have rows) and this "
            "benchmark deletes them. Use `python -m tooling.benchmarks.runner dashboards` "
            "(throwaway servers), or pass --i-know-this-wipes."
        )
    if settings.DEBUG:
        print("DEBUG is on: Django keeps every query; figures will be slower.", file=sys.stderr)

    server = server_settings()
    print(
        f"Database {database_label()}: PostgreSQL {server.get('server_version')}, "
        f"shared_buffers={server.get('shared_buffers')}, jit={server.get('jit')}, "
        f"fsync={server.get('fsync')}; cache {settings.CACHES['default']['BACKEND']}; "
        f"{os.cpu_count()} CPUs",
        file=out,
    )
    print(
        f"Each page: {options.warmup} untimed then {options.requests} timed GETs "
        "through django.test.Client (whole middleware stack, in process) signed in as an "
        "executive; its SQL: the statements of one request replayed on the driver's cursor, "
        "rows fetched, in a transaction of its own like the request's (BEGIN/COMMIT are "
        "not counted as queries); the frame: base.html alone (navigation, messages, "
        "unread count), itself timed against an empty view (login_required, empty response).",
        file=out,
    )
    today = timezone.localdate()
    measured = []
    for size in sizes:
        truncate(tables)
        # Aggregates cached for the last size must not answer for this one.
        cache.clear()
        print(f"\n{size:,} partnerships: building…", file=out)
        try:
            portfolio = build_dashboard_portfolio(
                partnerships=size,
                today=today,
                months=options.months,
                periods=options.periods,
                metrics_per_partnership=options.metrics,
                history=options.history,
            )
        except ValueError as error:
            raise SystemExit(str(error)) from error
        print(
            f"  built in {portfolio.seconds:.1f} s; the dashboards' read model "
            f"(`manage.py rebuild_dashboards`) written in {_rebuild_read_model():.1f} s; "
            "measuring…",
            file=out,
        )
        figures = measure_pages(
            options.pages,
            portfolio=portfolio,
            requests=options.requests,
            warmup=options.warmup,
            cold_pages=options.cold,
        )
        print(details(figures), file=out)
        measured.append(figures)
    print("", file=out)
    print(table(measured), file=out)
    print(
        "\nms: median and p95 server time of the page, of its SQL alone, and the median "
        "of the frame (base.html alone); ratio = page / (SQL + frame), aim ≤ 1.5×; growth = "
        f"this size's page median / {sizes[0]:,} partnerships', aim ≤ 1.5× (the cold "
        "portfolio ≤ 1.3× up to 100,000). "
        "Warm cache: after the warm-up requests filled it; cold cache: cleared before each "
        "request (PostgreSQL's buffers stay warm). Pages not marked were measured as they "
        "come after the warm-up.",
        file=out,
    )
    return 0
