"""The demo's pipeline and lessons, built on the demo portfolio (see portfolio.py).

Next steps for the potential partnerships (some overdue), one prospect dropped
with its reason, fit assessments of two prospects, and the lessons of the
ended partnerships (demo/data/pipeline.json). All through the services; a row
that exists is left as it is, so a second run changes nothing. No early warning
is made here: warnings come only from the data, through `manage.py early_warning`.
"""

from __future__ import annotations

import datetime as dt

from health.models import Factor
from health.selectors import latest_published_instrument
from lifecycle import services
from lifecycle.models import FitAssessment, Lesson, NextStep
from partnerships.models import Partnership, Stage

from .report import DemoReport
from .specs import load

LABELS = ("next steps", "dropped prospects", "fit assessments", "lessons")


def build_demo(*, today: dt.date) -> DemoReport:
    report = DemoReport(LABELS)
    plan = load("pipeline")
    next_steps, dropped, fit, lessons = (
        plan["next_steps"],
        plan["dropped"],
        plan["fit_assessments"],
        plan["lessons"],
    )
    by_title = {
        p.title: p
        for p in Partnership.objects.select_related("owner").filter(
            title__in=[*next_steps, *dropped, *fit, *lessons]
        )
    }
    potential = {Stage.IDENTIFIED, Stage.OUTREACH, Stage.NEGOTIATING}

    for title, step in next_steps.items():
        partnership = by_title.get(title)
        if partnership is None or partnership.stage not in potential:
            continue
        if NextStep.objects.filter(partnership=partnership).exists():
            report.present["next steps"] += 1
            continue
        # Due in days from the demo's day; negative is overdue.
        services.next_step_set(
            partnership=partnership,
            description=step["description"],
            due_on=today + dt.timedelta(days=step["due_in_days"]),
            by=partnership.owner,
        )
        report.created["next steps"] += 1

    for title, reason in dropped.items():
        partnership = by_title.get(title)
        if partnership is None:
            continue
        if partnership.stage == Stage.WITHDRAWN:
            report.present["dropped prospects"] += 1
        elif partnership.stage in potential:
            services.pipeline_drop(
                partnership=partnership, reason=reason, by=partnership.owner, today=today
            )
            report.created["dropped prospects"] += 1

    for title, judged in fit.items():
        partnership = by_title.get(title)
        if partnership is None:
            continue
        if FitAssessment.objects.filter(partnership=partnership).exists():
            report.present["fit assessments"] += 1
            continue
        services.fit_assessment_record(
            partnership=partnership, by=partnership.owner, today=today, **judged
        )
        report.created["fit assessments"] += 1

    factors = {f.code: f for f in Factor.objects.filter(instrument=latest_published_instrument())}
    for title, lesson in lessons.items():
        partnership = by_title.get(title)
        if partnership is None or partnership.stage not in (Stage.COMPLETED, Stage.FAILED):
            continue
        if Lesson.objects.filter(partnership=partnership).exists():
            report.present["lessons"] += 1
            continue
        services.lesson_record(
            partnership=partnership,
            by=partnership.owner,
            summary=lesson["summary"],
            entries=[
                services.LessonEntry(factors[entry["factor"]], entry["effect"], entry["note"])
                for entry in lesson["entries"]
            ],
        )
        report.created["lessons"] += 1
    return report
