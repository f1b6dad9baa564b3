"""The demo rows of this app, built on the demo portfolio (see partnerships/demo.py).

Health checks on five demo partnerships, opened, answered and closed through
the services, as people would:

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
from django.db import transaction
from django.utils import timezone

from partnerships.demo import DemoReport
from partnerships.models import Partnership, PartnershipMember

from . import services
from .models import Respondent, Round, Statement
from .selectors import latest_published_instrument

LABELS = ("Health-check team members", "Health-check rounds", "Health-check answers")

# Colleagues on our side who answer health checks (they do not sign in to the demo).
TEAM = [
    ("leila", "Leila", "Mensah", "Cardiac nurse specialist"),
    ("tomas", "Tomás", "Ferreira", "Research coordinator"),
    ("hana", "Hana", "Sato", "Clinical fellow"),
]

FACTORS = [
    "trust",
    "communication",
    "shared-vision",
    "roles",
    "cultural-competence",
    "regulatory",
    "logistics",
    "resources",
    "leadership",
]


def profile(default: float, **by_factor: float) -> dict[str, float]:
    """A side's typical rating of each factor (underscores for hyphens)."""
    return {code: by_factor.get(code.replace("-", "_"), default) for code in FACTORS}


# (partnership title, language of the partner's people, rounds): each round is
# (opened days before today, days open, our profile, their profile, how many
# answer on each side (ours, theirs), how many partner-side people are invited,
# comments {side: [(factor code or "", text)]}, still open?)
PLAN = [
    (
        "Cardiac surgery fellowship exchange with Hôpital Saint-Aurèle",
        "fr",
        [
            (
                300, 21,
                profile(4.2, logistics=3.4, communication=3.7),
                profile(4.0, logistics=3.2, cultural_competence=3.6),
                (4, 3), 3,
                {"partner": [("logistics", "Les visas des fellows arrivent souvent en retard.")]},
                False,
            ),
            (
                120, 21,
                profile(4.3, logistics=3.8, communication=4.1),
                profile(4.2, logistics=3.7, cultural_competence=4.0),
                (4, 4), 4,
                {
                    "partner": [
                        ("communication", "Les réunions mensuelles ont beaucoup aidé."),
                        ("", "Un partenariat solide ; merci à l'équipe d'accueil."),
                    ],
                    "ours": [("", "The French-language tuition made a real difference.")],
                },
                False,
            ),
        ],
    ),
    (
        "Chagas cardiomyopathy registry with Hospital Santa Aurora",
        "pt",
        [
            (
                290, 21,
                profile(3.8, trust=4.1, regulatory=2.6),
                profile(3.7, trust=4.1, regulatory=2.5),
                (3, 3), 3,
                {"partner": [("regulatory", "A aprovação ética demorou nove meses.")]},
                False,
            ),
            (
                110, 21,
                profile(3.2, trust=2.8, roles=3.8, regulatory=2.4),
                profile(3.0, trust=2.7, roles=2.3, regulatory=2.3),
                (3, 4), 4,
                {
                    "partner": [
                        ("trust", "Os prazos da leitura central não foram cumpridos."),
                        ("roles", "Não sabemos quem decide sobre os dados partilhados."),
                        ("", "Precisamos de uma reunião de governança com urgência."),
                    ],
                    "ours": [("trust", "Two deadlines missed on each side this year.")],
                },
                False,
            ),
        ],
    ),
    (
        "Diabetic kidney disease programme with Hospital General de Santa Regina",
        "es",
        [
            (
                100, 21,
                profile(3.5, resources=2.8, logistics=2.9),
                profile(3.3, resources=2.5),
                (3, 2), 4,
                {
                    "partner": [("resources", "Los permisos de importación nos retrasan.")],
                    "ours": [("resources", "Two trained nurses have left since spring.")],
                },
                False,
            ),
        ],
    ),
    (
        "Heart failure readmission programme with Lakeshore Regional Medical Center",
        "en",
        [
            (
                200, 21,
                profile(4.0, roles=4.4, resources=3.5),
                profile(3.9, roles=4.2, logistics=4.3),
                (3, 3), 3,
                {"partner": [("", "The shared discharge protocol works well for our nurses.")]},
                False,
            ),
            (
                5, 21,
                profile(4.1),
                profile(4.0),
                (1, 0), 3,
                {},
                True,
            ),
        ],
    ),
    (
        "Precision oncology trials network with Bayview Genomics",
        "en",
        [
            (
                150, 21,
                profile(3.9, regulatory=3.1, shared_vision=4.4),
                profile(4.1, regulatory=3.3, resources=4.3),
                (4, 3), 3,
                {"ours": [("regulatory", "Data-transfer approvals were slow.")]},
                False,
            ),
        ],
    ),
]  # fmt: skip


