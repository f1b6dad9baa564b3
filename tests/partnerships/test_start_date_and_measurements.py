"""A partnership's start cannot move past the periods it has values for.

A value for a period that ended before the partnership started cannot be
recorded, shown in the grid or corrected (`periods.unrecordable`), yet it would
still count in the progress and the scoring. So the one service that changes a
partnership (`services.partnership_update`) refuses a start date that would
strand recorded values, and every door says so next to the start date: the
edit page, the API's PATCH, a direct call.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from api.tokens import token_create
from partnerships import services
from partnerships.models import Measurement, Partnership
from tests.factories import MeasurementFactory, MetricFactory, ObjectiveFactory, PartnershipFactory
from tests.forms import opened
from tests.partnerships.test_measurements_within_run import before_the_rule

pytestmark = pytest.mark.django_db

STRANDED = (
    "3 values are recorded for periods that end before this date (the latest Jul 2026): "
    "clear them first, or choose a date on or before 30 June 2026."
)


@pytest.fixture(autouse=True)
def november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def partnership(alice):
    """Started on 1 January 2025, with values for June and July 2026 (a monthly
    metric) and for the second quarter of 2026 (a quarterly one)."""
    partnership = PartnershipFactory(owner=alice, title="Kept", start_date=dt.date(2025, 1, 1))
    objective = ObjectiveFactory(partnership=partnership)
    monthly = MetricFactory(objective=objective, name="Monthly", frequency="monthly")
    quarterly = MetricFactory(objective=objective, name="Quarterly", frequency="quarterly")
    for month in (6, 7):
        MeasurementFactory(metric=monthly, period_start=dt.date(2026, month, 1))
    MeasurementFactory(metric=quarterly, period_start=dt.date(2026, 4, 1))
    return partnership


def stored(partnership) -> Partnership:
    return Partnership.objects.get(pk=partnership.pk)


class TestTheService:
    def test_it_refuses_a_start_after_recorded_periods_and_saves_nothing(self, partnership):
        with pytest.raises(ValidationError) as refused:
            services.partnership_update(
                partnership=stored(partnership), start_date=dt.date(2026, 9, 1), title="New"
            )
        assert refused.value.message_dict == {"start_date": [STRANDED]}
        assert refused.value.error_dict["start_date"][0].code == "measurements_before_start"
        again = stored(partnership)
        assert (again.start_date, again.title, again.version) == (dt.date(2025, 1, 1), "Kept", 1)
        assert Measurement.objects.count() == 3

    def test_one_value_is_named_in_the_singular(self, partnership):
        Measurement.objects.filter(period_start__lt=dt.date(2026, 7, 1)).delete()
        with pytest.raises(ValidationError) as refused:
            services.partnership_update(
                partnership=stored(partnership), start_date=dt.date(2026, 9, 1)
            )
        assert refused.value.message_dict == {
            "start_date": [
                "1 value is recorded for a period that ends before this date (Jul 2026): "
                "clear it first, or choose a date on or before 31 July 2026."
            ]
        }

    @pytest.mark.parametrize(
        ("start", "refused"),
        [
            # The day after the end of the latest recorded period: all three stranded.
            (dt.date(2026, 8, 1), True),
            # The first day of the latest recorded period: July ends after it,
            # but June and the second quarter ended the day before.
            (dt.date(2026, 7, 1), True),
            # The last day of June and of the quarter: each ends on the start, not before it.
            (dt.date(2026, 6, 30), False),
            (dt.date(2026, 6, 1), False),
            (dt.date(2024, 1, 1), False),
            (None, False),
        ],
    )
    def test_a_period_ending_the_day_before_the_start_is_stranded(
        self, partnership, start, refused
    ):
        if refused:
            with pytest.raises(ValidationError) as error:
                services.partnership_update(partnership=stored(partnership), start_date=start)
            assert list(error.value.message_dict) == ["start_date"]
            assert stored(partnership).start_date == dt.date(2025, 1, 1)
        else:
            services.partnership_update(partnership=stored(partnership), start_date=start)
            assert stored(partnership).start_date == start

    def test_a_start_on_the_first_day_of_the_only_recorded_period_is_fine(self, partnership):
        Measurement.objects.exclude(period_start=dt.date(2026, 7, 1)).delete()
        services.partnership_update(partnership=stored(partnership), start_date=dt.date(2026, 7, 1))
        assert stored(partnership).start_date == dt.date(2026, 7, 1)

    def test_each_metric_s_own_period_says_when_its_value_ended(self, partnership):
        # A value for the third quarter (July to September) of a quarterly metric.
        Measurement.objects.all().delete()
        quarterly = partnership.objectives.get().metrics.get(name="Quarterly")
        MeasurementFactory(metric=quarterly, period_start=dt.date(2026, 7, 1))
        with pytest.raises(ValidationError) as refused:
            services.partnership_update(
                partnership=stored(partnership), start_date=dt.date(2026, 10, 1)
            )
        assert "(Q3 2026)" in refused.value.message_dict["start_date"][0]
        assert "30 September 2026" in refused.value.message_dict["start_date"][0]
        services.partnership_update(
            partnership=stored(partnership), start_date=dt.date(2026, 9, 30)
        )
        assert stored(partnership).start_date == dt.date(2026, 9, 30)

    def test_once_the_values_are_cleared_the_start_moves(self, partnership, alice):
        for metric in partnership.objectives.get().metrics.all():
            for measurement in metric.measurements.all():
                services.measurement_clear(
                    metric=metric, period_start=measurement.period_start, by=alice
                )
        services.partnership_update(partnership=stored(partnership), start_date=dt.date(2026, 9, 1))
        assert stored(partnership).start_date == dt.date(2026, 9, 1)

    def test_values_of_another_partnership_do_not_count(self, partnership, alice):
        other = PartnershipFactory(owner=alice, start_date=dt.date(2025, 1, 1))
        services.partnership_update(partnership=other, start_date=dt.date(2026, 9, 1))
        assert stored(other).start_date == dt.date(2026, 9, 1)

    def test_an_edit_that_keeps_the_start_is_not_refused(self, partnership):
        # Values stranded before this rule (a start moved then) do not block
        # the rest of the partnership's description; moving the start back
        # over them is the way to see and clear them.
        with before_the_rule():
            Partnership.objects.filter(pk=partnership.pk).update(start_date=dt.date(2026, 9, 1))
        services.partnership_update(
            partnership=stored(partnership), start_date=dt.date(2026, 9, 1), title="Renamed"
        )
        assert stored(partnership).title == "Renamed"
        services.partnership_update(partnership=stored(partnership), start_date=dt.date(2026, 6, 1))
        assert stored(partnership).start_date == dt.date(2026, 6, 1)


class TestTheEditPage:
    def test_it_says_why_next_to_the_start_date_keeps_the_typing_and_saves_nothing(
        self, client, alice, partnership
    ):
        client.force_login(alice)
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        typed = {"title": "Typed", "purpose": "clinical_exchange", "start_date": "2026-09-01"}
        response = client.post(url, typed | opened(client, url))
        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors == {"start_date": [STRANDED]}
        assert form["start_date"].value() == "2026-09-01"
        assert form["title"].value() == "Typed"
        html = response.content.decode()
        # Under the start date field (crispy's error of the field `id_start_date`).
        assert 'id="error_1_id_start_date"' in html
        assert "the latest Jul 2026" in html
        again = stored(partnership)
        assert (again.start_date, again.title, again.version) == (dt.date(2025, 1, 1), "Kept", 1)
        reloaded = client.get(url)
        assert reloaded.context["form"]["start_date"].value() == dt.date(2025, 1, 1)

    def test_a_start_that_strands_nothing_is_saved(self, client, alice, partnership):
        client.force_login(alice)
        url = reverse("partnerships:partnership_edit", args=[partnership.pk])
        typed = {"title": "Kept", "purpose": "clinical_exchange", "start_date": "2026-06-30"}
        response = client.post(url, typed | opened(client, url))
        assert response.status_code == 302
        assert stored(partnership).start_date == dt.date(2026, 6, 30)


class TestTheApi:
    @pytest.fixture
    def api(self, alice):
        _, secret = token_create(user=alice, name="test", scope="read_write")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    def test_a_patch_is_refused_with_the_field_named_and_nothing_saved(self, api, partnership):
        url = f"/api/v1/partnerships/{partnership.pk}/"
        etag = api.get(url)["ETag"]
        response = api.patch(
            url, {"start_date": "2026-09-01", "title": "New"}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"] == {"start_date": [STRANDED]}
        again = stored(partnership)
        assert (again.start_date, again.title, again.version) == (dt.date(2025, 1, 1), "Kept", 1)
        assert api.get(url)["ETag"] == etag

    def test_a_patch_that_strands_nothing_goes_ahead(self, api, partnership):
        url = f"/api/v1/partnerships/{partnership.pk}/"
        etag = api.get(url)["ETag"]
        response = api.patch(url, {"start_date": "2026-06-01"}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200
        assert stored(partnership).start_date == dt.date(2026, 6, 1)
        assert Measurement.objects.count() == 3
