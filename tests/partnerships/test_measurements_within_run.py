"""A value belongs to its partnership's run, in PostgreSQL too (migration
partnerships/0025): a measurement written around the services (`create`,
`bulk_create`, `QuerySet.update`, a COPY), or a start or end date moved past
recorded values the same way, is refused by the database, with the edges of
`periods.unrecordable` (a period that straddles the start or the end belongs to
the run). Only what changes is checked: a value stored outside the run before
the rule blocks no other edit. Where a service meets the triggers, it says
why in words (`models.RUN_REFUSALS`, through `core.refusals`).

The words the pages and the API say first, with the period and the day, are
`clean`'s and `services.refuse_stranded`'s: tests/partnerships/
test_end_date_and_measurements.py and test_start_date_and_measurements.py.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import refusals
from partnerships import measurement_import, services
from partnerships.measurement_import import Row
from partnerships.models import Measurement, Objective, OutcomeMetric, Partnership
from partnerships.periods import Frequency, Period
from tests.factories import MeasurementFactory, MetricFactory, ObjectiveFactory, PartnershipFactory
from tests.triggers import before_the_rule, sql_each

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


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
    return MetricFactory(objective=ObjectiveFactory(partnership=partnership), frequency="monthly")


@pytest.fixture
def quarterly(partnership):
    return MetricFactory(objective=ObjectiveFactory(partnership=partnership), frequency="quarterly")


def dated(partnership, **dates) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(**dates)
    return Partnership.objects.get(pk=partnership.pk)


def stored(partnership) -> Partnership:
    return Partnership.objects.get(pk=partnership.pk)


def periods(metric) -> list[dt.date]:
    return list(metric.measurements.order_by("period_start").values_list("period_start", flat=True))


def refused_by(error) -> str:
    return refusals.constraint_name(error.value)


def write(how, metric, period_start, *, moved_from=dt.date(2025, 1, 1)):
    """A value written around the services: `create`, `bulk_create`, or an
    `update` moving a value of a period inside the run (`moved_from`) to
    `period_start`."""
    fields = {"metric": metric, "value": Decimal("5"), "entered_by": metric.owner}
    if how == "create":
        Measurement.objects.create(period_start=period_start, **fields)
    elif how == "bulk_create":
        Measurement.objects.bulk_create([Measurement(period_start=period_start, **fields)])
    else:
        moved = Measurement.objects.create(period_start=moved_from, **fields)
        Measurement.objects.filter(pk=moved.pk).update(period_start=period_start)


WRITERS = ["create", "bulk_create", "update"]


class TestAValueAfterTheEnd:
    @pytest.mark.parametrize("how", WRITERS)
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
        self, partnership, monthly, how, end, refused
    ):
        dated(partnership, end_date=end)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                write(how, monthly, MARCH)
            assert refused_by(error) == "measurement_began_after_end"
            assert periods(monthly) == []
        else:
            write(how, monthly, MARCH)
            assert periods(monthly) == [MARCH]

    def test_a_quarter_straddling_the_end_belongs_to_the_run(self, partnership, quarterly):
        dated(partnership, end_date=dt.date(2026, 2, 15))
        write("create", quarterly, dt.date(2026, 1, 1))
        with pytest.raises(IntegrityError) as error, transaction.atomic():
            write("create", quarterly, dt.date(2026, 4, 1))
        assert refused_by(error) == "measurement_began_after_end"
        assert periods(quarterly) == [dt.date(2026, 1, 1)]

    def test_one_value_outside_refuses_the_whole_statement(self, partnership, monthly):
        dated(partnership, end_date=dt.date(2026, 2, 28))
        rows = [
            Measurement(
                metric=monthly, period_start=day, value=Decimal("5"), entered_by=monthly.owner
            )
            for day in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), MARCH)
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            Measurement.objects.bulk_create(rows)
        assert periods(monthly) == []

    def test_a_value_moved_to_a_metric_of_an_ended_partnership_is_refused(
        self, alice, partnership, monthly
    ):
        ended = PartnershipFactory(owner=alice, end_date=dt.date(2026, 2, 28))
        other = MetricFactory(objective=ObjectiveFactory(partnership=ended), frequency="monthly")
        value = MeasurementFactory(metric=monthly, period_start=MARCH)
        with pytest.raises(IntegrityError) as error, transaction.atomic():
            Measurement.objects.filter(pk=value.pk).update(metric=other)
        assert refused_by(error) == "measurement_began_after_end"
        assert Measurement.objects.get().metric == monthly


class TestAValueBeforeTheStart:
    @pytest.mark.parametrize("how", WRITERS)
    @pytest.mark.parametrize(
        ("start", "refused"),
        [
            (dt.date(2026, 3, 1), True),  # February ended the day before the start
            (dt.date(2026, 2, 28), False),  # February ended on the start date
            (dt.date(2026, 2, 27), False),
            (None, False),
        ],
    )
    def test_a_period_ending_the_day_before_the_start_is_refused(
        self, partnership, monthly, how, start, refused
    ):
        february, june = dt.date(2026, 2, 1), dt.date(2026, 6, 1)
        dated(partnership, start_date=start)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                write(how, monthly, february, moved_from=june)
            assert refused_by(error) == "measurement_ended_before_start"
            assert periods(monthly) == []
        else:
            write(how, monthly, february, moved_from=june)
            assert periods(monthly) == [february]

    @pytest.mark.parametrize(
        ("start", "refused"),
        [(dt.date(2026, 4, 1), True), (dt.date(2026, 3, 31), False)],
    )
    def test_a_quarter_ends_on_its_last_day(self, partnership, quarterly, start, refused):
        dated(partnership, start_date=start)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                write("create", quarterly, dt.date(2026, 1, 1))
            assert refused_by(error) == "measurement_ended_before_start"
            assert periods(quarterly) == []
        else:
            write("create", quarterly, dt.date(2026, 1, 1))
            assert periods(quarterly) == [dt.date(2026, 1, 1)]


class TestMovingTheDates:
    @pytest.fixture
    def recorded(self, partnership, monthly, quarterly):
        """Values for June and July 2026 (monthly) and the second quarter of 2026."""
        for month in (6, 7):
            MeasurementFactory(metric=monthly, period_start=dt.date(2026, month, 1))
        MeasurementFactory(metric=quarterly, period_start=dt.date(2026, 4, 1))
        return partnership

    @pytest.mark.parametrize(
        ("end", "refused"),
        [
            (dt.date(2026, 6, 30), True),  # July began the day after
            (dt.date(2026, 7, 1), False),  # July began on it
            (dt.date(2026, 7, 2), False),
        ],
    )
    def test_an_end_before_a_recorded_period_is_refused(self, recorded, end, refused):
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                Partnership.objects.filter(pk=recorded.pk).update(end_date=end)
            assert refused_by(error) == "partnership_ends_after_its_measurements"
            assert stored(recorded).end_date is None
        else:
            Partnership.objects.filter(pk=recorded.pk).update(end_date=end)
            assert stored(recorded).end_date == end
        assert Measurement.objects.count() == 3

    @pytest.mark.parametrize(
        ("start", "refused"),
        [
            (dt.date(2026, 7, 1), True),  # June and the second quarter ended the day before
            (dt.date(2026, 6, 30), False),  # both end on it
            (dt.date(2026, 6, 1), False),
        ],
    )
    def test_a_start_after_a_recorded_period_is_refused(self, recorded, start, refused):
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                Partnership.objects.filter(pk=recorded.pk).update(start_date=start)
            assert refused_by(error) == "partnership_starts_before_its_measurements"
            assert stored(recorded).start_date == dt.date(2025, 1, 1)
        else:
            Partnership.objects.filter(pk=recorded.pk).update(start_date=start)
            assert stored(recorded).start_date == start
        assert Measurement.objects.count() == 3

    def test_each_metric_s_own_period_says_when_its_value_ended(self, partnership, quarterly):
        # The second quarter of 2026 runs to 30 June: a start in June strands nothing.
        MeasurementFactory(metric=quarterly, period_start=dt.date(2026, 4, 1))
        Partnership.objects.filter(pk=partnership.pk).update(start_date=dt.date(2026, 6, 15))
        assert stored(partnership).start_date == dt.date(2026, 6, 15)

    def test_values_of_another_partnership_do_not_count(self, alice, recorded):
        other = PartnershipFactory(owner=alice)
        Partnership.objects.filter(pk=other.pk).update(end_date=dt.date(2025, 6, 30))
        assert stored(other).end_date == dt.date(2025, 6, 30)


class TestMovingAMetricOrAnObjective:
    """No service moves them; a write around the services that would leave
    their values outside the run is refused all the same."""

    @pytest.fixture
    def ended(self, alice):
        """Started on 1 January 2025, ended on 28 February 2026."""
        return PartnershipFactory(
            owner=alice, start_date=dt.date(2025, 1, 1), end_date=dt.date(2026, 2, 28)
        )

    @pytest.mark.parametrize(
        ("period_start", "refused"), [(MARCH, True), (dt.date(2026, 2, 1), False)]
    )
    def test_a_metric_moved_to_an_objective_of_a_run_its_values_lie_outside(
        self, monthly, ended, period_start, refused
    ):
        MeasurementFactory(metric=monthly, period_start=period_start)
        there = ObjectiveFactory(partnership=ended)
        moving = OutcomeMetric.objects.filter(pk=monthly.pk)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                moving.update(objective=there)
            assert refused_by(error) == "metric_values_within_run"
            assert moving.get().objective == monthly.objective
        else:
            moving.update(objective=there)
            assert moving.get().objective == there

    @pytest.mark.parametrize(("frequency", "refused"), [("monthly", True), ("semiannual", False)])
    def test_a_metric_given_a_shorter_period_that_ends_before_the_start(
        self, partnership, frequency, refused
    ):
        """An annual value for 2026 belongs to a run started on 1 June 2026; a
        monthly one for January 2026 would not, a half-year's for H1 would."""
        annual = MetricFactory(
            objective=ObjectiveFactory(partnership=partnership), frequency="annual"
        )
        MeasurementFactory(metric=annual, period_start=dt.date(2026, 1, 1))
        dated(partnership, start_date=dt.date(2026, 6, 1))
        metrics = OutcomeMetric.objects.filter(pk=annual.pk)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                metrics.update(frequency=frequency)
            assert refused_by(error) == "metric_values_within_run"
            assert metrics.get().frequency == "annual"
        else:
            metrics.update(frequency=frequency)
            assert metrics.get().frequency == frequency

    @pytest.mark.parametrize(
        ("period_start", "refused"), [(MARCH, True), (dt.date(2026, 2, 1), False)]
    )
    def test_an_objective_moved_to_a_run_its_values_lie_outside(
        self, monthly, ended, period_start, refused
    ):
        MeasurementFactory(metric=monthly, period_start=period_start)
        objectives = Objective.objects.filter(pk=monthly.objective_id)
        if refused:
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                objectives.update(partnership=ended)
            assert refused_by(error) == "objective_values_within_run"
            assert objectives.get().partnership_id == monthly.objective.partnership_id
        else:
            objectives.update(partnership=ended)
            assert objectives.get().partnership == ended


