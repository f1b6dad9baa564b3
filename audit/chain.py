"""Checking the hash chain of every event table (see core.models)."""

from __future__ import annotations

from dataclasses import dataclass

import pghistory.core
from django.db import connection

from core.models import CHAIN_HASH_FUNCTION


@dataclass(frozen=True)
class ChainReport:
    table: str
    rows: int
    first_broken: int | None  # the pgh_id of the first row whose hash does not follow
    head: str | None  # the newest row's hash: written down elsewhere, it pins the tail

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify_table(table: str) -> ChainReport:
    """Recompute each row's hash from the stored hash of the row before it, with
    the function the trigger used; a row whose stored hash differs was forged,
    rewritten, or follows a row that was removed."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH links AS (
                SELECT
                    e.pgh_id,
                    e.pgh_hash,
                    e.pgh_hash IS NOT DISTINCT FROM {CHAIN_HASH_FUNCTION}(
                        lag(e.pgh_hash) OVER (ORDER BY e.pgh_id), e
                    ) AS follows
                FROM {quoted} e
            )
            SELECT
                count(*),
                min(pgh_id) FILTER (WHERE NOT follows),
                (SELECT pgh_hash FROM links ORDER BY pgh_id DESC LIMIT 1)
            FROM links
            """
        )
        rows, first_broken, head = cursor.fetchone()
    return ChainReport(table=table, rows=rows, first_broken=first_broken, head=head)


def event_tables() -> list[str]:
    return sorted(model._meta.db_table for model in pghistory.core.event_models())


def verify_all() -> list[ChainReport]:
    return [verify_table(table) for table in event_tables()]
