"""A migration that adds a field to a tracked model adds a column to its history
table. The rows written before were hashed without it: they still verify, the
rows after are hashed with it, and a rewritten row either side is still found."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError

from audit.chain import record_event_columns, verify_table
from audit.models import ChainColumn
from partnerships.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PartnerEvent = Partner.pgh_event_model
TABLE = PartnerEvent._meta.db_table


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_region_column():
    """What a migration adding `region` (default "north") to Partner does to its history table."""
    execute(f"ALTER TABLE {TABLE} ADD COLUMN region varchar(20) NOT NULL DEFAULT 'north'")


def rewrite(pgh_id, column, value):
    """What only the owner of the tables could do."""
    execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    execute(f"UPDATE {TABLE} SET {column} = %s WHERE pgh_id = %s", [value, pgh_id])
    execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def event_id(name):
    return PartnerEvent.objects.get(name=name).pgh_id


def test_every_history_table_s_columns_were_recorded_by_the_migration_run():
    recorded = dict(
        ChainColumn.objects.filter(table_name=TABLE).values_list("column_name", "since_event")
    )

    assert {"pgh_id", "name", "ror_id", "iati_id"} <= set(recorded)
    assert "pgh_hash" not in recorded
    assert set(recorded.values()) == {0}


def test_rows_written_before_a_column_was_added_still_verify():
    partner = PartnerFactory(name="Before")
    Partner.objects.filter(pk=partner.pk).update(name="Before, renamed")
    add_region_column()

    recorded = record_event_columns()
    PartnerFactory(name="After")

    assert [(c.table_name, c.column_name) for c in recorded] == [(TABLE, "region")]
    assert event_id("Before, renamed") < recorded[0].since_event <= event_id("After")
    report = verify_table(TABLE)
    assert (report.rows, report.first_broken) == (3, None)


def test_a_migration_s_own_rows_after_the_column_count_with_it():
    PartnerFactory(name="Before")
    add_region_column()
    PartnerFactory(name="Written by the migration")

    [column] = record_event_columns()
    PartnerFactory(name="After")

    assert event_id("Before") < column.since_event <= event_id("Written by the migration")
    assert verify_table(TABLE).intact


def test_a_second_run_records_nothing_more():
    PartnerFactory(name="Before")
    add_region_column()
    record_event_columns()

    assert record_event_columns() == []
    assert ChainColumn.objects.filter(table_name=TABLE, column_name="region").count() == 1


@pytest.mark.parametrize(
    ("name", "column", "value"),
    [("Before", "name", "Rewritten"), ("After", "name", "Rewritten"), ("After", "region", "south")],
    ids=["older-row", "newer-row", "newer-row-new-column"],
)
def test_a_rewritten_row_is_still_found_either_side_of_the_column(name, column, value):
    PartnerFactory(name="Before")
    PartnerFactory(name="Also before")
    add_region_column()
    record_event_columns()
    PartnerFactory(name="After")
    PartnerFactory(name="Also after")
    rewritten = event_id(name)

    rewrite(rewritten, column, value)

    assert verify_table(TABLE).first_broken == rewritten


def test_the_record_of_columns_cannot_be_changed():
    row = ChainColumn.objects.filter(table_name=TABLE).first()

    with pytest.raises(InternalError, match="audit_chaincolumn"), transaction.atomic():
        ChainColumn.objects.filter(pk=row.pk).update(since_event=999)

    row.refresh_from_db()
    assert row.since_event == 0