class TestValuesStoredBeforeTheRule:
    """A partnership ended on 28 February 2026, with a value for March stored
    before the rule."""

    @pytest.fixture
    def stranded(self, partnership, monthly):
        with before_the_rule():
            dated(partnership, end_date=dt.date(2026, 2, 28))
            MeasurementFactory(metric=monthly, period_start=MARCH, value=Decimal("3"))
        return stored(partnership)

    def test_an_edit_of_its_title_still_saves(self, stranded):
        Partnership.objects.filter(pk=stranded.pk).update(title="Renamed")
        stranded.title = "Renamed again"
        stranded.save()
        assert (stored(stranded).title, stored(stranded).end_date) == (
            "Renamed again",
            dt.date(2026, 2, 28),
        )

    def test_its_end_date_moves_only_where_it_strands_nothing_more(self, stranded):
        with pytest.raises(IntegrityError), transaction.atomic():
            Partnership.objects.filter(pk=stranded.pk).update(end_date=dt.date(2026, 2, 27))
        Partnership.objects.filter(pk=stranded.pk).update(end_date=MARCH)
        assert stored(stranded).end_date == MARCH

    def test_its_stored_value_is_kept_by_other_writes_and_can_be_cleared(self, stranded, monthly):
        # A correction of the number moves no period (the services refuse it
        # in words: `Measurement.clean`); clearing it is how it goes.
        Measurement.objects.filter(metric=monthly).update(value=Decimal("4"))
        assert monthly.measurements.get().value == Decimal("4")
        Measurement.objects.filter(metric=monthly).delete()
        assert periods(monthly) == []


