"""The measurement grid: one row per metric, one column per period, saved in place."""

import datetime as dt
import re
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
    # Started in 2024, so that the quarters of 2024 can be recorded.
    return partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2024, 1, 1))


@pytest.fixture
def metric(partnership):
    return partnership.objectives.get().metrics.get()


def version_of(metric, period_start) -> int:
    """The version of the cell as the grid shows it: 0 when it is empty."""
    stored = metric.measurements.filter(period_start=period_start).first()
    return stored.version if stored is not None else 0


def save(client, partnership, metric, period_start, value, version=None):
    if version is None:
        version = version_of(metric, period_start)
    return client.post(
        reverse("partnerships:measurement_save", args=[partnership.pk]),
        {"metric": metric.pk, "period_start": period_start, "value": value, "version": version},
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
        "Q2 2024",
        "Q3 2024",
        "Q4 2024",
        "Q1 2025",
        "Q2 2025",
        "Q3 2025",
    ]
    assert [p.label for p in grids["monthly"]["periods"]][-1] == "Oct 2025"
    (row_metric, cells), *_ = grids["quarterly"]["rows"]
    assert row_metric == metric
    assert [cell["value"] for cell in cells][-3:] == [Decimal(14), Decimal(18), Decimal(24)]
    assert 'name="value"' in response.content.decode()


def test_a_french_reader_reads_the_quarters_in_french(client, alice, partnership, metric):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
    page = response.content.decode()
    assert re.search(r'<th class="text-end">T3 2025</th>', page)
    assert "Q3 2025" not in page and "2025-Q3" not in page


def test_a_screen_reader_names_each_cell_by_its_metric_and_its_column(
    client, alice, partnership, metric
):
    """A cell's name says the period as its column's heading does ("T3 2025"), not
    the day it starts ("2025-07-01", read as a date in July); so does the cell
    that comes back from a save."""
    metric.name = "Referrals"
    metric.save()
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    page = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk])).text
    assert 'aria-label="Referrals, T3 2025"' in page
    assert 'aria-label="Referrals, 2025-07-01"' not in page
    saved = save(client, partnership, metric, "2024-10-01", "abc").text
    assert 'aria-label="Referrals, T4 2024"' in saved


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


@pytest.mark.parametrize(
    ("language", "typed", "shown"),
    [
        ("fr", "12,5", "12,5"),
        ("fr", "12.5", "12,5"),
        ("es", "12,5", "12,5"),
        ("pt", "0,25", "0,25"),
    ],
)
def test_a_reader_of_a_decimal_comma_language_types_and_reads_it(
    client, alice, partnership, metric, language, typed, shown
):
    alice.language = language
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", typed)
    assert response.status_code == 200
    assert f'value="{shown}"' in response.content.decode()
    measurement = Measurement.objects.get(metric=metric, period_start=dt.date(2024, 10, 1))
    assert measurement.value == Decimal(typed.replace(",", "."))


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("fr", "1\u202f500", Decimal(1500)),
        ("fr", "1 500,5", Decimal("1500.5")),
        ("es", "1.500,25", Decimal("1500.25")),
        ("pt", "2.000.000", None),
        ("es", "1.500", None),
        ("pt", "1.500", None),
    ],
)
def test_a_thousands_grouping_is_read_as_the_reader_writes_it_or_refused(
    client, alice, partnership, metric, language, typed, stored
):
    """ "1.500" is fifteen hundred in Spanish and Portuguese, one and a half in
    English: it was silently stored as 1.5; now it is refused, as an import
    file's is, and a grouping that cannot be misread is taken."""
    alice.language = language
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", typed)
    saved = metric.measurements.filter(period_start=dt.date(2024, 10, 1)).first()
    if stored is None:
        assert response.status_code == 400
        assert saved is None
    else:
        assert response.status_code == 200
        assert saved.value == stored


def test_in_english_a_comma_is_no_decimal_mark_and_nothing_is_saved(
    client, alice, partnership, metric
):
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", "12,5")
    assert response.status_code == 400
    assert 'value="12,5"' in response.content.decode()
    assert not metric.measurements.filter(period_start=dt.date(2024, 10, 1)).exists()


@pytest.mark.parametrize("typed", ["1_000", "1e3", "NaN", "Infinity", "١٢"])
def test_what_python_reads_as_a_number_but_a_person_does_not_write_is_refused(
    client, alice, partnership, metric, typed
):
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", typed)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a number, such as 12 or 3.5." in content
    assert f'value="{typed}"' in content
    assert not metric.measurements.filter(period_start=dt.date(2024, 10, 1)).exists()


