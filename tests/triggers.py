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
