"""The demo: a pipeline with next steps, a dropped prospect, fit assessments and lessons."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from lifecycle.models import FitAssessment, Lesson, NextStep
from partnerships.models import Partnership, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    with time_machine.travel(dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC), tick=False):
        first = StringIO()
        call_command("seed_demo", stdout=first)
        yield first.getvalue()


def test_the_demo_has_a_pipeline_with_overdue_next_steps(seeded):
    steps = NextStep.objects.select_related("partnership")
    assert steps.count() == 9
    assert all(step.partnership.family == "potential" for step in steps)
    assert steps.filter(due_on__lt=dt.date(2026, 11, 20)).count() == 3


def test_the_demo_has_a_dropped_prospect_with_its_reason(seeded):
    change = StageChange.objects.get(to_stage="withdrawn")
    assert change.partnership.title.startswith("Nursing faculty exchange")
    assert "teaching load" in change.reason
    assert change.partnership.end_date == dt.date(2026, 11, 20)


def test_the_demo_has_fit_assessments_and_lessons(seeded):
    assert FitAssessment.objects.count() == 2
    lessons = Lesson.objects.select_related("partnership")
    assert {lesson.partnership.stage for lesson in lessons} == {"completed", "failed"}
    assert lessons.count() == 5


def test_a_second_run_changes_nothing_of_this_app(seeded):
    second = StringIO()
    call_command("seed_demo", stdout=second)
    for label in ("next steps", "dropped prospects", "fit assessments", "lessons"):
        line = next(row for row in second.getvalue().splitlines() if row.strip().startswith(label))
        assert line.split()[-2] == "0", line
    assert NextStep.objects.count() == 9


def test_the_factor_view_shows_the_demo_lessons(seeded, client):
    client.force_login(Partnership.objects.get(title__startswith="Regional imaging").owner)
    response = client.get(reverse("lifecycle:factors"))
    rows = {code: cells for code, _, cells, _ in response.context["rows"]}
    columns = [value for value, _ in response.context["columns"]]
    # Regulatory hindered: the failed imaging consortium (lesson), the completed hip
    # study (lesson) and both prospects judged 1–2 on regulatory fit.
    assert rows["regulatory"][columns.index("failed")][0] == 1
    assert rows["regulatory"][columns.index("successful")][0] == 1
    assert rows["regulatory"][columns.index("potential")][0] == 2