def build_demo(*, today: dt.date) -> DemoReport:
    report = DemoReport(LABELS)
    instrument = latest_published_instrument()
    if instrument is None:
        return report
    with transaction.atomic():
        team = _team(report)
        partnerships = {
            p.title: p
            for p in Partnership.objects.filter(
                title__in=[title for title, *_ in PLAN]
            ).select_related("owner")
        }
        statements = list(
            Statement.objects.filter(factor__instrument=instrument).values_list(
                "pk", "factor__code"
            )
        )
        for title, language, rounds in PLAN:
            partnership = partnerships.get(title)
            if partnership is None:
                continue
            if Round.objects.filter(partnership=partnership).exists():
                report.present["Health-check rounds"] += len(rounds)
                continue
            services.cadence_set(partnership=partnership, every_months=6)
            for spec in rounds:
                _round(report, partnership, language, spec, today, team, statements)
    return report


def _team(report) -> list:
    User = get_user_model()
    members = []
    for username, first, last, title in TEAM:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                job_title=title,
                email=f"{username}@accord.example",
            )
            user.set_unusable_password()
            user.full_clean()
            user.save()
            report.created["Health-check team members"] += 1
        else:
            report.present["Health-check team members"] += 1
        members.append(user)
    return members


def _round(report, partnership, language, spec, today, team, statements):
    before, open_days, ours, theirs, (n_ours, n_theirs), invited, comments, stays_open = spec
    opened_on = today - dt.timedelta(days=before)
    closes_on = opened_on + dt.timedelta(days=open_days)
    member = (
        PartnershipMember.objects.filter(partnership=partnership).order_by("role", "pk").first()
    )
    users = list(dict.fromkeys([partnership.owner, *team]))[: max(n_ours, 3)]
    slug = partnership.title.split()[0].lower()
    people = [
        services.PartnerPerson(
            f"respondent{n + 1}.{slug}@partner.example", member.partner_id, language
        )
        for n in range(invited)
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
    for side, profile_of, count in (("ours", ours, n_ours), ("partner", theirs, n_theirs)):
        said = list(comments.get(side, []))
        respondents = Respondent.objects.filter(round=health_round, side=side).order_by("pk")
        for index, respondent in enumerate(respondents[:count]):
            rng = random.Random(f"{partnership.title}|{before}|{side}|{index}")
            ratings = {
                pk: min(5, max(1, round(profile_of[code] + rng.uniform(-0.7, 0.7))))
                for pk, code in statements
            }
            factor_comments, comment = {}, ""
            if index < len(said):
                code, text = said[index]
                if code:
                    factor_comments[health_round.instrument.factors.get(code=code).pk] = text
                else:
                    comment = text
            services.answers_submit(
                respondent=respondent,
                ratings=ratings,
                factor_comments=factor_comments,
                comment=comment,
                today=opened_on + dt.timedelta(days=min(index + 1, open_days)),
            )
            report.created["Health-check answers"] += 1
    if not stays_open:
        closed_at = timezone.make_aware(dt.datetime.combine(closes_on, dt.time(23, 0)))
        services.round_close(health_round=health_round, at=closed_at)
