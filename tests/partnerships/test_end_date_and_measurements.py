"""A value belongs to its partnership's run: from the start date to the end
date, both days inside (`periods.unrecordable`).

A period that began after the end date measured something else and is refused
by every door (the grid, the API's bulk rows, the measurement file, the worker's
large file), next to its field or column; a period that straddles the end
belongs to the run, as one that straddles the start does. An end date moved
earlier than recorded values is refused, saying how many and the date that
keeps them, on the edit page, the API's PATCH and a stage change alike.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from api.tokens import token_create
from partnerships import measurement_import, services
from partnerships.models import Measurement, Partnership
from tests.factories import MeasurementFactory, MetricFactory, ObjectiveFactory, PartnershipFactory
from tests.forms import opened
from tests.partnerships.test_measurement_import import HEADER, csv_file, row
from tests.partnerships.test_measurements_within_run import before_the_rule

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
AFTER_FEBRUARY = "Mar 2026 began after the partnership ended (28 February 2026)."


@pytest.fixture(autouse=True)
def november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def partnership(alice):
    """Started on 1 January 2025, running on (no end date yet)."""
    return PartnershipFactory(owner=alice, title="Kept", start_date=dt.date(2025, 1, 1))


@pytest.fixture
def monthly(partnership):
    objective = ObjectiveFactory(partnership=partnership)
    return MetricFactory(objective=objective, name="Monthly", frequency="monthly")


def ending(partnership, day) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(end_date=day)
    return Partnership.objects.get(pk=partnership.pk)


def stored(partnership) -> Partnership:
    return Partnership.objects.get(pk=partnership.pk)


def record(metric, period_start, by):
    return services.measurement_save(
        metric=metric, period_start=period_start, value=Decimal("5"), entered_by=by
    )


class TestTheEdge:
    @pytest.mark.parametrize(
        ("end", "refused"),
        [
            (dt.date(2026, 2, 28), True),  # March began the day after the end
            (dt.date(2026, 3, 1), False),  # March began on the end date, inside the run
            (dt.date(2026, 3, 2), False),  # March began the day before the end
            (None, False),
        ],
    )
    def test_a_period_beginning_the_day_after_the_end_is_refused(
        self, alice, partnership, monthly, end, refused
    ):
        ending(partnership, end)
        if refused:
            with pytest.raises(ValidationError) as error:
                record(monthly, MARCH, alice)
            assert error.value.message_dict == {"period_start": [AFTER_FEBRUARY]}
            assert not Measurement.objects.exists()
        else:
            record(monthly, MARCH, alice)
            assert monthly.measurements.get().period_start == MARCH

    def test_a_quarter_straddling_the_end_belongs_to_the_run(self, alice, partnership):
        ending(partnership, dt.date(2026, 2, 15))
        quarterly = MetricFactory(objective=ObjectiveFactory(partnership=partnership))
        record(quarterly, dt.date(2026, 1, 1), alice)
        with pytest.raises(ValidationError) as error:
            record(quarterly, dt.date(2026, 4, 1), alice)
        assert error.value.message_dict == {
            "period_start": ["Q2 2026 began after the partnership ended (15 February 2026)."]
        }
        assert list(quarterly.measurements.values_list("period_start", flat=True)) == [
            dt.date(2026, 1, 1)
        ]

    def test_a_correction_after_the_end_is_refused_too(self, alice, partnership, monthly):
        # Recorded before this rule (the database's too: partnerships/0025).
        MeasurementFactory(metric=monthly, period_start=MARCH, value=Decimal("3"))
        with before_the_rule():
            ending(partnership, dt.date(2026, 2, 28))
        with pytest.raises(ValidationError):
            record(monthly, MARCH, alice)
        assert monthly.measurements.get().value == Decimal("3")


class TestTheGrid:
    def save(self, client, partnership, metric, period_start):
        return client.post(
            reverse("partnerships:measurement_save", args=[partnership.pk]),
            {"metric": metric.pk, "period_start": period_start, "value": "5", "version": 0},
            HTTP_HX_REQUEST="true",
        )

    def test_a_cell_after_the_end_is_refused_next_to_it_keeping_the_typing(
        self, client, alice, partnership, monthly
    ):
        ending(partnership, dt.date(2026, 2, 28))
        client.force_login(alice)
        response = self.save(client, partnership, monthly, "2026-03-01")
        assert response.status_code == 400
        content = response.content.decode()
        error = f'id="error-{monthly.pk}-2026-03-01" role="alert">'
        assert AFTER_FEBRUARY in content.split(error)[1].split("</div>")[0]
        assert 'value="5"' in content
        assert not Measurement.objects.exists()

    def test_a_cell_of_the_last_month_is_saved(self, client, alice, partnership, monthly):
        ending(partnership, dt.date(2026, 2, 28))
        client.force_login(alice)
        assert self.save(client, partnership, monthly, "2026-02-01").status_code == 200
        assert monthly.measurements.get().period_start == dt.date(2026, 2, 1)

    def test_the_grid_ends_with_the_period_the_end_date_falls_in(
        self, client, alice, partnership, monthly
    ):
        ending(partnership, dt.date(2026, 2, 28))
        client.force_login(alice)
        response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
        (grid,) = response.context["grids"]
        assert grid["periods"][-1].start == dt.date(2026, 2, 1)
        assert grid["later_url"] is None

    def test_a_value_recorded_after_the_end_before_the_rule_keeps_its_page(
        self, client, alice, partnership, monthly
    ):
        MeasurementFactory(metric=monthly, period_start=dt.date(2026, 5, 1))
        with before_the_rule():
            ending(partnership, dt.date(2026, 2, 28))
        client.force_login(alice)
        response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
        (grid,) = response.context["grids"]
        assert grid["periods"][-1].start == dt.date(2026, 5, 1)


class TestTheApi:
    @pytest.fixture
    def api(self, alice):
        _, secret = token_create(user=alice, name="test", scope="read_write")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    def test_a_bulk_row_after_the_end_is_named_and_nothing_saved(self, api, partnership, monthly):
        ending(partnership, dt.date(2026, 2, 28))
        response = api.post(
            f"/api/v1/partnerships/{partnership.pk}/measurements/",
            {
                "rows": [
                    {"metric": monthly.pk, "period_start": "2026-02-01", "value": "4"},
                    {"metric": monthly.pk, "period_start": "2026-03-01", "value": "5"},
                ]
            },
            format="json",
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"] == {"rows[1].period_start": [AFTER_FEBRUARY]}
        assert not Measurement.objects.exists()

    def test_a_patch_moving_the_end_before_values_is_refused(self, api, partnership, monthly):
        for month in (3, 4, 5):
            MeasurementFactory(metric=monthly, period_start=dt.date(2026, month, 1))
        url = f"/api/v1/partnerships/{partnership.pk}/"
        etag = api.get(url)["ETag"]
        response = api.patch(url, {"end_date": "2026-03-31"}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "end_date": [
                "2 values are recorded for periods that begin after this date (the latest "
                "May 2026): clear them first, or choose a date on or after 1 May 2026."
            ]
        }
        assert stored(partnership).end_date is None
        response = api.patch(url, {"end_date": "2026-05-01"}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200
        assert stored(partnership).end_date == dt.date(2026, 5, 1)


class TestTheFile:
    def test_every_row_after_the_end_is_named_by_its_column_and_nothing_saved(
        self, client, alice, partnership, monthly
    ):
        ending(partnership, dt.date(2026, 2, 28))
        rows = [
            HEADER,
            row(monthly, "2026-02-01", "4"),  # the last month of the run
            row(monthly, "2026-03-01", "5"),
            row(monthly, "2026-04-01", "6"),
        ]
        client.force_login(alice)
        response = client.post(
            reverse("partnerships:measurement_import", args=[partnership.pk]),
            {"file": csv_file(rows)},
        )
        assert response.status_code == 400
        errors = response.context["result"].errors
        assert {(e.row, e.column) for e in errors} == {(3, "period_start"), (4, "period_start")}
        assert AFTER_FEBRUARY in {e.message for e in errors}
        assert not Measurement.objects.exists()

    def test_an_end_date_moved_while_the_file_was_checked_saves_nothing(
        self, alice, partnership, monthly
    ):
        rows = [HEADER, row(monthly, "2026-04-01", "5")]
        cells = [[str(cell) for cell in values] for values in rows]  # as read from a file
        parsed, errors = measurement_import.check(cells, partnership=partnership, user=alice)
        assert errors == []
        ending(partnership, dt.date(2026, 3, 31))
        result = measurement_import.measurements_save(parsed=parsed, user=alice)
        assert [e.message for e in result.errors] == [
            "The partnership’s end date changed while the file was checked; import it again."
        ]
        assert not Measurement.objects.exists()


class TestMovingTheEnd:
    @pytest.fixture
    def recorded(self, partnership, monthly):
        """Values for May and June 2026."""
        for month in (5, 6):
            MeasurementFactory(metric=monthly, period_start=dt.date(2026, month, 1))
        return partnership

    @pytest.mark.parametrize(
        ("end", "refused"),
        [
            (dt.date(2026, 5, 31), True),  # June began the day after
            (dt.date(2026, 6, 1), False),  # June began on it
            (dt.date(2026, 6, 2), False),
        ],
    )
    def test_an_end_before_a_recorded_period_is_refused(self, recorded, end, refused):
        if refused:
            with pytest.raises(ValidationError) as error:
                services.partnership_update(partnership=stored(recorded), end_date=end)
            assert error.value.message_dict == {
                "end_date": [
                    "1 value is recorded for a period that begins after this date (Jun 2026): "
                    "clear it first, or choose a date on or after 1 June 2026."
                ]
            }
            assert error.value.error_dict["end_date"][0].code == "measurements_after_end"
            assert stored(recorded).end_date is None
        else:
            services.partnership_update(partnership=stored(recorded), end_date=end)
            assert stored(recorded).end_date == end
        assert Measurement.objects.count() == 2

    def test_the_edit_page_says_it_next_to_the_end_date_keeping_the_typing(
        self, client, alice, recorded
    ):
        client.force_login(alice)
        url = reverse("partnerships:partnership_edit", args=[recorded.pk])
        typed = {
            "title": "Typed",
            "purpose": "clinical_exchange",
            "start_date": "2025-01-01",
            "end_date": "2026-04-30",
        }
        response = client.post(url, typed | opened(client, url))
        assert response.status_code == 400
        form = response.context["form"]
        assert list(form.errors) == ["end_date"]
        assert "2 values are recorded" in form.errors["end_date"][0]
        assert form["end_date"].value() == "2026-04-30"
        assert form["title"].value() == "Typed"
        assert 'id="error_1_id_end_date"' in response.content.decode()
        assert (stored(recorded).end_date, stored(recorded).title) == (None, "Kept")

    def test_ending_the_partnership_before_its_values_is_refused(self, alice, recorded):
        with pytest.raises(ValidationError) as error:
            services.partnership_change_stage(
                partnership=recorded,
                stage="completed",
                reason="Done",
                by=alice,
                end_date=dt.date(2026, 4, 30),
            )
        assert list(error.value.message_dict) == ["end_date"]
        assert (stored(recorded).stage, stored(recorded).end_date) == ("active", None)
        services.partnership_change_stage(
            partnership=recorded,
            stage="completed",
            reason="Done",
            by=alice,
            end_date=dt.date(2026, 6, 30),
        )
        assert (stored(recorded).stage, stored(recorded).end_date) == (
            "completed",
            dt.date(2026, 6, 30),
        )

    def test_an_edit_that_keeps_a_stored_end_is_not_refused(self, alice, recorded):
        # Values stranded before this rule do not block the rest of an edit.
        with before_the_rule():
            ending(recorded, dt.date(2026, 4, 30))
        services.partnership_update(
            partnership=stored(recorded), end_date=dt.date(2026, 4, 30), title="Renamed"
        )
        assert stored(recorded).title == "Renamed"


def test_the_admin_adds_no_value_after_the_end(client, superuser, partnership, monthly):
    """The admin shows values only (core.admin.ReadOnlyAdmin): its add page
    stores nothing, whatever the period."""
    ending(partnership, dt.date(2026, 2, 28))
    client.force_login(superuser)
    response = client.post(
        reverse("admin:partnerships_measurement_add"),
        {
            "metric": monthly.pk,
            "period_start": "2026-03-01",
            "value": "5",
            "entered_by": superuser.pk,
        },
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()
