"""Synthetic portfolios for the benchmarks, written fast with PostgreSQL COPY.

`build_portfolio` fills an empty database with assessable partnerships, their
agreements, objectives, metrics and months of measurements; `build_scorecards`
adds what a year of assessments and their review would have left, for the
dashboards benchmark (`tooling.benchmarks.dashboards`, which reuses the COPY
helpers too). The assessment benchmark (`tooling.benchmarks.assessment`) times
a full assessment of such a portfolio.

Everything generated is deterministic: the same size and day give the same rows.
The benchmarks build INTO THE CONFIGURED DATABASE after emptying it
(`tables_to_wipe`, `truncate`); `python -m tooling.benchmarks.runner` gives
them throwaway servers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pghistory.trigger
import pgtrigger
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from core.copy import copy_lines, copy_text
from evaluation import scoring, services
from evaluation.inputs import load_inputs, policy_values
from evaluation.models import (
    AssessmentChunk,
    AssessmentRun,
    Rating,
    ReviewState,
    RunStatus,
    Scorecard,
    ScorecardAction,
    ScorecardEvent,
    ScoringPolicy,
)
from evaluation.review import snapshot
from partnerships.models import (
    STAGES_BY_FAMILY,
    Agreement,
    AgreementParty,
    Measurement,
    Objective,
    Obligation,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    StageFamily,
)
from partnerships.periods import Frequency

BENCH_USERS = 20  # owners of the partnerships, round robin

# The models build_portfolio fills; they must be empty before it starts.
PORTFOLIO_MODELS = [
    Partner,
    Partnership,
    PartnershipMember,
    Agreement,
    AgreementParty,
    Obligation,
    Objective,
    OutcomeMetric,
    Measurement,
]

# The five metrics of every partnership: (name, unit, direction, aggregation,
# baseline, target, weight). A target of None: not rated, only reported.
METRIC_KINDS = [
    ("Patients treated under the partnership", "patients", "higher", "sum", 0, 1200, 2),
    ("30-day readmission rate", "%", "lower", "latest", 18, 12, 1),
    ("Clinical staff trained", "people", "higher", "latest", 10, 60, 1),
    ("Joint publications", "papers", "higher", "sum", 0, 40, Decimal("1.5")),
    ("Patient satisfaction", "score", "higher", "latest", 70, None, 1),
]
OBJECTIVE_STATUSES = ["on_track", "on_track", "at_risk", "not_started", "off_track", "achieved"]
# A struggling partnership (one in ten) is that in its data too: both objectives
# in trouble and its metrics far behind plan, so its scorecards come out red.
STRUGGLING_OBJECTIVE_STATUSES = ["off_track", "at_risk"]
# Where partners are: (country, city, time zone, languages), on every continent,
# so a map of the portfolio has something to show.
PLACES = [
    ("KE", "Nairobi", "Africa/Nairobi", ["en", "sw"]),
    ("GB", "London", "Europe/London", ["en"]),
    ("US", "Boston", "America/New_York", ["en"]),
    ("IN", "Bengaluru", "Asia/Kolkata", ["en", "hi"]),
    ("BR", "São Paulo", "America/Sao_Paulo", ["pt"]),
    ("DE", "Heidelberg", "Europe/Berlin", ["de", "en"]),
    ("ZA", "Cape Town", "Africa/Johannesburg", ["en", "af"]),
    ("NG", "Lagos", "Africa/Lagos", ["en"]),
    ("FR", "Lyon", "Europe/Paris", ["fr"]),
    ("JP", "Osaka", "Asia/Tokyo", ["ja"]),
    ("CA", "Toronto", "America/Toronto", ["en", "fr"]),
    ("AU", "Melbourne", "Australia/Melbourne", ["en"]),
    ("SG", "Singapore", "Asia/Singapore", ["en", "zh"]),
    ("MX", "Guadalajara", "America/Mexico_City", ["es"]),
    ("SE", "Stockholm", "Europe/Stockholm", ["sv", "en"]),
    ("GH", "Accra", "Africa/Accra", ["en"]),
    ("VN", "Hanoi", "Asia/Ho_Chi_Minh", ["vi"]),
    ("ES", "Barcelona", "Europe/Madrid", ["es", "ca"]),
    ("RW", "Kigali", "Africa/Kigali", ["rw", "en", "fr"]),
    ("CL", "Santiago", "America/Santiago", ["es"]),
    ("NL", "Utrecht", "Europe/Amsterdam", ["nl", "en"]),
    ("TH", "Bangkok", "Asia/Bangkok", ["th"]),
    ("EG", "Cairo", "Africa/Cairo", ["ar"]),
    ("NZ", "Auckland", "Pacific/Auckland", ["en", "mi"]),
]
PURPOSES = [
    "clinical_exchange",
    "joint_research",
    "exchange_programme",
    "conferences",
    "shared_services",
    "technology_access",
]
BENEFITS = [
    ["patient_outcomes", "knowledge_exchange"],
    ["research_capability"],
    ["innovation", "research_capability"],
    ["economies_of_scale"],
    ["knowledge_exchange"],
    ["patient_outcomes", "innovation", "economies_of_scale"],
]
# What each side brings: (kind, amount or None, currency); ours in the
# currencies we budget in, the partners' in a few more.
OUR_CONTRIBUTIONS = [
    ("financial", 250_000, "EUR"),
    ("financial", 120_000, "USD"),
    ("in_kind", None, ""),
    ("financial", 80_000, "GBP"),
]
PARTNER_CONTRIBUTIONS = [
    ("in_kind", None, ""),
    ("financial", 60_000, "USD"),
    ("financial", 4_500_000, "KES"),
    ("none", None, ""),
    ("financial", 90_000, "EUR"),
    ("financial", 7_000_000, "INR"),
]
PARTNER_KINDS = [
    ("hospital", "15", "government"),
    ("university", "80", "academic"),
    ("ngo", "22", "nonprofit"),
    ("pharma_biotech", "70", "industry"),
]


# --- building ------------------------------------------------------------------------


def _months_after(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def copy_model(model, rows, varying: list[str], constants: dict | None = None) -> int:
    """COPY `rows` (tuples of the `varying` fields, by attname) into the model's
    table; every other column gets `constants`, the field's default, or now for
    the timestamps."""
    constants = constants or {}
    now = timezone.now()
    columns, slots = [], []  # a slot is an index into the row, or constant text
    for f in model._meta.concrete_fields:
        columns.append(f.column)
        if f.attname in varying:
            slots.append(varying.index(f.attname))
        elif f.attname in constants:
            slots.append(copy_text(constants[f.attname]))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            slots.append(copy_text(now))
        else:
            slots.append(copy_text(f.get_default()))
    missing = set(varying) - {f.attname for f in model._meta.concrete_fields}
    if missing:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(missing))}")
    count = 0

    def lines():
        nonlocal count
        for row in rows:
            count += 1
            yield ("\t".join(s if isinstance(s, str) else copy_text(row[s]) for s in slots) + "\n")

    copy_lines(model._meta.db_table, columns, lines())
    return count


@contextlib.contextmanager
def without_history(models):
    """Inside a transaction: the rows these models get are written without their
    history events. A built portfolio stands for years of data entered before:
    its history is not what the benchmarks measure (writing it, one chained
    event per row by pghistory's triggers, which fire on COPY too, took most of
    a build, 45 s for 1,000 partnerships, while the history cost grew with the
    square of the rows of a transaction; see core.models.HashChain). What the measured code then
    writes (scorecards, review events, imports) keeps its history."""
    uris = [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if model in models and isinstance(trigger, pghistory.trigger.Event)
    ]
    with pgtrigger.ignore(*uris), connection.cursor() as cursor:
        # pgtrigger hands the list to PostgreSQL by prefixing the statements
        # Django runs (a transaction-local setting); COPY goes to the driver
        # directly, so one statement of Django's sets it for the COPYs after it.
        cursor.execute("DO $$ BEGIN END $$")
        yield


def _struggling(i: int) -> bool:
    return i % 10 == 0


@dataclass
class Portfolio:
    partnerships: int = 0
    metrics: int = 0
    measurements: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    first_month: dt.date | None = None
    last_month: dt.date | None = None
    seconds: float = 0.0


def build_portfolio(
    *,
    partnerships: int,
    metrics_per_partnership: int = 5,
    months: int = 48,
    today: dt.date,
    seed: int = 1,
) -> Portfolio:
    """Fill an empty database with `partnerships` assessable partnerships.

    Each has a lead partner (in one of two dozen countries), a purpose and the
    benefits it seeks, an agreement in force with its two parties (the partner
    and us, each bringing money in one of a few currencies, help in kind, or
    nothing) and one obligation, two objectives and
    `metrics_per_partnership` monthly outcome metrics (higher and lower is
    better, summed and latest; the fifth has no target in four partnerships out
    of five, so it is reported but not rated), measured every
    month for the `months` months up to and including the last closed month.
    Some values are missing: scattered months, and one metric in ten that
    stopped reporting one to three months before the end. One partnership in
    ten is struggling: its objectives off track or at risk, its metrics well
    behind plan.

    Rows go in with COPY, ids are given here (the sequences are reset after);
    the tables are analysed (and vacuumed, outside a transaction) at the end,
    as autovacuum would do after such a load.
    """
    if partnerships < 1 or metrics_per_partnership < 1 or months < 1:
        raise ValueError("partnerships, metrics_per_partnership and months must be positive")
    for model in (*PORTFOLIO_MODELS, PartnershipLead, Scorecard, AssessmentRun):
        if model.objects.exists():
            raise ValueError(
                f"build_portfolio fills an empty database, but {model._meta.db_table} has rows."
            )
    started = time.perf_counter()
    rng = random.Random(seed)
    last_month = services.last_closed_month(today)
    first_month = _months_after(last_month.start, -(months - 1))
    month_starts = [_months_after(first_month, m) for m in range(months)]
    month_texts = [d.isoformat() for d in month_starts]
    target_date = _months_after(first_month, months + 12) - dt.timedelta(days=1)
    period_end = last_month.end
    report = Portfolio(first_month=first_month, last_month=last_month.start)

    with transaction.atomic(), without_history(PORTFOLIO_MODELS):
        owners = _bench_users()
        owner_of = [owners[i % len(owners)] for i in range(partnerships)]
        ids = range(1, partnerships + 1)

        report.rows["partners"] = copy_model(
            Partner,
            (
                (
                    i,
                    f"Benchmark partner {i:06d}",
                    *PARTNER_KINDS[i % len(PARTNER_KINDS)],
                    *PLACES[i % len(PLACES)],
                )
                for i in ids
            ),
            [
                "id",
                "name",
                "kind",
                "organisation_type",
                "sector",
                "country",
                "city",
                "time_zone",
                "languages",
            ],
        )
        report.rows["partnerships"] = copy_model(
            Partnership,
            (
                (
                    i,
                    f"Benchmark partnership {i:06d}",
                    "struggling" if _struggling(i) else "active",
                    owner_of[i - 1],
                    PURPOSES[i % len(PURPOSES)],
                    BENEFITS[i % len(BENEFITS)],
                )
                for i in ids
            ),
            ["id", "title", "stage", "owner_id", "purpose", "benefits_sought"],
            {"start_date": first_month},
        )
        report.partnerships = partnerships
        report.rows["members"] = copy_model(
            PartnershipMember,
            ((i, i, i) for i in ids),
            ["id", "partnership_id", "partner_id"],
            {"role": "lead", "joined_on": first_month},
        )

        def expiry(i):
            # Open-ended, well ahead, or close enough for the notice flags.
            if i % 4 == 0:
                return None
            return period_end + dt.timedelta(days=(30, 75, 400)[i % 4 - 1] + i % 20)

        report.rows["agreements"] = copy_model(
            Agreement,
            ((i, i, f"Memorandum {i:06d}", f"BENCH-{i:06d}", expiry(i)) for i in ids),
            ["id", "partnership_id", "title", "reference", "expiry_date"],
            {
                "status": "active",
                "kind": "mou",
                "effective_date": first_month,
                "signed_on": first_month,
                "notice_period_days": 90,
            },
        )
        report.rows["agreement parties"] = copy_model(
            AgreementParty,
            (
                row
                for i in ids
                for row in (
                    (
                        2 * i - 1,
                        i,
                        i,
                        False,
                        *PARTNER_CONTRIBUTIONS[i % len(PARTNER_CONTRIBUTIONS)],
                    ),
                    (2 * i, i, None, True, *OUR_CONTRIBUTIONS[i % len(OUR_CONTRIBUTIONS)]),
                )
            ),
            [
                "id",
                "agreement_id",
                "partner_id",
                "is_our_organisation",
                "contribution_kind",
                "contribution_amount",
                "contribution_currency",
            ],
        )
        report.rows["obligations"] = copy_model(
            Obligation,
            (
                (
                    i,
                    i,
                    f"Quarterly report {i:06d}",
                    period_end - dt.timedelta(days=20 + i % 40),
                    None if i % 3 == 0 else period_end - dt.timedelta(days=i % 10),
                )
                for i in ids
            ),
            ["id", "agreement_id", "description", "due_date", "completed_on"],
        )
        # Two objectives each: the first holds the first three metrics.
        report.rows["objectives"] = copy_model(
            Objective,
            (
                (
                    2 * i - 1 + k,
                    i,
                    f"Objective {k + 1} of {i:06d}",
                    owner_of[i - 1],
                    STRUGGLING_OBJECTIVE_STATUSES[k]
                    if _struggling(i)
                    else OBJECTIVE_STATUSES[(i + k) % len(OBJECTIVE_STATUSES)],
                    period_end - dt.timedelta(days=10) if (i + k) % 7 == 0 else target_date,
                )
                for i in ids
                for k in (0, 1)
            ),
            ["id", "partnership_id", "title", "owner_id", "status", "due_date"],
            {"benefit": "patient_outcomes"},
        )

        def metric_rows():
            for i in ids:
                for j in range(metrics_per_partnership):
                    name, unit, direction, aggregation, baseline, target, weight = METRIC_KINDS[
                        j % len(METRIC_KINDS)
                    ]
                    if target is None and i % 5 == 0:
                        target = baseline + 15  # some satisfaction scores do have a target
                    yield (
                        (i - 1) * metrics_per_partnership + j + 1,
                        2 * i - 1 + (0 if j < 3 else 1),
                        name if j < len(METRIC_KINDS) else f"{name} ({j})",
                        unit,
                        direction,
                        aggregation,
                        baseline,
                        target,
                        weight,
                        owner_of[i - 1],
                    )

        report.rows["metrics"] = copy_model(
            OutcomeMetric,
            metric_rows(),
            [
                "id",
                "objective_id",
                "name",
                "unit",
                "direction",
                "aggregation",
                "baseline_value",
                "target_value",
                "weight",
                "owner_id",
            ],
            {
                "frequency": Frequency.MONTHLY,
                "baseline_date": first_month,
                "target_date": target_date,
                "data_source": "Benchmark",
            },
        )
        report.metrics = report.rows["metrics"]

        horizon = months + 12  # months from the baseline to the target

        def measurement_lines():
            now = copy_text(timezone.now())
            for i in ids:
                # How well this partnership does: some ahead of plan, most behind,
                # the struggling far behind.
                quality = ((i * 7919) % 1000) / 1000
                pace = 0.1 + 0.3 * quality if _struggling(i) else 0.3 + 1.1 * quality
                tail = f"\t{now}\t{now}\t\t{owner_of[i - 1]}\n"
                for j in range(metrics_per_partnership):
                    metric_id = (i - 1) * metrics_per_partnership + j + 1
                    _, _, _, aggregation, baseline, target, _ = METRIC_KINDS[j % len(METRIC_KINDS)]
                    span = (target if target is not None else baseline + 15) - baseline
                    # One metric in ten stopped reporting 1-3 months ago.
                    stops = months - (1 + metric_id % 3) if metric_id % 10 == 3 else months
                    for m in range(stops):
                        if (metric_id * 7 + m) % 31 == 0:  # a month not reported
                            continue
                        noise = rng.random() - 0.5
                        if aggregation == "sum":
                            value = span / horizon * pace * (1 + 0.4 * noise)
                        else:
                            value = baseline + span * pace * (m + 1) / horizon + 0.1 * span * noise
                        yield f"{metric_id}\t{month_texts[m]}\t{max(value, 0):.2f}{tail}"

        columns = [
            "metric_id",
            "period_start",
            "value",
            "created_at",
            "updated_at",
            "evidence",
            "entered_by_id",
        ]
        table = Measurement._meta
        copy_lines(
            table.db_table, [table.get_field(c).column for c in columns], measurement_lines()
        )
        report.measurements = report.rows["measurements"] = Measurement.objects.count()

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), PORTFOLIO_MODELS):
                cursor.execute(statement)
    analyse(PORTFOLIO_MODELS)
    report.seconds = time.perf_counter() - started
    return report


# How reviewers' comments read, for the scorecards they returned or overrode.
RETURN_COMMENT = "The readmission figures look provisional: please confirm them with the ward."
OVERRIDE_JUSTIFICATION = "Agreed at the steering committee: the partner's data arrived late."


def build_scorecards(*, periods: int = 12, today: dt.date, seed: int = 1) -> dict[str, int]:
    """Give a built portfolio `periods` months of reviewed scorecards, up to the
    last closed month: what twelve monthly assessments and their review would
    have left, without running them (COPY; the dashboards read these rows).

    A partnership of the active family has one scorecard a month; an ended one
    until the month it ended; a potential one none. Each scorecard holds what the
    assessment computes for its month, by the assessment's own functions: the
    inputs loaded from the built rows by `evaluation.inputs.load_inputs` (the
    previous month's scorecard included, written just before), scored by
    `evaluation.scoring.assess` with the active policy. Only the review is made
    up: every scorecard was submitted by its run (an event); those of earlier
    months were approved (one in fifteen with an overridden rating), the last
    month's are partly in review, approved or returned to their owner.

    Returns the rows written per table.
    """
    if periods < 1:
        raise ValueError("periods must be positive")
    if Scorecard.objects.exists() or AssessmentRun.objects.exists():
        raise ValueError("build_scorecards needs a portfolio without scorecards or runs.")
    rng = random.Random(seed)
    policy = ScoringPolicy.objects.get(is_active=True)
    rules = policy_values(policy)
    reviewer = _bench_reviewer()
    last = services.last_closed_month(today)
    months = [last]
    for _ in range(periods - 1):
        months.insert(0, months[0].previous())
    partnerships = list(
        Partnership.objects.exclude(stage__in=STAGES_BY_FAMILY[StageFamily.POTENTIAL])
        .order_by("id")
        .values("id", "start_date", "end_date")
    )

    with transaction.atomic():
        runs = AssessmentRun.objects.bulk_create(
            AssessmentRun(
                period_start=month.start,
                period_end=month.end,
                policy=policy,
                status=RunStatus.COMPLETED,
                started_at=_at(month.end, days=1, hour=2),
                finished_at=_at(month.end, days=1, hour=2, minute=5),
            )
            for month in months
        )
        rows = {"assessment runs": len(runs), "scorecards": 0}
        events = []
        for month, run in zip(months, runs, strict=True):
            cards = []
            scored = [
                p
                for p in partnerships
                if not (p["start_date"] and p["start_date"] > month.end)
                and not (p["end_date"] and p["end_date"] < month.end)
            ]
            for offset in range(0, len(scored), services.CHUNK_SIZE):
                chunk = scored[offset : offset + services.CHUNK_SIZE]
                inputs = load_inputs(chunk, period_start=month.start, period_end=month.end)
                for p in chunk:
                    result = scoring.assess(inputs[p["id"]], rules)
                    card = _scorecard_row(p["id"], month, run, result)
                    card["id"] = rows["scorecards"] + len(cards) + 1
                    card["policy_id"] = policy.pk
                    _review(card, last_month=month == last, rng=rng, reviewer=reviewer)
                    cards.append(card)
                    events.extend(_events(card, reviewer))
            run.assessed_count = len(cards)
            # Written month by month: the next month's inputs read these as the
            # previous scorecards, for the trend.
            card_fields = list(cards[0]) if cards else ["id"]
            rows["scorecards"] += copy_model(
                Scorecard, ([c[f] for f in card_fields] for c in cards), card_fields
            )
        AssessmentRun.objects.bulk_update(runs, ["assessed_count"])

        event_fields = list(events[0]) if events else ["id"]
        rows["scorecard events"] = copy_model(
            ScorecardEvent,
            ((n, *(e[f] for f in event_fields)) for n, e in enumerate(events, start=1)),
            ["id", *event_fields],
        )
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Scorecard, ScorecardEvent]
            ):
                cursor.execute(statement)
    analyse([Scorecard, ScorecardEvent, AssessmentRun])
    return rows


def _at(day: dt.date, *, days: int = 0, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=dt.UTC)


def _scorecard_row(pid, month, run, result: scoring.ScorecardResult) -> dict:
    """The computed columns of one scorecard, as the assessment stores `result`."""
    return {
        "partnership_id": pid,
        "period_start": month.start,
        "period_end": month.end,
        "run_id": run.pk,
        "outcomes_score": result.outcomes,
        "objectives_score": result.objectives,
        "health_score": result.health,
        "agreement_score": result.agreement,
        "overall_score": result.overall,
        "rating": result.rating,
        "trend": result.trend,
        "flags": json.dumps([flag.as_json() for flag in result.flags]),
        "metric_results": json.dumps([metric.as_json() for metric in result.metrics]),
        "computed_at": _at(month.end, days=1, hour=2),
    }


def _review(card: dict, *, last_month: bool, rng, reviewer: int) -> None:
    """Where the card's review stands: earlier months approved, the last one mixed."""
    card.update(
        review_state=ReviewState.APPROVED,
        reviewer_id=reviewer,
        reviewed_at=card["computed_at"] + dt.timedelta(days=6, hours=7),
        override_rating="",
        override_justification="",
    )
    draw = rng.random()
    if last_month and draw < 0.55:
        card.update(review_state=ReviewState.IN_REVIEW, reviewer_id=None, reviewed_at=None)
    elif last_month and draw < 0.65:
        card["review_state"] = ReviewState.RETURNED
    elif draw > 14 / 15 and card["rating"]:
        others = [r for r in Rating.values if r != card["rating"]]
        card["override_rating"] = others[int(draw * 1000) % len(others)]
        card["override_justification"] = OVERRIDE_JUSTIFICATION


def _events(card: dict, reviewer: int) -> list[dict]:
    """The card's review events, as the run and `evaluation.review` record them."""

    def shown(state, with_override=False):
        # What `evaluation.review` records of a scorecard, read off the row to be.
        return snapshot(
            SimpleNamespace(
                review_state=state,
                overall_score=card["overall_score"],
                rating=card["rating"],
                override_rating=card["override_rating"] if with_override else "",
            )
        )

    submitted = {
        "scorecard_id": card["id"],
        "actor_id": None,
        "action": ScorecardAction.SUBMITTED,
        "from_state": ReviewState.DRAFT,
        "to_state": ReviewState.IN_REVIEW,
        "comment": "",
        "before": json.dumps({"review_state": ReviewState.DRAFT}),
        "after": json.dumps(shown(ReviewState.IN_REVIEW)),
        "created_at": card["computed_at"],
    }
    state = card["review_state"]
    if state == ReviewState.IN_REVIEW:
        return [submitted]
    if state == ReviewState.RETURNED:
        action, comment = ScorecardAction.RETURNED, RETURN_COMMENT
    elif card["override_rating"]:
        action, comment = ScorecardAction.OVERRIDDEN, card["override_justification"]
    else:
        action, comment = ScorecardAction.APPROVED, ""
    reviewed = {
        **submitted,
        "actor_id": reviewer,
        "action": action,
        "from_state": ReviewState.IN_REVIEW,
        "to_state": state,
        "comment": comment,
        "before": submitted["after"],
        "after": json.dumps(shown(state, with_override=True)),
        "created_at": card["reviewed_at"],
    }
    return [submitted, reviewed]


def _bench_reviewer() -> int:
    user, _ = get_user_model().objects.get_or_create(
        username="bench-reviewer", defaults={"first_name": "Benchmark", "last_name": "Reviewer"}
    )
    user.groups.add(Group.objects.get(name=Role.REVIEWER))
    return user.pk


def _bench_users() -> list[int]:
    User = get_user_model()
    ids = []
    for n in range(1, BENCH_USERS + 1):
        user, _ = User.objects.get_or_create(
            username=f"bench-manager-{n:02d}",
            defaults={"first_name": "Benchmark", "last_name": f"Manager {n:02d}"},
        )
        ids.append(user.pk)
    return ids


def analyse(models) -> None:
    """VACUUM ANALYZE when we may (not inside a transaction), ANALYZE otherwise."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'{command} "{model._meta.db_table}"')


# --- the database ----------------------------------------------------------------------


def tables_to_wipe() -> list[str]:
    """Every table of the partnerships app, and the runs and scorecards (not the
    scoring policies, which the assessment needs)."""
    models = [
        *apps.get_app_config("partnerships").get_models(),
        Scorecard,
        AssessmentChunk,
        AssessmentRun,
    ]
    return [m._meta.db_table for m in models if not m._meta.proxy]


def tables_with_rows(tables: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        occupied = []
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
            if cursor.fetchone()[0]:
                occupied.append(table)
    return occupied


def truncate(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def database_label() -> str:
    db = connection.settings_dict
    return f"{db.get('NAME')} on {db.get('HOST') or 'local socket'}:{db.get('PORT') or ''}"


def server_settings() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name = ANY(%s)",
            [
                [
                    "server_version",
                    "shared_buffers",
                    "work_mem",
                    "jit",
                    "fsync",
                    "synchronous_commit",
                    "max_parallel_workers_per_gather",
                ]
            ],
        )
        return dict(cursor.fetchall())
