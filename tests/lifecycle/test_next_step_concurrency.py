"""A next step and a move off the pipeline at the same moment: the step is set
on a potential partnership or not at all."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from lifecycle import services
from lifecycle.models import NextStep
from partnerships.models import Partnership
from partnerships.services import partnership_change_stage
from tests.factories import MemberFactory, PartnershipFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_step_set_while_the_partnership_goes_active_is_refused(alice):
    with transaction.atomic():  # a partnership is stored with its member organisation
        partnership = PartnershipFactory(
            owner=alice, stage="outreach", start_date=None, member=False
        )
        MemberFactory(partnership=partnership, role="lead")
    moved, release = threading.Event(), threading.Event()
    outcome = {}

    def move_to_active():
        # A stage change that has locked and written the row, not yet committed.
        try:
            with transaction.atomic():
                partnership_change_stage(
                    partnership=partnership, stage="active", reason="Signed.", by=alice
                )
                moved.set()
                release.wait(timeout=10)
        finally:
            connection.close()  # each thread has its own connection

    def set_step():
        try:
            services.next_step_set(
                partnership=partnership,  # as the card showed it: outreach
                description="Send the draft MoU",
                due_on=dt.date(2026, 12, 1),
                by=alice,
            )
        except ValidationError as error:
            outcome["refused"] = error.messages
        finally:
            connection.close()

    mover = threading.Thread(target=move_to_active)
    mover.start()
    assert moved.wait(timeout=10)
    setter = threading.Thread(target=set_step)
    setter.start()
    setter.join(timeout=0.5)
    # It waits on the row the stage change holds, whatever it read before.
    assert setter.is_alive()
    release.set()
    mover.join(timeout=10)
    setter.join(timeout=10)

    assert outcome == {"refused": ["Only a potential partnership is on the pipeline."]}
    assert Partnership.objects.get(pk=partnership.pk).stage == "active"
    assert not NextStep.objects.exists()
