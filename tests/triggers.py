"""Rows written as they were before a trigger held their rule."""

import contextlib

from django.db import connection


@contextlib.contextmanager
def before_the_rule():
    """Write rows as they were written before the rule: with the triggers
    off for the statements inside, as a replica writes."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL session_replication_role = origin")


def sql_each(function: str, cases) -> list:
    """PostgreSQL's `function(day, frequency)` for each (day, frequency) of
    `cases`, in their order: a trigger's SQL function, to hold against Python's."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(day, frequency) "
            "FROM unnest(%s::date[], %s::text[]) WITH ORDINALITY AS c (day, frequency, n) "
            "ORDER BY n",
            [[day for day, _ in cases], [str(frequency) for _, frequency in cases]],
        )
        return [result for (result,) in cursor.fetchall()]