def test_a_plain_decimal_is_saved(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", "12.5")
    assert response.status_code == 200
    assert metric.measurements.get(period_start=dt.date(2024, 10, 1)).value == Decimal("12.5")


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
    # The cell arrives after the person has moved on: the reason is announced,
    # and the cell says it is wrong and where it is said why.
    error_id = f"error-{metric.pk}-2025-07-01"
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*aria-describedby="{error_id}"', content)
    assert re.search(rf'<div[^>]*id="{error_id}"[^>]*role="alert"', content)
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


@pytest.mark.parametrize("forged", ["²", "x", ""])
def test_a_metric_that_is_no_id_is_not_found(client, alice, partnership, metric, forged):
    """ "²" passes str.isdigit() but not int(): a 404, not a server error."""
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:measurement_save", args=[partnership.pk]),
        {"metric": forged, "period_start": "2024-10-01", "value": "5", "version": 0},
        **HTMX,
    )
    assert response.status_code == 404
    assert metric.measurements.count() == 3


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
        {"metric": metric.pk, "period_start": "2024-10-01", "value": "7", "version": 0},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:measurement_grid", args=[partnership.pk])


def test_without_htmx_a_refused_value_shows_the_whole_grid_with_the_cell_and_why(
    client, alice, partnership, metric
):
    """The cell's plain form (no JavaScript) got a table cell alone, no page."""
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:measurement_save", args=[partnership.pk]),
        {"metric": metric.pk, "period_start": "2025-07-01", "value": "abc", "version": 0},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert '<nav class="navbar' in text and "Measurements of" in text
    cell = text[text.index(f'id="cell-{metric.pk}-2025-07-01"') :]
    cell = cell[: cell.index("</td>")]
    assert 'value="abc"' in cell and "is-invalid" in cell and "Enter a number" in cell
    assert 'id="refused-cell"' not in text
    assert metric.measurements.get(period_start=dt.date(2025, 7, 1)).value == 24


def test_without_htmx_a_refused_period_off_the_page_is_said_above_the_grid(
    client, alice, partnership, metric
):
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:measurement_save", args=[partnership.pk]),
        {"metric": metric.pk, "period_start": "2023-10-01", "value": "7", "version": 0},
    )
    assert response.status_code == 400
    text = response.content.decode()
    alert = text[text.index('id="refused-cell"') :]
    alert = alert[: alert.index("</div>")]
    assert "“7”" in alert and "Q4 2023," in alert and "2023-10-01" not in alert
    assert "Q4 2023 ended before the partnership started" in alert
    assert not metric.measurements.filter(period_start=dt.date(2023, 10, 1)).exists()


# --- which periods can be recorded ------------------------------------------------


@pytest.mark.parametrize(
    ("period_start", "message"),
    [
        ("2025-10-01", "Q4 2025 has not ended yet"),  # today, 5 November, is inside it
        ("2026-01-01", "Q1 2026 has not ended yet"),
        ("2071-01-01", "Q1 2071 has not ended yet"),  # years ahead
        ("2023-10-01", "Q4 2023 ended before the partnership started (1 January 2024)."),
    ],
)
def test_it_refuses_a_period_that_cannot_be_recorded_next_to_the_cell(
    client, alice, partnership, metric, period_start, message
):
    client.force_login(alice)
    response = save(client, partnership, metric, period_start, "5")
    assert response.status_code == 400
    assert not metric.measurements.filter(period_start=period_start).exists()
    content = response.content.decode()
    error = (
        f'<div class="invalid-feedback text-start" id="error-{metric.pk}-{period_start}" '
        'role="alert">'
    )
    assert error in content
    assert message in content.split(error)[1].split("</div>")[0]
    assert 'value="5"' in content


def test_it_refuses_a_date_far_outside_any_real_use(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "9999-10-01", "5")
    assert response.status_code == 400
    assert "Give a date from 2000 to 2075." in response.content.decode()
    assert metric.measurements.count() == 3


def test_it_takes_a_period_that_ended_yesterday(client, alice, partnership, metric):
    monthly = MetricFactory(objective=metric.objective, name="Visits", frequency="monthly")
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        response = save(client, partnership, monthly, "2025-10-01", "7")
    assert response.status_code == 200
    assert monthly.measurements.get(period_start=dt.date(2025, 10, 1)).value == 7


# --- paging and clearing ----------------------------------------------------------


def grid_of(response, frequency):
    return next(g for g in response.context["grids"] if g["frequency"] == frequency)


