"""A health check belongs to its partnership's run, as a measurement does: a
round opened after the partnership's end date is refused, whoever opens it
(the page, the schedule, a direct call); one opened on the end date, or open
across it, belongs to the run."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from health import services
from health.models import Cadence, Round
from tests.factories import PartnershipFactory
from tests.health.builders import in_a_month, open_round

pytestmark = pytest.mark.django_db

OPENED = dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("end", "refused"),
    [
        (dt.date(2026, 1, 4), True),  # ended the day before
        (dt.date(2026, 1, 5), False),  # the end date itself is inside the run
        (dt.date(2026, 1, 6), False),
        (None, False),
    ],
)
def test_a_round_opened_after_the_end_date_is_refused(alice, end, refused):
    partnership = PartnershipFactory(owner=alice, end_date=end)
    if refused:
        with pytest.raises(ValidationError) as error:
            open_round(partnership, by=alice, opened_on=OPENED)
        assert error.value.message_dict == {
            "opened_on": [
                "This partnership ended on 4 January 2026: a health check opened after "
                "that rates nothing of it."
            ]
        }
        assert not Round.objects.exists()
    else:
        open_round(partnership, by=alice, opened_on=OPENED)
        assert Round.objects.get().opened_on == OPENED


def test_the_page_says_why_and_opens_none(client, alice):
    partnership = PartnershipFactory(owner=alice, end_date=dt.date(2025, 6, 30))
    client.force_login(alice)
    response = client.post(
        reverse("health:round_open", args=[partnership.pk]),
        {
            "closes_on": in_a_month(),
            "users": [alice.pk],
            # Each member's language box, as a browser posts it.
            **{f"language_{m.partner_id}": "en" for m in partnership.members.all()},
        },
    )
    assert response.status_code == 400
    assert "This partnership ended on 30 June 2025" in response.content.decode()
    assert not Round.objects.exists()


def test_the_schedule_opens_none_after_the_end(alice, caplog):
    partnership = PartnershipFactory(owner=alice, end_date=dt.date(2026, 1, 4))
    Cadence.objects.create(partnership=partnership, every_months=3)
    assert services.health_checks_run(today=OPENED)["opened"] == 0
    assert not Round.objects.exists()
    # Left out, not tried and refused: no warning every day until its stage moves.
    assert "not opened as scheduled" not in caplog.text
    on_its_last_day = PartnershipFactory(owner=alice, end_date=OPENED)
    Cadence.objects.create(partnership=on_its_last_day, every_months=3)
    assert services.health_checks_run(today=OPENED)["opened"] == 1
    assert Round.objects.get().partnership == on_its_last_day
    Cadence.objects.create(partnership=PartnershipFactory(owner=alice), every_months=3)
    assert services.health_checks_run(today=OPENED)["opened"] == 1
