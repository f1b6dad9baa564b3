"""The measurement grid: one row per metric, one column per period, saved in place."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from partnerships.models import Measurement
from tests.factories import MetricFactory, ObjectiveFactory, partnership_with_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def partnership(alice):
    return partnership_with_data(owner=alice, metrics=1)


@pytest.fixture
def metric(partnership):
    return partnership.objectives.get().metrics.get()


def save(client, partnership, metric, period_start, value):
    return client.post(
        reverse("partnerships:measurement_save", args=[partnership.pk]),
        {"metric": metric.pk, "period_start": period_start, "value": value},
        **HTMX,
    )


def test_it_shows_one_grid_per_frequency_over_the_last_six_closed_periods(
    client, alice, partnership, metric, django_assert_max_num_queries
):
    MetricFactory(objective=metric.objective, name="Monthly one", frequency="monthly")
    client.force_login(alice)
    # session, user, permissions (user and group), a savepoint and its release,
    # unread notifications, partnership, can_edit, metrics, measurements
    with django_assert_max_num_queries(11):
        response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
    grids = {grid["frequency"]: grid for grid in response.context["grids"]}
    assert [p.label for p in grids["quarterly"]["periods"]] == [
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
    ]
    assert [p.label for p in grids["monthly"]["periods"]][-1] == "2025-10"
    (row_metric, cells), *_ = grids["quarterly"]["rows"]
    assert row_metric == metric
    assert [cell["value"] for cell in cells][-3:] == [Decimal(14), Decimal(18), Decimal(24)]
    assert 'name="value"' in response.content.decode()


def test_it_shows_values_without_inputs_to_readers(client, erin, partnership):
    client.force_login(erin)
    response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
    assert response.status_code == 200
    assert 'name="value"' not in response.content.decode()


def test_it_saves_a_value_in_place(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", "12.5")
    assert response.status_code == 200
    assert response.context["cell"]["saved"]
    assert 'value="12.5"' in response.content.decode()
    measurement = Measurement.objects.get(metric=metric, period_start=dt.date(2024, 10, 1))
    assert (measurement.value, measurement.entered_by) == (Decimal("12.5"), alice)


def test_it_updates_the_value_of_a_period(client, alice, bob, partnership, metric):
    partnership.leads.create(user=bob, functional_area="administrative")
    client.force_login(bob)
    response = save(client, partnership, metric, "2025-07-01", "30")
    assert response.status_code == 200
    measurement = Measurement.objects.get(metric=metric, period_start=dt.date(2025, 7, 1))
    assert (measurement.value, measurement.entered_by) == (Decimal(30), bob)
    assert metric.measurements.count() == 3


def test_it_refuses_a_non_number_and_keeps_what_was_typed(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "2025-07-01", "about 30")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a number, such as 12 or 3.5." in content
    assert 'value="about 30"' in content
    assert metric.measurements.get(period_start=dt.date(2025, 7, 1)).value == 24


def test_it_refuses_a_day_that_does_not_start_a_period(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "2025-08-01", "5")
    assert response.status_code == 400
    assert "This metric is reported quarterly" in response.content.decode()
    assert not metric.measurements.filter(period_start=dt.date(2025, 8, 1)).exists()


def test_it_does_not_find_a_metric_of_another_partnership(client, alice, partnership):
    elsewhere = MetricFactory(objective=ObjectiveFactory(partnership__owner=alice))
    client.force_login(alice)
    response = save(client, partnership, elsewhere, "2025-07-01", "5")
    assert response.status_code == 404
    assert not elsewhere.measurements.exists()


@pytest.mark.parametrize("who", ["bob", "erin", "rita"])
def test_it_refuses_a_non_editor(client, who, request, partnership, metric):
    client.force_login(request.getfixturevalue(who))
    response = save(client, partnership, metric, "2024-10-01", "5")
    assert response.status_code == 403
    assert metric.measurements.count() == 3


def test_it_redirects_back_to_the_grid_without_htmx(client, alice, partnership, metric):
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:measurement_save", args=[partnership.pk]),
        {"metric": metric.pk, "period_start": "2024-10-01", "value": "7"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:measurement_grid", args=[partnership.pk])
