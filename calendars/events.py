"""What a person's calendar feed lists, read from the records it dates.

For the partnerships the person leads (`Partnership.objects.led_by`): the
notice date and expiry of each agreement in force, obligations not yet met,
the pipeline's next steps and the closing day of open health checks. For a
reviewer: the day each scorecard awaiting their review should be reviewed by
(computed + ACCORD_REVIEW_DAYS, a moment shown in the person's time zone), or,
on a day more than REVIEWS_A_DAY are due, one event saying how many.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Min
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import formatting
from evaluation.models import Scorecard
from health.models import Round
from lifecycle.models import NextStep
from partnerships.models import Agreement, Obligation, Partnership

# Events older than this are left out: a feed is for what is coming.
PAST_DAYS = 90
# Scorecards due for review on one day shown one by one; more are one event.
REVIEWS_A_DAY = 10


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str = ""
    # A moment rather than a whole day, in the person's zone.
    at: dt.datetime | None = None


def events_for(user, *, zone: ZoneInfo, now: dt.datetime) -> list[Event]:
    today = now.astimezone(zone).date()
    since = today - dt.timedelta(days=PAST_DAYS)
    led = Partnership.objects.led_by(user)
    events: list[Event] = []

    agreements = (
        Agreement.objects.in_force()
        .filter(partnership__in=led, expiry_date__gte=since)
        .select_related("partnership")
    )
    for agreement in agreements:
        where = f"{agreement.title} ({agreement.partnership})"
        notice = agreement.notice_date
        if notice is not None and notice != agreement.expiry_date and notice >= since:
            events.append(
                Event(
                    f"agreement-{agreement.pk}-notice",
                    notice,
                    _("Last day to give notice: %(where)s") % {"where": where},
                    _("%(days)s days' notice before expiry on %(day)s.")
                    % {
                        "days": agreement.notice_period_days,
                        "day": formatting.day(agreement.expiry_date),
                    },
                )
            )
        events.append(
            Event(
                f"agreement-{agreement.pk}-expiry",
                agreement.expiry_date,
                _("Expires: %(where)s") % {"where": where},
            )
        )

    obligations = (
        Obligation.objects.open()
        .filter(agreement__partnership__in=led, due_date__gte=since)
        .select_related("agreement")
    )
    for obligation in obligations:
        events.append(
            Event(
                f"obligation-{obligation.pk}",
                obligation.due_date,
                _("Obligation due: %(obligation)s") % {"obligation": obligation.description},
                _("Under %(agreement)s.") % {"agreement": obligation.agreement.title},
            )
        )

    steps = (
        NextStep.objects.on_pipeline()
        .filter(partnership__in=led, due_on__gte=since)
        .select_related("partnership")
    )
    for step in steps:
        events.append(
            Event(
                f"next-step-{step.partnership_id}",
                step.due_on,
                _("Next step: %(step)s") % {"step": step.description},
                _("Pipeline: %(partnership)s.") % {"partnership": step.partnership},
            )
        )

    rounds = Round.objects.open().filter(partnership__in=led).select_related("partnership")
    for health_round in rounds:
        events.append(
            Event(
                f"health-round-{health_round.pk}",
                health_round.closes_on,
                _("Health check closes: %(partnership)s")
                % {"partnership": health_round.partnership},
            )
        )

    if user.has_perm("evaluation.change_scorecard"):
        allowed = dt.timedelta(days=settings.ACCORD_REVIEW_DAYS)
        # Never those of partnerships the reviewer leads: they may not review them.
        awaiting = (
            Scorecard.objects.awaiting_review()
            .exclude(partnership__in=led)
            .annotate(
                due_on=TruncDate(
                    ExpressionWrapper(F("computed_at") + allowed, output_field=DateTimeField()),
                    tzinfo=zone,
                )
            )
            .order_by()
        )
        # A day with more than REVIEWS_A_DAY due (a month's run: thousands) is
        # one event saying how many, not thousands of events.
        days = awaiting.values("due_on").annotate(count=Count("pk"), first=Min("computed_at"))
        crowded = {row["due_on"]: row for row in days if row["count"] > REVIEWS_A_DAY}
        for day, row in crowded.items():
            events.append(
                Event(
                    f"scorecards-review-{day.isoformat()}",
                    day,
                    ngettext(
                        "Review %(count)s scorecard", "Review %(count)s scorecards", row["count"]
                    )
                    % {"count": row["count"]},
                    at=(row["first"] + allowed).astimezone(zone),
                )
            )
        cards = awaiting.exclude(due_on__in=list(crowded)).select_related("partnership")
        for card in cards:
            due = (card.computed_at + allowed).astimezone(zone)
            events.append(
                Event(
                    f"scorecard-{card.pk}-review",
                    due.date(),
                    _("Review scorecard: %(partnership)s %(month)s")
                    % {
                        "partnership": card.partnership,
                        "month": formatting.month(card.period_start),
                    },
                    at=due,
                )
            )
    return sorted(events, key=lambda event: (event.day, event.uid))
