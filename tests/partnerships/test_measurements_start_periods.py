"""A value is named by the first day of a period of its metric's frequency
(`periods.is_period_start`), in PostgreSQL too (migration partnerships/0027):
a measurement written around the services (`create`, `bulk_create`,
`QuerySet.update`) on a day that starts no period of its metric is refused,
and so is a change of a metric's frequency that would leave its stored values
on such days. Only what changes is checked: a value stored off its periods
before the rule blocks no other edit.

No page, API endpoint or admin page changes a metric once added (the admin
shows metrics read-only); `OutcomeMetric.clean` says the refusal next to the
frequency field for the form any door would use (`MetricForm`, as the page and
the API add metrics), and the database refuses every other writer.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import refusals
from partnerships import services
from partnerships.forms_partnerships import MetricForm
from partnerships.models import Measurement, OutcomeMetric
from partnerships.periods import Frequency, is_period_start
from tests.factories import MeasurementFactory, MetricFactory, ObjectiveFactory, PartnershipFactory
from tests.partnerships.test_start_date_race import in_a_thread, wait_until_blocked_or_done
from tests.triggers import before_the_rule, sql_each

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def partnership(alice):
    """Started on 1 January 2024, running on."""
    return PartnershipFactory(owner=alice, start_date=dt.date(2024, 1, 1))


def metric_of(partnership, frequency):
    return MetricFactory(objective=ObjectiveFactory(partnership=partnership), frequency=frequency)


def periods(metric) -> list[dt.date]:
    return list(metric.measurements.order_by("period_start").values_list("period_start", flat=True))


def frequency_of(metric) -> str:
    return OutcomeMetric.objects.get(pk=metric.pk).frequency


def refused_by(error) -> str:
    return refusals.constraint_name(error.value)


def write(how, metric, period_start, *, moved_from):
    """A value written around the services: `create`, `bulk_create`, or an
    `update` moving a value of the period starting on `moved_from` (one of
    the metric's) to `period_start`."""
    fields = {"metric": metric, "value": Decimal("5"), "entered_by": metric.owner}
    if how == "create":
        Measurement.objects.create(period_start=period_start, **fields)
    elif how == "bulk_create":
        Measurement.objects.bulk_create([Measurement(period_start=period_start, **fields)])
    else:
        moved = Measurement.objects.create(period_start=moved_from, **fields)
        Measurement.objects.filter(pk=moved.pk).update(period_start=period_start)


def month_from(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# A period start of each frequency: 1 July 2026 starts a month, a quarter and a
# half-year; 1 January 2026 a year.
STARTS = {
    Frequency.MONTHLY: dt.date(2026, 7, 1),
    Frequency.QUARTERLY: dt.date(2026, 7, 1),
    Frequency.SEMIANNUAL: dt.date(2026, 7, 1),
    Frequency.ANNUAL: dt.date(2026, 1, 1),
}
NOT_A_MONTH = "measurement_period_starts_a_month"  # a CHECK since 0001
NOT_A_PERIOD = "measurement_starts_a_period"

CASES = [
    pytest.param(frequency, day, refusal, id=f"{frequency.value}-{name}")
    for frequency, start in STARTS.items()
    for name, day, refusal in [
        ("the start", start, None),
        ("the day before", start - DAY, NOT_A_MONTH),
        ("the day after", start + DAY, NOT_A_MONTH),
        # Months start every monthly period; no other frequency's neighbours.
        (
            "the month before",
            month_from(start, -1),
            None if frequency == Frequency.MONTHLY else NOT_A_PERIOD,
        ),
        (
            "the month after",
            month_from(start, 1),
            None if frequency == Frequency.MONTHLY else NOT_A_PERIOD,
        ),
    ]
]


class TestAValueOffItsPeriods:
    @pytest.mark.parametrize("how", ["create", "bulk_create", "update"])
    @pytest.mark.parametrize(("frequency", "day", "refusal"), CASES)
    def test_a_value_is_saved_on_a_period_start_only(
        self, partnership, how, frequency, day, refusal
    ):
        metric = metric_of(partnership, frequency)
        # A year earlier starts a period of every frequency.
        year_before = month_from(STARTS[frequency], -12)
        if refusal:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                write(how, metric, day, moved_from=year_before)
            assert refused_by(error) == refusal
            assert periods(metric) == []
        else:
            write(how, metric, day, moved_from=year_before)
            assert periods(metric) == [day]

    def test_one_value_off_its_periods_refuses_the_whole_statement(self, partnership):
        quarterly = metric_of(partnership, "quarterly")
        rows = [
            Measurement(metric=quarterly, period_start=day, value=1, entered_by=quarterly.owner)
            for day in (dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1))
        ]
        with pytest.raises(IntegrityError) as error, transaction.atomic():
            Measurement.objects.bulk_create(rows)
        assert refused_by(error) == NOT_A_PERIOD
        assert periods(quarterly) == []

    def test_each_value_is_checked_by_its_own_metric(self, partnership):
        monthly, quarterly = metric_of(partnership, "monthly"), metric_of(partnership, "quarterly")
        may = dt.date(2026, 5, 1)
        Measurement.objects.bulk_create(
            [
                Measurement(metric=monthly, period_start=may, value=1, entered_by=monthly.owner),
                Measurement(
                    metric=quarterly,
                    period_start=dt.date(2026, 4, 1),
                    value=1,
                    entered_by=quarterly.owner,
                ),
            ]
        )
        assert (periods(monthly), periods(quarterly)) == ([may], [dt.date(2026, 4, 1)])

    def test_a_value_moved_to_a_metric_it_starts_no_period_of_is_refused(self, partnership):
        monthly, quarterly = metric_of(partnership, "monthly"), metric_of(partnership, "quarterly")
        value = MeasurementFactory(metric=monthly, period_start=dt.date(2026, 5, 1))
        with pytest.raises(IntegrityError) as error, transaction.atomic():
            Measurement.objects.filter(pk=value.pk).update(metric=quarterly)
        assert refused_by(error) == NOT_A_PERIOD
        assert Measurement.objects.get().metric == monthly


class TestChangingTheFrequency:
    """Values recorded monthly for January, April and July 2026: each starts a
    quarter, January and July a half-year, only January a year."""

    @pytest.fixture
    def monthly(self, partnership):
        metric = metric_of(partnership, "monthly")
        for month in (1, 4, 7):
            MeasurementFactory(metric=metric, period_start=dt.date(2026, month, 1))
        return metric

    @pytest.mark.parametrize(
        ("frequency", "refused"),
        [("quarterly", False), ("semiannual", True), ("annual", True)],
    )
    def test_a_frequency_leaving_a_value_off_its_periods_is_refused(
        self, monthly, frequency, refused
    ):
        metrics = OutcomeMetric.objects.filter(pk=monthly.pk)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                metrics.update(frequency=frequency)
            assert refused_by(error) == "metric_values_start_periods"
            assert frequency_of(monthly) == "monthly"
        else:
            metrics.update(frequency=frequency)
            assert frequency_of(monthly) == frequency
        assert len(periods(monthly)) == 3

    def test_a_value_cleared_first_lets_the_frequency_change(self, monthly):
        monthly.measurements.filter(period_start=dt.date(2026, 4, 1)).delete()
        monthly.frequency = "semiannual"
        monthly.save()
        assert frequency_of(monthly) == "semiannual"

    @pytest.mark.parametrize("frequency", list(Frequency))
    def test_a_metric_without_values_takes_any_frequency(self, partnership, frequency):
        metric = metric_of(partnership, "quarterly")
        OutcomeMetric.objects.filter(pk=metric.pk).update(frequency=frequency)
        assert frequency_of(metric) == frequency

    def test_a_longer_period_back_to_a_shorter_one_is_never_refused(self, partnership):
        annual = metric_of(partnership, "annual")
        MeasurementFactory(metric=annual, period_start=dt.date(2026, 1, 1))
        for frequency in ("semiannual", "quarterly", "monthly"):
            OutcomeMetric.objects.filter(pk=annual.pk).update(frequency=frequency)
        assert frequency_of(annual) == "monthly"


class TestValuesStoredBeforeTheRule:
    """A quarterly metric holding a value for February 2026, stored before the rule."""

    @pytest.fixture
    def off(self, partnership):
        metric = metric_of(partnership, "quarterly")
        with before_the_rule():
            MeasurementFactory(metric=metric, period_start=dt.date(2026, 2, 1), value=3)
        return metric

    def test_other_edits_of_the_metric_still_save(self, off):
        off.name = "Renamed"
        off.full_clean()
        off.save()
        assert OutcomeMetric.objects.get(pk=off.pk).name == "Renamed"

    def test_its_number_can_be_corrected_and_it_can_be_cleared(self, off):
        Measurement.objects.filter(metric=off).update(value=Decimal("4"))
        assert off.measurements.get().value == Decimal("4")
        off.measurements.all().delete()
        assert periods(off) == []

    def test_other_values_of_the_metric_are_written(self, off):
        MeasurementFactory(metric=off, period_start=dt.date(2026, 4, 1))
        assert periods(off) == [dt.date(2026, 2, 1), dt.date(2026, 4, 1)]

    @pytest.mark.parametrize(("frequency", "refused"), [("monthly", False), ("annual", True)])
    def test_a_frequency_it_starts_a_period_of_mends_it(self, off, frequency, refused):
        metrics = OutcomeMetric.objects.filter(pk=off.pk)
        if refused:
            with pytest.raises(IntegrityError), transaction.atomic():
                metrics.update(frequency=frequency)
            assert frequency_of(off) == "quarterly"
        else:
            metrics.update(frequency=frequency)
            assert frequency_of(off) == frequency


class TestInWords:
    """Next to the field: `OutcomeMetric.clean` first, with how many values
    and which periods; a write that meets the database all the same is
    refused in its words (`models.PERIOD_REFUSALS`, through `core.refusals`)."""

    @pytest.fixture
    def monthly(self, partnership):
        """Values for January, February, March, May and June 2026."""
        metric = metric_of(partnership, "monthly")
        for month in (1, 2, 3, 5, 6):
            MeasurementFactory(metric=metric, period_start=dt.date(2026, month, 1))
        return metric

    def posted(self, metric, **changes) -> dict:
        form = MetricForm(instance=metric, objective=metric.objective)
        data = {}
        for name in form.fields:
            value = form.initial.get(name)
            data[form.add_prefix(name)] = "" if value is None else str(value)
        data.update({form.add_prefix(name): value for name, value in changes.items()})
        return data

    def test_the_metric_form_says_how_many_and_which_next_to_the_frequency(self, monthly):
        name = monthly.name
        form = MetricForm(
            self.posted(monthly, frequency="quarterly", name="Renamed"),
            instance=monthly,
            objective=monthly.objective,
        )
        assert not form.is_valid()
        assert form.errors == {
            "frequency": [
                "Reported quarterly, 4 recorded values would not start a period "
                "(Feb 2026, Mar 2026, May 2026, …): clear them first, or keep this "
                "metric reported monthly."
            ]
        }
        # What was typed is kept for the page to show again.
        assert form["frequency"].value() == "quarterly"
        assert form["name"].value() == "Renamed"
        stored = OutcomeMetric.objects.get(pk=monthly.pk)
        assert (stored.frequency, stored.name) == ("monthly", name)

    def test_one_value_is_named_alone(self, partnership):
        quarterly = metric_of(partnership, "quarterly")
        for month in (1, 4):
            MeasurementFactory(metric=quarterly, period_start=dt.date(2026, month, 1))
        form = MetricForm(
            self.posted(quarterly, frequency="semiannual"),
            instance=quarterly,
            objective=quarterly.objective,
        )
        assert form.errors == {
            "frequency": [
                "Reported every six months, 1 recorded value would not start a period "
                "(Q2 2026): clear it first, or keep this metric reported quarterly."
            ]
        }

    @pytest.mark.parametrize(("frequency", "name"), [("monthly", "Renamed"), ("quarterly", "Kept")])
    def test_a_frequency_kept_or_aligned_saves(self, partnership, frequency, name):
        quarterly = metric_of(partnership, "quarterly")
        MeasurementFactory(metric=quarterly, period_start=dt.date(2026, 4, 1))
        form = MetricForm(
            self.posted(quarterly, frequency=frequency, name=name),
            instance=quarterly,
            objective=quarterly.objective,
        )
        assert form.errors == {}
        form.save()
        stored = OutcomeMetric.objects.get(pk=quarterly.pk)
        assert (stored.frequency, stored.name) == (frequency, name)

    def test_a_frequency_changed_around_the_check_is_said_next_to_it(self, monthly):
        with pytest.raises(ValidationError) as error, refusals.said():
            OutcomeMetric.objects.filter(pk=monthly.pk).update(frequency="annual")
        assert error.value.message_dict == {
            "frequency": [
                "Values are recorded for periods that would not start one of this frequency: "
                "clear them first, or keep the metric's frequency."
            ]
        }
        assert frequency_of(monthly) == "monthly"

    @pytest.mark.parametrize("service", ["measurement_save", "measurement_record"])
    def test_a_value_saved_as_a_script_changes_its_frequency(self, alice, partnership, service):
        """The grid's metric, read monthly before a script made it quarterly:
        the service checks the frequency it read, PostgreSQL the one stored."""
        metric = metric_of(partnership, "monthly")
        OutcomeMetric.objects.filter(pk=metric.pk).update(frequency="quarterly")
        with pytest.raises(ValidationError) as error:
            getattr(services, service)(
                metric=metric,
                period_start=dt.date(2026, 5, 1),
                value=Decimal("5"),
                entered_by=alice,
            )
        assert error.value.message_dict == {
            "period_start": ["This day does not start a period of the metric's frequency."]
        }
        assert periods(metric) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestAtTheSameInstant:
    """A value written and its metric's frequency changed at the same moment,
    each alone allowed: the second waits for the first (the values' trigger
    holds the metric FOR SHARE) and is refused. As in
    tests/partnerships/test_start_date_race.py, one write is held open here
    while the other runs on a second connection."""

    MAY = dt.date(2026, 5, 1)

    def test_a_value_written_while_the_frequency_changes_waits_and_is_refused(self, partnership):
        metric = metric_of(partnership, "monthly")
        with transaction.atomic():
            OutcomeMetric.objects.filter(pk=metric.pk).update(frequency="quarterly")
            thread, outcome = in_a_thread(
                lambda: write("create", metric, self.MAY, moved_from=None)
            )
            wait_until_blocked_or_done(thread)
        thread.join(timeout=30)

        (result,) = outcome
        assert isinstance(result, IntegrityError)
        assert refusals.constraint_name(result) == NOT_A_PERIOD
        assert (frequency_of(metric), periods(metric)) == ("quarterly", [])

    def test_a_frequency_changed_while_a_value_is_written_waits_and_is_refused(self, partnership):
        metric = metric_of(partnership, "monthly")
        with transaction.atomic():
            write("create", metric, self.MAY, moved_from=None)
            thread, outcome = in_a_thread(
                lambda: OutcomeMetric.objects.filter(pk=metric.pk).update(frequency="quarterly")
            )
            wait_until_blocked_or_done(thread)
        thread.join(timeout=30)

        (result,) = outcome
        assert isinstance(result, IntegrityError)
        assert refusals.constraint_name(result) == "metric_values_start_periods"
        assert (frequency_of(metric), periods(metric)) == ("monthly", [self.MAY])


@pytest.mark.django_db
def test_the_database_s_period_starts_are_python_s():
    """`partnerships_is_period_start` is `periods.is_period_start`, for every
    frequency and month, a month's first day or another."""
    days = [dt.date(2025, month, day) for month in range(1, 13) for day in (1, 2, 28)]
    cases = [(day, frequency) for day in days for frequency in Frequency]
    starts = sql_each("partnerships_is_period_start", cases)
    assert starts == [is_period_start(day, frequency) for day, frequency in cases]