class TestInWords:
    """A service that meets a trigger says why next to the field
    (`core.refusals.said`), as every door shows a ValidationError."""

    @pytest.mark.parametrize(
        ("dates", "period_start", "said"),
        [
            (
                {"end_date": dt.date(2026, 2, 28)},
                MARCH,
                "This period began after the partnership ended.",
            ),
            (
                {"start_date": dt.date(2026, 4, 1)},
                dt.date(2026, 2, 1),
                "This period ended before the partnership started.",
            ),
        ],
    )
    def test_a_value_outside_the_run(self, partnership, monthly, dates, period_start, said):
        dated(partnership, **dates)
        with pytest.raises(ValidationError) as error, refusals.said():
            write("create", monthly, period_start)
        assert error.value.message_dict == {"period_start": [said]}
        assert periods(monthly) == []

    @pytest.mark.parametrize(
        ("dates", "said"),
        [
            (
                {"end_date": dt.date(2026, 4, 30)},
                {
                    "end_date": [
                        "Values are recorded for periods that begin after this date: "
                        "clear them first, or choose a later date."
                    ]
                },
            ),
            (
                {"start_date": dt.date(2026, 6, 1)},
                {
                    "start_date": [
                        "Values are recorded for periods that end before this date: "
                        "clear them first, or choose an earlier date."
                    ]
                },
            ),
        ],
    )
    def test_a_date_moved_past_values(self, partnership, monthly, dates, said):
        MeasurementFactory(metric=monthly, period_start=dt.date(2026, 5, 1))
        with pytest.raises(ValidationError) as error, refusals.said():
            Partnership.objects.filter(pk=partnership.pk).update(**dates)
        assert error.value.message_dict == said
        assert (stored(partnership).start_date, stored(partnership).end_date) == (
            dt.date(2025, 1, 1),
            None,
        )

    @pytest.mark.parametrize("service", ["measurement_save", "measurement_record"])
    def test_a_value_saved_as_its_objective_moves_to_an_ended_run(
        self, alice, partnership, monthly, service
    ):
        """The grid's metric, read before a script moved its objective to a
        partnership that ended in February: the service checks the run it
        read, PostgreSQL the run the value now belongs to."""
        assert monthly.objective.partnership == partnership  # as the page read it
        ended = PartnershipFactory(owner=alice, end_date=dt.date(2026, 2, 28))
        Objective.objects.filter(pk=monthly.objective_id).update(partnership=ended)
        with pytest.raises(ValidationError) as error:
            getattr(services, service)(
                metric=monthly, period_start=MARCH, value=Decimal("5"), entered_by=alice
            )
        assert error.value.message_dict == {
            "period_start": ["This period began after the partnership ended."]
        }
        assert periods(monthly) == []

    def test_an_import_saved_around_its_check_names_the_period_not_a_500(
        self, alice, partnership, monthly
    ):
        """The file's rows saved without `check` (which names each bad row by
        its column): the COPY meets the trigger, and the import says why."""
        ended = dated(partnership, end_date=dt.date(2026, 2, 28))
        monthly.objective.partnership = ended
        parsed = [
            Row(2, monthly, dt.date(2026, 2, 1), Decimal("4"), "", stored=None),
            Row(3, monthly, MARCH, Decimal("5"), "", stored=None),
        ]
        result = measurement_import.measurements_save(parsed=parsed, user=alice)
        assert [error.message for error in result.errors] == [
            "This period began after the partnership ended."
        ]
        assert periods(monthly) == []


def test_the_database_s_period_ends_where_python_s_do():
    """`partnerships_period_end` is `Period.containing(day, frequency).end`, for
    every frequency and month, a period's first day or any other."""
    days = [
        dt.date(year, month, day)
        for year in (2024, 2025)  # a leap year and another
        for month in range(1, 13)
        for day in (1, 15, 28)
    ]
    cases = [(day, frequency) for day in days for frequency in Frequency]
    ends = sql_each("partnerships_period_end", cases)
    assert ends == [Period.containing(day, frequency).end for day, frequency in cases]