def test_it_pages_back_to_the_partnerships_first_period_and_forward_again(
    client, alice, partnership, metric
):
    MetricFactory(objective=metric.objective, name="Visits", frequency="monthly")
    client.force_login(alice)
    page = reverse("partnerships:measurement_grid", args=[partnership.pk])
    # Another grid's place is part of the query, and every link keeps it.
    response = client.get(page, {"quarterly": "2025-04-01"})
    assert [p.label for p in grid_of(response, "quarterly")["periods"]][-1] == "Q2 2025"
    shown = []
    while True:
        monthly = grid_of(response, "monthly")
        shown = [p.start for p in monthly["periods"]] + shown
        if not monthly["earlier_url"]:
            break
        assert "quarterly=2025-04-01" in monthly["earlier_url"]
        assert 'rel="prev"' in response.content.decode()
        response = client.get(page + monthly["earlier_url"])
    # Every month from January 2024, when the partnership started, to October
    # 2025, the last closed one; the earliest page is full too, so it overlaps.
    months = [dt.date(year, month, 1) for year in (2024, 2025) for month in range(1, 13)][:22]
    assert sorted(set(shown)) == months
    assert len(monthly["periods"]) == 6
    forward = []
    while monthly["later_url"]:
        assert "quarterly=2025-04-01" in monthly["later_url"]
        response = client.get(page + monthly["later_url"])
        monthly = grid_of(response, "monthly")
        forward += [p.label for p in monthly["periods"]]
    assert forward[-1] == "Oct 2025"
    assert monthly["later_url"] is None


def test_it_shows_only_the_periods_since_the_partnership_started(client, alice):
    partnership = partnership_with_data(owner=alice, metrics=1, start_date=dt.date(2025, 3, 15))
    client.force_login(alice)
    response = client.get(reverse("partnerships:measurement_grid", args=[partnership.pk]))
    quarterly = grid_of(response, "quarterly")
    assert [p.label for p in quarterly["periods"]] == ["Q1 2025", "Q2 2025", "Q3 2025"]
    assert quarterly["earlier_url"] is None
    assert quarterly["later_url"] is None


def test_without_a_start_it_pages_back_to_the_earliest_value_recorded(client, alice):
    """With no start date any past period may be recorded (the API, a file):
    the grid reaches back to the earliest, before the metrics' baselines, so
    the value can be read, corrected or cleared there."""
    partnership = partnership_with_data(owner=alice, metrics=0, start_date=None)
    metric = MetricFactory(
        objective=ObjectiveFactory(partnership=partnership),
        frequency="monthly",
        baseline_date=dt.date(2025, 5, 1),
    )
    Measurement.objects.create(
        metric=metric, period_start=dt.date(2025, 2, 1), value=3, entered_by=alice
    )
    client.force_login(alice)
    page = reverse("partnerships:measurement_grid", args=[partnership.pk])
    response = client.get(page)
    shown = []
    while True:
        monthly = grid_of(response, "monthly")
        shown = [p.start for p in monthly["periods"]] + shown
        if not monthly["earlier_url"]:
            break
        response = client.get(page + monthly["earlier_url"])
    assert min(shown) == dt.date(2025, 2, 1)
    assert 'value="3"' in response.content.decode()


def test_an_unreadable_or_far_place_shows_the_latest_periods(client, alice, partnership):
    client.force_login(alice)
    page = reverse("partnerships:measurement_grid", args=[partnership.pk])
    for place in ("9999-12-01", "soon"):
        response = client.get(page, {"quarterly": place})
        assert response.status_code == 200
        assert [p.label for p in grid_of(response, "quarterly")["periods"]][-1] == "Q3 2025"


def test_emptying_a_cell_clears_the_value_and_keeps_its_history(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "2025-07-01", "")
    assert response.status_code == 200
    assert response.context["cell"]["cleared"]
    assert "Cleared." in response.content.decode()
    assert not metric.measurements.filter(period_start=dt.date(2025, 7, 1)).exists()
    deleted = Measurement.pgh_event_model.objects.filter(
        metric_id=metric.pk, period_start=dt.date(2025, 7, 1), pgh_label="delete"
    ).get()
    assert (deleted.value, deleted.pgh_context["user"]) == (Decimal(24), alice.pk)


def test_emptying_an_empty_cell_changes_nothing(client, alice, partnership, metric):
    client.force_login(alice)
    response = save(client, partnership, metric, "2024-10-01", "")
    assert response.status_code == 200
    assert metric.measurements.count() == 3


def test_a_cell_read_before_its_value_was_cleared_and_entered_again_is_stale(
    client, alice, bob, partnership, metric
):
    partnership.leads.create(user=bob, functional_area="administrative")
    july = dt.date(2025, 7, 1)
    seen_by_bob = version_of(metric, july)  # bob's grid shows 24
    client.force_login(alice)
    save(client, partnership, metric, "2025-07-01", "")  # alice clears it
    save(client, partnership, metric, "2025-07-01", "31")  # and enters it again

    client.force_login(bob)
    response = save(client, partnership, metric, "2025-07-01", "99", version=seen_by_bob)

    stored = Measurement.objects.get(metric=metric, period_start=july)
    assert stored.value == Decimal(31)
    assert stored.version > seen_by_bob
    assert "Someone else changed this value to “31”" in response.content.decode()
    assert response.context["cell"]["text"] == "99"  # kept for saving again
    response = save(client, partnership, metric, "2025-07-01", "99", version=stored.version)
    assert Measurement.objects.get(metric=metric, period_start=july).value == Decimal(99)
