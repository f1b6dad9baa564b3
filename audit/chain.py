"""Checking the hash chain of every event table (see core.models).

Each row is hashed, when it is written, over every column its table has then.
A later migration may add a column to a tracked model, and so to its history
table: the rows written before were hashed without it. `record_event_columns`
(after every migration run) notes from which row each column counts, and
`verify_table` checks each row over the columns it was hashed with.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import pghistory.core
from django.db import connections, transaction

from core.models import CHAIN_HASH_FUNCTION, CHAIN_HASH_WITHOUT_FUNCTION, CHAIN_LOCK

from .models import ChainColumn

logger = logging.getLogger(__name__)

# The row's own link: never part of what is hashed.
HASH_COLUMN = "pgh_hash"


@dataclass(frozen=True)
class ChainReport:
    table: str
    rows: int
    first_broken: int | None  # the pgh_id of the first row whose hash does not follow
    head: str | None  # the newest row's hash: written down elsewhere, it pins the tail

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def _later_columns(table: str, using: str) -> list[tuple[int, list[str]]]:
    """[(since_event, columns the rows before it were hashed without)], oldest
    first: for a row, the first entry whose since_event is past its id."""
    added = sorted(
        ChainColumn.objects.using(using)
        .filter(table_name=table, since_event__gt=0)
        .values_list("since_event", "column_name")
    )
    return [
        (since, [column for later, column in added if later >= since])
        for since in sorted({since for since, _ in added})
    ]


def _expected_hash_sql(table: str, using: str) -> tuple[str, list]:
    """The hash row `e` should have on the previous row's, over the columns it
    was written with (window `w`: the table in chain order), and its parameters."""
    previous = "lag(e.pgh_hash) OVER w"
    written = f"{CHAIN_HASH_FUNCTION}({previous}, e)"
    steps = _later_columns(table, using)
    if not steps:
        return written, []
    cases = " ".join(
        f"WHEN e.pgh_id < %s THEN {CHAIN_HASH_WITHOUT_FUNCTION}({previous}, e, %s::text[])"
        for _ in steps
    )
    return (
        f"CASE {cases} ELSE {written} END",
        [value for since, columns in steps for value in (since, columns)],
    )


def verify_table(table: str, *, using: str = "default") -> ChainReport:
    """Recompute each row's hash from the stored hash of the row before it, with
    the function the trigger used; a row whose stored hash differs was forged,
    rewritten, or follows a row that was removed."""
    connection = connections[using]
    quoted = connection.ops.quote_name(table)
    expected, params = _expected_hash_sql(table, using)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH links AS (
                SELECT e.pgh_id, e.pgh_hash, e.pgh_hash IS NOT DISTINCT FROM {expected} AS follows
                FROM {quoted} e
                WINDOW w AS (ORDER BY e.pgh_id)
            )
            SELECT
                count(*),
                min(pgh_id) FILTER (WHERE NOT follows),
                (SELECT pgh_hash FROM links ORDER BY pgh_id DESC LIMIT 1)
            FROM links
            """,
            params,
        )
        rows, first_broken, head = cursor.fetchone()
    return ChainReport(table=table, rows=rows, first_broken=first_broken, head=head)


def event_tables() -> list[str]:
    return sorted(model._meta.db_table for model in pghistory.core.event_models())


def verify_all(*, using: str = "default") -> list[ChainReport]:
    return [verify_table(table, using=using) for table in event_tables()]


def _first_row_with_every_column(table: str, using: str) -> int:
    """The id after the last row whose hash does not cover every column the
    table has now: the first row a column added just now counts from."""
    connection = connections[using]
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT coalesce(max(pgh_id) FILTER (WHERE NOT follows), 0) + 1
              FROM (
                    SELECT e.pgh_id, e.pgh_hash IS NOT DISTINCT FROM
                           {CHAIN_HASH_FUNCTION}(lag(e.pgh_hash) OVER (ORDER BY e.pgh_id), e)
                           AS follows
                      FROM {quoted} e
                   ) AS links
            """
        )
        return cursor.fetchone()[0]


def record_event_columns(*, using: str = "default") -> list[ChainColumn]:
    """Note the columns each history table has gained since the last time, and
    from which row on its chain covers them (`verify_table`).

    Run after every migration run (post_migrate). A table seen for the first
    time has its columns count from its first row. A column added since counts
    from the row after the last one hashed without it: a migration's own
    writes after it added the column (a data migration) are hashed with it.
    The table's chain lock is held meanwhile, so no row is written in between.
    """
    connection = connections[using]
    if ChainColumn._meta.db_table not in connection.introspection.table_names():
        return []  # migrated back to before the record existed
    tables = event_tables()
    present, known = defaultdict(set), defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            [tables],
        )
        for table, column in cursor.fetchall():
            if column != HASH_COLUMN:
                present[table].add(column)
    for table, column in ChainColumn.objects.using(using).values_list("table_name", "column_name"):
        known[table].add(column)
    recorded = []
    with transaction.atomic(using=using):
        for table in tables:
            added = present[table] - known[table]
            if known[table] - present[table]:
                logger.warning(
                    "History table %s lost the columns %s: its rows hashed with them "
                    "can no longer be checked",
                    table,
                    ", ".join(sorted(known[table] - present[table])),
                )
            if not added:
                continue
            since = 0
            if known[table]:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
                        [CHAIN_LOCK, table],
                    )
                since = _first_row_with_every_column(table, using)
            recorded += [
                ChainColumn(table_name=table, column_name=column, since_event=since)
                for column in sorted(added)
            ]
        ChainColumn.objects.using(using).bulk_create(recorded)
    return recorded


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    record_event_columns(using=using)
