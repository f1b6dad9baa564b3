"""A bulk write (one statement for many rows: INSERT … SELECT, UPDATE, COPY)
leaves one event per row, chained like any other, and costs one statement of
history, not one per row; two writers at once still make one chain."""

import threading

import pghistory
import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.utils import InternalError
from pghistory.models import Context

from audit.chain import verify_all, verify_table
from core.copy import insert_with_history
from partnerships.models import Partner
from tests.factories import PartnerFactory, PartnershipFactory

PartnerEvent = Partner.pgh_event_model
TABLE = PartnerEvent._meta.db_table
PARTNERS = Partner._meta.db_table
ROWS = 300


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def labels() -> dict[str, int]:
    return {
        label: PartnerEvent.objects.filter(pgh_label=label).count()
        for label in ("insert", "update", "delete")
    }


def assert_intact():
    report = verify_table(TABLE)
    assert report.intact, f"chain broken at event {report.first_broken}"
    return report


def history_trigger_calls() -> dict[str, int]:
    """How often each history trigger of the partners has run: PostgreSQL counts
    the calls of PL/pgSQL functions once track_functions says so (counts not yet
    flushed by an earlier transaction included: compare two readings taken in
    one transaction)."""
    execute("SET LOCAL track_functions = 'pl'")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, coalesce(f.calls, 0) FROM pg_trigger t"
            " LEFT JOIN pg_stat_xact_user_functions f ON f.funcid = t.tgfoid"
            " WHERE t.tgrelid = %s::regclass AND t.tgname LIKE 'pgtrigger_%%'"
            " AND t.tgname NOT LIKE 'pgtrigger_primary_key_kept_%%'",
            [PARTNERS],
        )
        return {name.split("_")[1]: calls for name, calls in cursor.fetchall()}


def runs_since(before: dict[str, int]) -> dict[str, int]:
    return {op: calls - before[op] for op, calls in history_trigger_calls().items()}


def insert_select(count: int, prefix: str = "Bulk"):
    """One INSERT … SELECT of `count` partners, copied from a factory-made one."""
    template = PartnerFactory(name=f"{prefix} template")
    columns = [f.column for f in Partner._meta.concrete_fields if not f.primary_key]
    varying = {"name": f"'{prefix} ' || g"}
    select = ", ".join(varying.get(column, f'p."{column}"') for column in columns)
    quoted = ", ".join(f'"{column}"' for column in columns)
    execute(
        f"INSERT INTO {PARTNERS} ({quoted}) "
        f"SELECT {select} FROM {PARTNERS} p, generate_series(1, %s) g WHERE p.id = %s",
        [count, template.pk],
    )


@pytest.mark.django_db
def test_one_statement_of_many_rows_leaves_one_chained_event_per_row(
    django_assert_num_queries,
):
    before = history_trigger_calls()
    insert_select(ROWS)  # the template, then one statement
    with django_assert_num_queries(1):
        Partner.objects.filter(name__startswith="Bulk ").update(city="Mombasa")
    with django_assert_num_queries(1):
        execute(f"DELETE FROM {PARTNERS} WHERE name LIKE 'Bulk %%' AND id %% 2 = 0")

    # One run of each history trigger per statement, not per row.
    assert runs_since(before) == {"insert": 2, "update": 1, "delete": 1}
    kept = Partner.objects.filter(name__startswith="Bulk ").count()
    assert labels() == {"insert": ROWS + 1, "update": ROWS + 1, "delete": ROWS + 1 - kept}
    updated = PartnerEvent.objects.filter(pgh_label="update")
    assert set(updated.values_list("city", flat=True)) == {"Mombasa"}
    assert updated.values("pgh_obj_id").distinct().count() == ROWS + 1
    assert assert_intact().rows == 3 * (ROWS + 1) - kept


@pytest.mark.django_db
def test_a_copy_leaves_one_chained_event_per_row():
    before = history_trigger_calls()

    def copy(count: int, prefix: str):
        partners = [
            Partner(
                name=f"{prefix} {i}",
                kind="hospital",
                organisation_type="15",
                sector="government",
                country="KE",
                city="Nairobi",
                languages=["en"],
                time_zone="Africa/Nairobi",
            )
            for i in range(count)
        ]
        insert_with_history(Partner, partners, user=None)

    copy(5, "Few")
    copy(ROWS, "Many")

    assert runs_since(before)["insert"] == 2  # one per COPY
    assert labels()["insert"] == ROWS + 5
    assert PartnerEvent.objects.filter(name__startswith="Many ").count() == ROWS
    assert_intact()


@pytest.mark.django_db
def test_writes_in_savepoints_rolled_back_or_kept_still_chain():
    PartnerFactory(name="Before")
    with transaction.atomic():
        PartnerFactory(name="Outer")
        with pytest.raises(RuntimeError), transaction.atomic():
            insert_select(20, prefix="Undone")
            raise RuntimeError("rolled back to the savepoint")
        with transaction.atomic():
            insert_select(20, prefix="Kept")
        PartnerFactory(name="After")

    assert not PartnerEvent.objects.filter(name__startswith="Undone").exists()
    assert PartnerEvent.objects.filter(name__startswith="Kept").count() == 21
    assert_intact()


