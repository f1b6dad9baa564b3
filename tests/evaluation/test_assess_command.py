import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from evaluation.models import AssessmentRun, Scorecard
from tests.factories import partnership_with_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_it_assesses_the_last_months_oldest_first_and_once():
    partnership_with_data()
    out = StringIO()
    call_command("assess", "--last", "2", "--if-missing", stdout=out)
    call_command("assess", "--last", "2", "--if-missing", stdout=out)

    assert list(AssessmentRun.objects.order_by("pk").values_list("period_start", flat=True)) == [
        dt.date(2025, 9, 1),
        dt.date(2025, 10, 1),
    ]
    october = Scorecard.objects.get(period_start=dt.date(2025, 10, 1))
    assert october.trend != "new"  # September is there to compare with
    assert "October 2025 is assessed already." in out.getvalue()


def test_it_refuses_a_month_not_yet_ended():
    with pytest.raises(CommandError, match="has ended"):
        call_command("assess", "--month", "2025-11")


def test_it_names_a_badly_written_month():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("assess", "--month", "Oct 2025")
