"""The demo's health checks, built on the demo portfolio (see portfolio.py).

Health checks on five demo partnerships (demo/data/health_checks.json), opened,
answered and closed through the services, as people would:

- the cardiac fellowship exchange with Hôpital Saint-Aurèle: two rounds, both
  sides answering in good numbers, comments in French;
- the Chagas registry with Hospital Santa Aurora (struggling): trust falls
  from about 4.1 to 2.8 between two rounds, and the sides disagree on the
  clarity of roles, so the scorecard flags both; comments in Portuguese;
- the diabetic kidney disease programme in Santa Regina: two partner-side
  answers of four, so that side's results stay hidden; comments in Spanish;
- the heart failure programme with Lakeshore: a closed round and one open now,
  with invitations still pending (`manage.py health_answer_links` prints
  working links for them);
- the precision oncology network with Bayview Genomics: one round.

Dates are offsets from `today`; a partnership that has any round already is
left as it is, so a second run creates nothing. Ratings come from a random
generator seeded by the round and respondent, never from the database.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from health import services
from health.models import Respondent, Round, Statement
from health.selectors import latest_published_instrument
from notifications.models import Notification
from partnerships.models import Partnership, PartnershipMember

from .report import DemoReport
from .specs import load

LABELS = ("Health-check team members", "Health-check rounds", "Health-check answers")


def build_demo(*, today: dt.date) -> DemoReport:
    report = DemoReport(LABELS)
    instrument = latest_published_instrument()
    if instrument is None:
        return report
    plan = load("health_checks")
    with transaction.atomic():
        team = _team(report, plan["team"])
        partnerships = {
            p.title: p
            for p in Partnership.objects.filter(
                title__in=[each["partnership"] for each in plan["partnerships"]]
            ).select_related("owner")
        }
        statements = list(
            Statement.objects.filter(factor__instrument=instrument).values_list(
                "pk", "factor__code"
            )
        )
        for each in plan["partnerships"]:
            partnership = partnerships.get(each["partnership"])
            if partnership is None:
                continue
            if Round.objects.filter(partnership=partnership).exists():
                report.present["Health-check rounds"] += len(each["rounds"])
                continue
            services.cadence_set(partnership=partnership, every_months=plan["every_months"])
            for spec in each["rounds"]:
                _round(report, partnership, each["language"], spec, today, team, statements)
    return report


def _team(report, people) -> list:
    """Colleagues on our side who answer health checks (they do not sign in to
    the demo). Each is a partnership manager: only someone with a role may open
    the page that answers one (health.services.invitable_users)."""
    User = get_user_model()
    managers = Group.objects.get(name=Role.MANAGER)
    members = []
    for person in people:
        user = User.objects.filter(username=person["username"]).first()
        if user is None:
            user = User(
                username=person["username"],
                first_name=person["first_name"],
                last_name=person["last_name"],
                job_title=person["job_title"],
                email=f"{person['username']}@accord.example",
            )
            user.set_unusable_password()
            user.full_clean()
            user.save()
            report.created["Health-check team members"] += 1
        else:
            report.present["Health-check team members"] += 1
        user.groups.add(managers)
        members.append(user)
    return members


def _round(report, partnership, language, spec, today, team, statements):
    before, open_days = spec["opened_days_ago"], spec["open_for_days"]
    opened_on = today - dt.timedelta(days=before)
    closes_on = opened_on + dt.timedelta(days=open_days)
    member = (
        PartnershipMember.objects.filter(partnership=partnership).order_by("role", "pk").first()
    )
    users = list(dict.fromkeys([partnership.owner, *team]))[: max(spec["answers"]["ours"], 3)]
    slug = partnership.title.split()[0].lower()
    people = [
        services.PartnerPerson(
            f"respondent{n + 1}.{slug}@partner.example", member.partner_id, language
        )
        for n in range(spec["partner_people_invited"])
    ]
    health_round = services.round_open(
        partnership=partnership,
        opened_by=partnership.owner,
        opened_on=opened_on,
        closes_on=closes_on,
        users=users,
        partner_people=people,
    )
    report.created["Health-check rounds"] += 1
    _sent_when_opened(health_round)
    for side in ("ours", "partner"):
        # A side's typical rating of each factor: "default" for those not named.
        typical = spec["ratings"][side]
        said = spec["comments"].get(side, [])
        respondents = Respondent.objects.filter(round=health_round, side=side).order_by("pk")
        for index, respondent in enumerate(respondents[: spec["answers"][side]]):
            rng = random.Random(f"{partnership.title}|{before}|{side}|{index}")
            ratings = {}
            for pk, code in statements:
                rating = typical.get(code, typical["default"]) + rng.uniform(-0.7, 0.7)
                ratings[pk] = min(5, max(1, round(rating)))
            factor_comments, comment = {}, ""
            if index < len(said):
                if "factor" in said[index]:
                    factor = health_round.instrument.factors.get(code=said[index]["factor"])
                    factor_comments[factor.pk] = said[index]["text"]
                else:
                    comment = said[index]["text"]
            services.answers_submit(
                respondent=respondent,
                ratings=ratings,
                factor_comments=factor_comments,
                comment=comment,
                today=opened_on + dt.timedelta(days=min(index + 1, open_days)),
            )
            report.created["Health-check answers"] += 1
    if not spec["still_open"]:
        closed_at = timezone.make_aware(dt.datetime.combine(closes_on, dt.time(23, 0)))
        services.round_close(health_round=health_round, at=closed_at)


def _sent_when_opened(health_round):
    """The round's invitations went out the morning it opened, by email and in our
    people's inbox (round_open's rows, keyed by the round), not today.

    Left as round_open stores them, they would be owed today: the inbox rows,
    dated today and never emailed, would go out as reminders "an earlier run
    could not send", the open round's invitations would go out days late, and
    closed rounds would keep invitations never sent. Recorded as sent then, the
    invitations round_open queues find nothing to send.
    """
    sent_at = timezone.make_aware(dt.datetime.combine(health_round.opened_on, dt.time(9, 0)))
    Respondent.objects.filter(round=health_round).update(invited_at=sent_at, emailed_at=sent_at)
    Notification.objects.filter(key__startswith=f"health-round:{health_round.pk}:").update(
        created_at=sent_at, emailed_at=sent_at
    )
