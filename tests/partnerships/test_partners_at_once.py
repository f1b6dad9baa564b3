"""Two people saving the same partner (or agreement reference) at the same
moment: both pass the check before either has saved, and the second is refused
in the check's own words, next to the field, never a server error (an
IntegrityError).

Made certain rather than likely: the first save is held open, uncommitted,
while the second checks (it sees nothing yet) and waits on the unique index;
then the first commits.
"""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from partnerships import services
from partnerships.models import Agreement, Partner
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARTNER = {
    "name": "Siam Tropical Medicine Institute",
    "kind": "research_institute",
    "organisation_type": "80",
    "sector": "academic",
    "country": "TH",
    "time_zone": "Asia/Bangkok",
}


def waiting_on_a_lock() -> bool:
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
    """Run `first()` in a transaction held open until `second()`, in a thread
    of its own (its own connection), waits on it; then commit it. Returns what
    `second()` raised (None if nothing)."""
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


def test_the_same_name_saved_at_once_is_refused_next_to_the_name():
    refused = second_while_first_commits(
        lambda: services.partner_create(**PARTNER),
        lambda: services.partner_create(**(PARTNER | {"name": PARTNER["name"].upper()})),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {
        "name": ["A partner with this name already exists in this country."]
    }
    assert list(Partner.objects.values_list("name", flat=True)) == [PARTNER["name"]]


def test_the_same_ror_id_saved_at_once_is_refused_next_to_it():
    refused = second_while_first_commits(
        lambda: services.partner_create(**(PARTNER | {"ror_id": "03yrm5c26"})),
        lambda: services.partner_create(
            **(PARTNER | {"name": "Mahidol Tropical Medicine", "ror_id": "03yrm5c26"})
        ),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {"ror_id": ["Another partner has this ROR ID already."]}
    assert list(Partner.objects.values_list("name", flat=True)) == [PARTNER["name"]]


def test_a_partner_renamed_at_once_to_a_name_being_saved_is_refused_next_to_the_name():
    other = services.partner_create(**(PARTNER | {"name": "Bangkok Children's Hospital"}))
    refused = second_while_first_commits(
        lambda: services.partner_create(**PARTNER),
        lambda: services.partner_update(partner=other, name=PARTNER["name"]),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.message_dict == {
        "name": ["A partner with this name already exists in this country."]
    }
    other.refresh_from_db()
    assert other.name == "Bangkok Children's Hospital"


def test_the_same_agreement_reference_saved_at_once_is_refused_as_the_check_refuses_it():
    partnership = PartnershipFactory()

    def agreement(title):
        return services.agreement_create(
            partnership=partnership,
            title=title,
            reference="MOU-2026-001",
            status="active",
            effective_date=dt.date(2026, 1, 1),
            expiry_date=dt.date(2028, 12, 31),
        )

    refused = second_while_first_commits(lambda: agreement("First"), lambda: agreement("Second"))
    assert isinstance(refused, ValidationError), repr(refused)
    with pytest.raises(ValidationError) as checked:
        agreement("Third")  # the same reference, checked before saving
    assert refused.message_dict == checked.value.message_dict
    assert refused.messages == ["Another agreement has this reference."]
    assert list(Agreement.objects.values_list("title", flat=True)) == ["First"]
