"""Whether another transaction holds a row: asked from a second connection."""

import threading

from django.db import OperationalError, connections, transaction


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
