"""Whether another transaction holds a row: asked from a second connection;
and two transactions made to meet at a unique index."""

import threading
import time

from django.db import OperationalError, connection, connections, transaction


def locked_elsewhere(model, pk, *, share: bool = False) -> bool:
    """Whether a transaction other than a fresh one holds a lock on the row
    that a second connection, in its own thread, cannot take with NOWAIT: FOR
    UPDATE (as a change of the row takes), or with `share` FOR SHARE (as a
    value entered for a partnership holds its start date). Call it from inside
    the transaction under test."""
    answers: list[bool | BaseException] = []

    def probe():
        try:
            with transaction.atomic():
                if share:
                    table = connections["default"].ops.quote_name(model._meta.db_table)
                    with connections["default"].cursor() as cursor:
                        cursor.execute(
                            f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE NOWAIT", [pk]
                        )
                else:
                    list(
                        model.objects.select_for_update(nowait=True)
                        .filter(pk=pk)
                        .order_by()
                        .values_list("pk", flat=True)
                    )
            answers.append(False)
        except OperationalError as error:
            answers.append(True if "could not obtain lock" in str(error) else error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    (answer,) = answers
    if isinstance(answer, BaseException):
        raise answer
    return answer


def waiting_on_a_lock() -> bool:
    """Whether a connection to the test database waits on a lock now."""
    with connection.cursor() as cursor:
        # Read afresh: within a transaction PostgreSQL answers from the
        # snapshot of the statistics it took when first asked.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def second_while_first_commits(first, second):
    """Two people saving the same unique value at the same moment, made
    certain rather than likely: `first()` runs in a transaction held open,
    uncommitted, while `second()`, in a thread of its own (its own
    connection), checks (it sees nothing yet) and waits on the unique index;
    then the first commits. Returns what `second()` raised (None if nothing)."""
    raised = []

    def run():
        try:
            second()
        except Exception as error:
            raised.append(error)
        finally:
            connection.close()  # the thread's own connection

    with transaction.atomic():
        first()
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 10
        while not waiting_on_a_lock():
            assert thread.is_alive(), f"the second save did not wait: {raised}"
            assert time.monotonic() < deadline, "the second save never waited on the first"
            time.sleep(0.02)
    thread.join(timeout=10)
    assert not thread.is_alive()
    return raised[0] if raised else None
