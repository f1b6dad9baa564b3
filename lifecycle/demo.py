"""The demo rows of this app, built on the demo portfolio (see partnerships/demo.py).

Next steps for the potential partnerships (some overdue), one prospect dropped
with its reason, fit assessments of two prospects, and the lessons of the
ended partnerships. All through the services; a row that exists is left as it
is, so a second run changes nothing. No early warning is made here: warnings
come only from the data, through `manage.py early_warning`.
"""

from __future__ import annotations

import datetime as dt

from health.models import Factor
from health.selectors import latest_published_instrument
from partnerships.demo import DemoReport
from partnerships.models import Partnership, Stage

from . import services
from .models import FitAssessment, Lesson, NextStep

LABELS = ("next steps", "dropped prospects", "fit assessments", "lessons")

# title: (next step, due in days from the demo's day; negative is overdue)
NEXT_STEPS = {
    "Neonatal intensive care twinning with Harbourfront Children's Health Centre": (
        "Introductory call with their NICU director",
        -6,
    ),
    "Genomic newborn screening research with the Waitaha Institute": (
        "Share our screening protocol for their ethics pre-review",
        12,
    ),
    "Simulation training exchange with St Brannock's and the Université de Valcourt": (
        "Visit both simulation centres",
        30,
    ),
    "Paediatric cardiac surgery outreach in Rwanda with the Isoko Health Foundation": (
        "Send the draft memorandum back with our comments",
        -3,
    ),
    "Tele-ICU support for rural hospitals with the Rural Telehealth Society": (
        "Agree the pilot hospitals",
        9,
    ),
    "Decentralised trials capability with Ubuntu Clinical Trials Unit and TrialBridge": (
        "Data-protection impact assessment with TrialBridge",
        -14,
    ),
    "Transplant hepatology fellowship with Ospedale Santa Lucilla": (
        "Settle who pays the fellow's stipend",
        5,
    ),
    "Robotic surgery training centre with Clínica Los Cerezos and Hanbit": (
        "Legal review of the equipment loan clause",
        21,
    ),
    "Hypertension control research in Medellín with Universidad San Telmo": (
        "Submit the joint funding application",
        45,
    ),
}

DROPPED = {
    "Nursing faculty exchange with Phù Sa University of Medicine and Pharmacy": (
        "Their faculty's teaching load leaves no one free for exchange visits before 2028; "
        "we agreed to look again then."
    ),
}

FIT = {
    "Transplant hepatology fellowship with Ospedale Santa Lucilla": {
        "goals_rating": 5,
        "goals_note": "Both want a supra-regional transplant hepatology service.",
        "strengths_rating": 4,
        "strengths_note": "Their living-donor volume, our hepatology outpatients.",
        "prior_rating": 3,
        "prior_note": "No prior partnership.",
        "languages_rating": 3,
        "languages_note": "English at consultant level; fellows need Italian on the ward.",
        "hours_rating": 5,
        "hours_note": "One hour apart.",
        "regulatory_rating": 2,
        "regulatory_note": "Fellows need recognition by the Italian medical council.",
        "recommendation": "conditions",
        "summary": "Pursue once medical registration for fellows is settled.",
    },
    "Decentralised trials capability with Ubuntu Clinical Trials Unit and TrialBridge": {
        "goals_rating": 4,
        "goals_note": "Reach trial participants far from the hospital.",
        "strengths_rating": 5,
        "strengths_note": "Their field network and TrialBridge's platform, our sponsors.",
        "prior_rating": 4,
        "prior_note": "TrialBridge already serves our oncology trials network, and serves it well.",
        "languages_rating": 4,
        "languages_note": "English throughout.",
        "hours_rating": 4,
        "hours_note": "Johannesburg is one to two hours ahead.",
        "regulatory_rating": 1,
        "regulatory_note": "Cross-border transfer of trial data needs a full DPIA.",
        "recommendation": "conditions",
        "summary": "Strong fit once data protection is solved; the DPIA is the next step.",
    },
}

# title: (summary, [(factor code, effect, note)])
LESSONS = {
    "Hand hygiene improvement collaborative with Amstelwijk UMC": (
        "A shared audit tool and monthly calls kept both sides honest about the numbers.",
        [
            ("shared-vision", "helped", "One target both boards signed up to."),
            ("communication", "helped", "Monthly calls, results shared the same week."),
            ("leadership", "helped", "A named nurse lead on each side."),
        ],
    ),
    "Perioperative nursing conferences with the Albion Society of Theatre Nurses": (
        "Clear division of work made five conferences routine.",
        [
            ("roles", "helped", "They ran the programme, we ran the venue."),
            ("resources", "helped", "Sponsorship agreed for all five years at the start."),
        ],
    ),
    "Cost-effectiveness study of day-case hip replacement with Nordmark and Alpenrand": (
        "The study finished and changed our pathway; data sharing took a year to agree.",
        [
            ("trust", "helped", "Open about unfavourable interim results."),
            ("regulatory", "hindered", "A year to agree the data-sharing terms."),
        ],
    ),
    "Regional imaging services consortium with the Río Alto Ministry of Health": (
        "Provincial procurement law could not take a foreign co-purchaser; check the law first.",
        [
            ("regulatory", "hindered", "Procurement law excluded a foreign co-purchaser."),
            ("resources", "hindered", "The shared tender was cancelled twice."),
            ("logistics", "hindered", "Scanner sites four hours apart by road."),
        ],
    ),
    "Mobile cardiac screening clinics with Narmada Rural Health Mission Trust": (
        "Depended on one state grant; when it went, so did the vans.",
        [
            ("resources", "hindered", "One source of funding, no plan B."),
            ("trust", "helped", "The Trust's community workers were trusted locally."),
            ("leadership", "hindered", "No one on our side owned the exit plan."),
        ],
    ),
}


def build_demo(*, today: dt.date) -> DemoReport:
    report = DemoReport(LABELS)
    by_title = {
        p.title: p
        for p in Partnership.objects.select_related("owner").filter(
            title__in=[*NEXT_STEPS, *DROPPED, *FIT, *LESSONS]
        )
    }
    potential = {Stage.IDENTIFIED, Stage.OUTREACH, Stage.NEGOTIATING}

    for title, (description, in_days) in NEXT_STEPS.items():
        partnership = by_title.get(title)
        if partnership is None or partnership.stage not in potential:
            continue
        if NextStep.objects.filter(partnership=partnership).exists():
            report.present["next steps"] += 1
            continue
        services.next_step_set(
            partnership=partnership,
            description=description,
            due_on=today + dt.timedelta(days=in_days),
            by=partnership.owner,
        )
        report.created["next steps"] += 1

    for title, reason in DROPPED.items():
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

    for title, judged in FIT.items():
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
    for title, (summary, entries) in LESSONS.items():
        partnership = by_title.get(title)
        if partnership is None or partnership.stage not in (Stage.COMPLETED, Stage.FAILED):
            continue
        if Lesson.objects.filter(partnership=partnership).exists():
            report.present["lessons"] += 1
            continue
        services.lesson_record(
            partnership=partnership,
            by=partnership.owner,
            summary=summary,
            entries=[
                services.LessonEntry(factors[code], effect, note) for code, effect, note in entries
            ],
        )
        report.created["lessons"] += 1
    return report
