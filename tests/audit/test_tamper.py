"""The history tables are append-only in PostgreSQL, and each row is hash-chained
to the one before it: what gets past the triggers is found by verify_audit."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError

from core.models import HashChain
from partnerships.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PartnerEvent = Partner.pgh_event_model
TABLE = PartnerEvent._meta.db_table


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "statement",
    [f"UPDATE {TABLE} SET name = 'Forged'", f"DELETE FROM {TABLE}"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_rewrite_history(statement):
    PartnerFactory(name="Kept")

    with pytest.raises((InternalError, ProgrammingError)) as refused, transaction.atomic():
        execute(statement)

    assert TABLE in str(refused.value)
    assert list(PartnerEvent.objects.values_list("name", flat=True)) == ["Kept"]


def test_a_clean_chain_passes():
    partner = PartnerFactory(name="One")
    Partner.objects.filter(pk=partner.pk).update(name="Two")
    Partner.objects.filter(pk=partner.pk).delete()

    out = verify()

    assert f"{TABLE}: 3 rows checked, ok" in out
    assert "Every history chain is intact." in out


def test_a_forged_event_is_found_and_named():
    partner = PartnerFactory(name="Genuine")
    PartnerFactory(name="Later")
    # What only the owner of the tables could do: insert past the hash trigger.
    trigger = HashChain(name="hash_chain").get_pgid(PartnerEvent)
    execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
    execute(
        f"""
        INSERT INTO {TABLE}
        SELECT (jsonb_populate_record(NULL::{TABLE}, to_jsonb(e) || jsonb_build_object(
            'pgh_id', e.pgh_id + 1000, 'pgh_label', 'update', 'name', 'Forged',
            'pgh_hash', repeat('0', 64)
        ))).*
        FROM {TABLE} e WHERE e.name = 'Genuine'
        """
    )
    execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")
    forged = PartnerEvent.objects.get(name="Forged").pgh_id

    with pytest.raises(CommandError) as broken:
        verify()

    assert str(broken.value).startswith(f"History chain broken: table {TABLE}, event {forged}")
    assert partner.pk == PartnerEvent.objects.get(pgh_id=forged).pgh_obj_id


def test_a_rewritten_event_breaks_the_chain_at_that_row():
    partner = PartnerFactory(name="Genuine")
    PartnerFactory(name="Later")
    first = PartnerEvent.objects.get(pgh_obj=partner)
    execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    execute(f"UPDATE {TABLE} SET name = 'Rewritten' WHERE pgh_id = %s", [first.pgh_id])
    execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")

    with pytest.raises(CommandError, match=f"table {TABLE}, event {first.pgh_id}"):
        verify()
