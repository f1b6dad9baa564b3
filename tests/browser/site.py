"""A small portfolio with one of every kind of page, for the accessibility tests.

`build_site(text)` names the partner, the partnership, the metric, the notes and
the lesson from `text`, so the same pages can be filled with plain English, a
very long unbroken word or Arabic.
"""

import dataclasses
import datetime as dt
import re
from decimal import Decimal

from django.core import mail
from django.utils import timezone

from evaluation import services as evaluation
from evaluation.models import Scorecard
from health import services as health
from health.models import Respondent
from lifecycle import services as lifecycle
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MemberFactory,
    MetricFactory,
    ObjectiveFactory,
    PartnerFactory,
    PartnershipFactory,
)
from tests.health.builders import open_round
from tests.lifecycle.helpers import NOT_REPORTED, OFF_TRACK, factor, month_end


@dataclasses.dataclass
class Text:
    """What the user typed: a name (at most 200 characters) and a note (longer)."""

    name: str
    note: str


PLAIN = Text("Hôpital Lac-Bleu", "Referrals are counted by the ward clerk every Friday.")
# 200 and 300 characters without a space: a pasted address or a German compound.
UNBROKEN = Text("Krankenhaus" * 18 + "Lac", "Überweisungsstatistik" * 14 + "Ende")
ARABIC = Text(
    "مستشفى الأمل التعليمي للأمراض القلبية والأوعية الدموية",
    "تُحسب الإحالات كل يوم جمعة من قبل كاتب الجناح، ثم تُرسل إلى المنسق.",
)
# Both at once: Arabic first (so the text reads right to left), then a long unbroken word.
ARABIC_UNBROKEN = Text(f"{ARABIC.name} {UNBROKEN.name}"[:200], f"{ARABIC.note} {UNBROKEN.note}")


@dataclasses.dataclass
class Site:
    partner: object
    partnership: object
    ended: object
    potential: object
    agreement: object
    scorecard: object
    warning: object
    answer_link: str


def build_site(owner, text: Text = PLAIN) -> Site:
    """Every page type with something on it, owned by `owner` (a manager)."""
    today = timezone.localdate()
    partner = PartnerFactory(name=text.name, city=text.name[:120])
    partnership = PartnershipFactory(
        owner=owner, title=text.name, stage="active", member__partner=partner, member__role="lead"
    )
    MemberFactory(partnership=partnership)
    agreement = AgreementFactory(
        partnership=partnership,
        title=text.name,
        status="active",
        effective_date=dt.date(2025, 1, 1),
        # Within the expiry window, so the home page lists it.
        expiry_date=today + dt.timedelta(days=30),
    )
    objective = ObjectiveFactory(partnership=partnership, title=text.name, status="on_track")
    for index in range(2):
        metric = MetricFactory(
            objective=objective, name=f"{text.name[:190]} {index}", data_source=text.name
        )
        for quarter, value in ((1, 14), (4, 18), (7, 24)):
            MeasurementFactory(
                metric=metric,
                period_start=dt.date(2025, quarter, 1),
                value=Decimal(value),
                evidence=text.note,
            )

    # Scorecards to review and to chart, then a month whose flags raise a warning.
    month = evaluation.last_closed_month_today()
    for period in (month.previous().previous(), month.previous()):
        run = evaluation.assessment_run_start(period_start=period.start)
        for chunk_id in evaluation.assessment_run_pending_chunks(run=run):
            evaluation.assessment_chunk_execute(chunk_id=chunk_id)
    scorecard = Scorecard.objects.filter(partnership=partnership).latest("period_start")
    Scorecard.objects.create(
        partnership=partnership,
        period_start=month.start,
        period_end=month_end(month.start),
        policy=scorecard.policy,
        health_score=Decimal(40),
        outcomes_score=Decimal(30),
        computed_at=timezone.now(),
        flags=[NOT_REPORTED, OFF_TRACK],
    )
    [warning] = lifecycle.early_warnings_raise(today=today)

    ended = PartnershipFactory(
        owner=owner,
        title=f"{text.name[:150]} (ended)",
        stage="failed",
        end_date=today,
        member__partner=partner,
    )
    lifecycle.lesson_record(
        partnership=ended,
        by=owner,
        summary=text.note,
        entries=[
            lifecycle.LessonEntry(factor("roles"), "hindered", text.note),
            lifecycle.LessonEntry(factor("trust"), "helped"),
        ],
    )

    potential = PartnershipFactory(
        owner=owner,
        title=f"{text.name[:150]} (potential)",
        stage="outreach",
        member__partner=partner,
    )
    lifecycle.next_step_set(
        partnership=potential, description=text.name, due_on=today + dt.timedelta(days=7), by=owner
    )

    # A health check whose partner-side respondent has an emailed link.
    open_round(
        partnership,
        by=owner,
        partner=1,
        language="en",
        opened_on=today,
        closes_on=today + dt.timedelta(days=21),
    )
    respondent = Respondent.objects.get(round__partnership=partnership)
    health.invitation_send(respondent_id=respondent.pk)
    link = re.search(r"https?://\S+(/health/answer/[\w-]+/)", mail.outbox[-1].body)[1]

    return Site(
        partner=partner,
        partnership=partnership,
        ended=ended,
        potential=potential,
        agreement=agreement,
        scorecard=scorecard,
        warning=warning,
        answer_link=link,
    )


def pages_by_role(site: Site) -> dict[str, dict[str, str]]:
    """The page types, by the role that reads them: {role: {page type: path}}."""
    p = site.partnership
    return {
        "alice": {
            "home (agreements expiring)": "/",
            "partners list": "/partners/",
            "partner page": f"/partners/{site.partner.pk}/",
            "partnerships list": "/partnerships/",
            "partnership page": f"/partnerships/{p.pk}/",
            "agreement page": f"/agreements/{site.agreement.pk}/",
            "inbox": "/inbox/",
            "portfolio dashboard": "/dashboards/",
            "partnership dashboard": f"/dashboards/partnerships/{p.pk}/",
            "partner dashboard": f"/dashboards/partners/{site.partner.pk}/",
            "measurement grid": f"/partnerships/{p.pk}/measurements/",
            "pipeline": "/pipeline/",
            "lessons": f"/partnerships/{site.ended.pk}/lessons/",
            "early warnings": "/warnings/",
            "success and negative factors": "/factors/",
            "early warning page": f"/warnings/{site.warning.pk}/",
            "health check results": f"/health/partnerships/{p.pk}/",
            "preferences": "/inbox/preferences/",
        },
        "rita": {
            "review queue": "/evaluation/review/",
            "review page (scorecard)": f"/evaluation/scorecards/{site.scorecard.pk}/",
        },
        "adam": {"audit": "/audit/"},
    }
