"""Health-check rounds for tests, built through the services as a person would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Role
from health import services
from health.models import Instrument, Respondent, Statement
from partnerships.models import PartnershipMember
from tests.factories import MemberFactory, UserFactory

SHIPPED = "Partnership health check"


def shipped_instrument() -> Instrument:
    return Instrument.objects.get(name=SHIPPED, version=1)


def ratings_for(instrument: Instrument, rating: int | dict[str, int]) -> dict[int, int]:
    """A rating of every statement: one for all, or per factor code (3 elsewhere)."""
    statements = Statement.objects.filter(factor__instrument=instrument).values_list(
        "pk", "factor__code"
    )
    if isinstance(rating, int):
        return {pk: rating for pk, _code in statements}
    return {pk: rating.get(code, 3) for pk, code in statements}


def running() -> dict:
    """The dates of a round opened today for a month: open whenever a test runs
    (a round stays open 90 days at most)."""
    today = timezone.localdate()
    return {"opened_on": today, "closes_on": today + dt.timedelta(days=30)}


def in_a_month() -> str:
    """A last day for answers as the opening form takes it."""
    return running()["closes_on"].isoformat()


def partner_of(partnership):
    member = PartnershipMember.objects.filter(partnership=partnership).first()
    if member is None:
        member = MemberFactory(partnership=partnership)
    return member.partner


def open_round(
    partnership,
    *,
    by,
    ours: int = 0,
    partner: int = 0,
    opened_on=dt.date(2026, 1, 5),
    closes_on=dt.date(2026, 1, 26),
    language: str = "fr",
):
    """A round with `ours` users and `partner` addresses invited."""
    users = [UserFactory(role=Role.MANAGER) for _ in range(ours)]
    partner_org = partner_of(partnership) if partner else None
    people = [
        services.PartnerPerson(
            f"person{n}@partner{partnership.pk}.example", partner_org.pk, language
        )
        for n in range(partner)
    ]
    return services.round_open(
        partnership=partnership,
        opened_by=by,
        opened_on=opened_on,
        closes_on=closes_on,
        users=users,
        partner_people=people,
    )


def answer_all(health_round, *, ours=(), partner=(), comments=None, today=None):
    """Each respondent of a side, in order, answers with the next rating given."""
    today = today or health_round.opened_on
    for side, ratings in (("ours", ours), ("partner", partner)):
        respondents = Respondent.objects.filter(round=health_round, side=side).order_by("pk")
        for respondent, rating in zip(respondents, ratings, strict=False):
            services.answers_submit(
                respondent=respondent,
                ratings=ratings_for(health_round.instrument, rating),
                comment=(comments or {}).get(respondent.pk, ""),
                today=today,
            )


def closed_round(partnership, *, by, ours=(), partner=(), opened_on=dt.date(2026, 1, 5), **kw):
    """A closed round in which every invited respondent answered."""
    closes_on = opened_on + dt.timedelta(days=21)
    health_round = open_round(
        partnership,
        by=by,
        ours=len(ours),
        partner=len(partner),
        opened_on=opened_on,
        closes_on=closes_on,
        **kw,
    )
    answer_all(health_round, ours=ours, partner=partner)
    at = timezone.make_aware(dt.datetime.combine(closes_on, dt.time(23, 0)))
    return services.round_close(health_round=health_round, at=at)