@pytest.mark.django_db
def test_one_transaction_writing_several_tables_in_turn_keeps_each_chain():
    with transaction.atomic():
        for index in range(3):
            PartnerFactory(name=f"Turn {index}")
            PartnershipFactory(title=f"Turn {index}")
            insert_select(10, prefix=f"Turn {index}")

    reports = verify_all()
    assert [report.table for report in reports if not report.intact] == []
    assert sum(report.rows for report in reports if report.table == TABLE) >= 3 * 12


@pytest.mark.django_db
def test_a_row_tampered_inside_a_bulk_written_chain_breaks_it_at_that_row():
    insert_select(ROWS)
    ids = list(PartnerEvent.objects.order_by("pgh_id").values_list("pgh_id", flat=True))
    middle = ids[len(ids) // 2]
    execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    execute(f"UPDATE {TABLE} SET city = 'Kisumu' WHERE pgh_id = %s", [middle])
    execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")

    assert verify_table(TABLE).first_broken == middle
    with pytest.raises(CommandError, match=f"table {TABLE}, event {middle}"):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_are_refused_under_an_older_snapshot():
    """Under REPEATABLE READ a writer could chain onto a row that is no longer
    the newest: it is refused, naming the table."""
    PartnerFactory(name="First")
    with pytest.raises(InternalError, match=TABLE), transaction.atomic():
        execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        PartnerFactory(name="Too late")


@pytest.mark.django_db
def test_the_history_context_lives_in_the_event_rows_not_a_shared_table(alice):
    partner = PartnerFactory(name="Seen")
    with pghistory.context(user=alice.pk, url="/somewhere/"):
        Partner.objects.filter(pk=partner.pk).update(city="Kisumu")

    event = PartnerEvent.objects.get(pgh_obj=partner, pgh_label="update")
    assert (event.pgh_context["user"], event.pgh_context["url"]) == (alice.pk, "/somewhere/")
    assert not Context.objects.exists()


def _waiting_for_the_chain_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND locktype = 'advisory'"
            " AND NOT granted)",
            [pid],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_writing_at_once_make_one_unforked_chain():
    """The first writer holds the table's chain lock to its commit; the second,
    which started writing meanwhile, waits for it and chains onto its last row."""
    PartnerFactory(name="Before")
    first_wrote, second_started = threading.Event(), threading.Event()
    second_pid, errors = [], []

    def first():
        try:
            with transaction.atomic():
                insert_select(50, prefix="First")
                first_wrote.set()
                assert second_started.wait(timeout=30)
                # Commit only once the second is blocked on the chain lock.
                for _ in range(3000):
                    if second_pid and _waiting_for_the_chain_lock(second_pid[0]):
                        break
                    threading.Event().wait(0.01)
                else:
                    raise AssertionError("the second writer never waited for the lock")
                insert_select(50, prefix="First again")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    def second():
        try:
            assert first_wrote.wait(timeout=30)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    second_pid.append(cursor.fetchone()[0])
                second_started.set()
                insert_select(50, prefix="Second")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    report = assert_intact()
    assert report.rows == 1 + 3 * 51
    first_ids = PartnerEvent.objects.filter(name__startswith="First").values_list(
        "pgh_id", flat=True
    )
    second_ids = PartnerEvent.objects.filter(name__startswith="Second").values_list(
        "pgh_id", flat=True
    )
    assert max(first_ids) < min(second_ids)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trigger", "statement"),
    [
        ("append_only_update", f"UPDATE {TABLE} SET name = 'Forged'"),
        ("append_only_delete", f"DELETE FROM {TABLE}"),
    ],
    ids=["update", "delete"],
)
def test_no_session_setting_switches_off_the_append_only_triggers(trigger, statement):
    """pgtrigger lets a session skip a trigger through its `pgtrigger.ignore`
    setting; the history's triggers do not listen to it."""
    PartnerFactory(name="Kept")

    with (
        pytest.raises(InternalError, match=TABLE),
        pgtrigger.ignore(f"{PartnerEvent._meta.label}:{trigger}"),
        transaction.atomic(),
    ):
        execute(statement)

    assert list(PartnerEvent.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.django_db
def test_no_statement_changes_a_tracked_rows_primary_key_unseen():
    """The history pairs a row's old and new values by primary key: a key changed
    by raw SQL would leave no update event, so PostgreSQL refuses it."""
    partner = PartnerFactory(name="Keeps its key")
    events = PartnerEvent.objects.count()

    with pytest.raises(InternalError, match="primary_key_kept"), transaction.atomic():
        execute(f"UPDATE {PARTNERS} SET id = id + 1000000 WHERE id = %s", [partner.pk])

    assert Partner.objects.filter(pk=partner.pk, name="Keeps its key").exists()
    assert PartnerEvent.objects.count() == events
    # Any other change of the row goes through, with its event.
    execute(f"UPDATE {PARTNERS} SET name = 'Renamed' WHERE id = %s", [partner.pk])
    assert PartnerEvent.objects.filter(pgh_obj_id=partner.pk, pgh_label="update").count() == 1
