"""How a scorecard is computed: plain values in, scores out.

Nothing here touches the database or the clock, so every rule can be tested by
hand and a rerun with the same inputs gives the same numbers.
`evaluation.services` loads the inputs set-based and stores what comes out.
Flags carry the values they quote, not sentences: `codes.FLAG_WORDING` words
them in the reader's language.

Scores are Decimals rounded to two places (what the scorecard table stores),
computed from Decimal inputs without floats, so they reproduce to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.numbers import HUNDRED, ONE, ZERO, clamp
from core.phrases import date, name, number
from partnerships.progress import planned_progress, progress_of

from .codes import FLAG_WORDING, FlagCode, MetricStatus, Severity

CENT = Decimal("0.01")


def to_score(value: Decimal) -> Decimal:
    return clamp(value, ZERO, HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Policy:
    """The parts of a ScoringPolicy the computation reads."""

    weight_outcomes: Decimal = Decimal(40)
    weight_objectives: Decimal = Decimal(20)
    weight_health: Decimal = Decimal(20)
    weight_agreement: Decimal = Decimal(20)
    green_from: Decimal = Decimal(75)
    amber_from: Decimal = Decimal(50)
    on_track_tolerance: Decimal = Decimal("0.15")
    attainment_cap: Decimal = Decimal("1.2")
    trend_min_change: Decimal = Decimal(3)
    expiry_warning_days: int = 90


@dataclass(frozen=True)
class Flag:
    """A reason behind the numbers: its code, the values it quotes (`core.phrases`)
    and the record it names. It is stored as a phrase and read in the reader's
    language; `message` is its English sentence."""

    code: FlagCode
    severity: Severity
    params: dict = field(default_factory=dict)
    model: str = ""
    object_id: int | None = None

    @property
    def message(self) -> str:
        return FLAG_WORDING.english({"code": self.code, "params": self.params})

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "params": self.params,
            "message": self.message,
            "ref": {"model": self.model, "id": self.object_id} if self.model else None,
        }


# --- outcome metrics --------------------------------------------------------------


@dataclass(frozen=True)
class MetricInput:
    id: int
    name: str
    weight: Decimal
    baseline: Decimal | None
    target: Decimal | None
    baseline_date: dt.date | None
    target_date: dt.date | None
    aggregation: str  # "sum" or "latest"
    # What the measurements up to the end of the assessed period come to:
    total: Decimal | None  # sum of the values (for "sum")
    latest: Decimal | None  # the value of the latest period (for "latest")
    # How many of the metric's most recent closed reporting periods have no value.
    periods_missing: int = 0


@dataclass(frozen=True)
class MetricResult:
    id: int
    progress: Decimal | None  # 0 at baseline, 1 at target
    planned: Decimal | None  # where the trajectory says progress should be
    attainment: Decimal | None  # progress / planned, capped
    status: MetricStatus

    def as_json(self) -> dict:
        def text(value):
            return None if value is None else str(value.quantize(Decimal("0.0001")))

        return {
            "id": self.id,
            "progress": text(self.progress),
            "planned": text(self.planned),
            "attainment": text(self.attainment),
            "status": self.status,
        }


def assess_metric(metric: MetricInput, *, on: dt.date, policy: Policy) -> MetricResult:
    if metric.target is None or metric.baseline is None:
        return MetricResult(metric.id, None, None, None, MetricStatus.NO_TARGET)
    done = progress_of(
        aggregation=metric.aggregation,
        baseline=metric.baseline,
        target=metric.target,
        total=metric.total,
        latest=metric.latest,
    )
    if done is None:
        return MetricResult(metric.id, None, None, None, MetricStatus.NO_DATA)
    planned = planned_progress(
        baseline_date=metric.baseline_date, target_date=metric.target_date, on=on
    )
    if planned == 0:
        return MetricResult(metric.id, done, planned, None, MetricStatus.NOT_DUE)
    attainment = clamp(done / planned, ZERO, policy.attainment_cap)
    if attainment >= ONE - policy.on_track_tolerance:
        status = MetricStatus.ON_TRACK
    elif attainment >= (ONE - policy.on_track_tolerance) / 2:
        status = MetricStatus.BEHIND
    else:
        status = MetricStatus.OFF_TRACK
    return MetricResult(metric.id, done, planned, attainment, status)


def outcomes_score(results: list[MetricResult], weights: dict[int, Decimal]) -> Decimal | None:
    """Weighted mean attainment of the metrics that can be rated, as 0–100.

    Attainment above 1 (ahead of plan, up to the policy's cap) may make up for a
    metric behind plan; the component itself never exceeds 100.
    """
    rated = [r for r in results if r.attainment is not None]
    if not rated:
        return None
    total_weight = sum(weights[r.id] for r in rated)
    mean = sum(r.attainment * weights[r.id] for r in rated) / total_weight
    return to_score(mean * HUNDRED)


# --- objectives --------------------------------------------------------------------

# By `partnerships.models.ObjectiveStatus` value (an abandoned objective does not count).
OBJECTIVE_STATUS_SCORE = {
    "achieved": Decimal(100),
    "on_track": Decimal(90),
    "not_started": Decimal(70),
    "at_risk": Decimal(50),
    "off_track": Decimal(20),
}


@dataclass(frozen=True)
class ObjectiveInput:
    id: int
    title: str
    status: str
    weight: Decimal
    due_date: dt.date | None


def objectives_score(objectives: list[ObjectiveInput], *, on: dt.date) -> Decimal | None:
    """Status of each objective, weighted; an overdue objective not achieved counts 0."""
    counted = [o for o in objectives if o.status != "abandoned"]
    if not counted:
        return None
    total = ZERO
    for objective in counted:
        if _objective_overdue(objective, on):
            continue
        total += OBJECTIVE_STATUS_SCORE[objective.status] * objective.weight
    return to_score(total / sum(o.weight for o in counted))


def _objective_overdue(objective: ObjectiveInput, on: dt.date) -> bool:
    return (
        objective.due_date is not None
        and objective.due_date < on
        and objective.status not in ("achieved", "abandoned")
    )


# --- agreement ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementInput:
    """The agreement in force at the end of the period (the latest to expire)."""

    id: int
    title: str
    expiry_date: dt.date | None
    notice_period_days: int
    auto_renewal: bool


@dataclass(frozen=True)
class ObligationInput:
    id: int
    description: str
    due_date: dt.date


NOTICE_PENALTY = Decimal(30)
EXPIRY_PENALTY = Decimal(15)
OBLIGATION_PENALTY = Decimal(15)
OBLIGATIONS_MAX_PENALTY = Decimal(45)
REPORTING_WEIGHT = Decimal(30)


def agreement_score(
    agreement: AgreementInput | None,
    *,
    overdue_obligations: list[ObligationInput],
    metrics_due: int,
    metrics_reported: int,
    on: dt.date,
    policy: Policy,
) -> Decimal:
    """100 for a valid agreement with obligations met and reporting on time.

    No agreement in force scores 0. Inside the notice period (unless it renews
    itself) costs 30; expiring within the policy's warning days costs 15; each
    overdue obligation 15 (at most 45); reporting costs up to 30 in proportion
    to the metrics that missed their last period.
    """
    if agreement is None:
        return ZERO
    score = HUNDRED
    if agreement.expiry_date is not None and not agreement.auto_renewal:
        notice_from = agreement.expiry_date - dt.timedelta(days=agreement.notice_period_days)
        if on >= notice_from:
            score -= NOTICE_PENALTY
        elif (agreement.expiry_date - on).days <= policy.expiry_warning_days:
            score -= EXPIRY_PENALTY
    score -= min(OBLIGATION_PENALTY * len(overdue_obligations), OBLIGATIONS_MAX_PENALTY)
    if metrics_due:
        missed = Decimal(metrics_due - metrics_reported)
        score -= REPORTING_WEIGHT * missed / Decimal(metrics_due)
    return to_score(score)


# --- relationship health ---------------------------------------------------------

# A factor whose mean fell this much since the last round is flagged, and so is
# one the two sides rate this far apart: on a 1–5 scale, a whole point is a
# change people feel, and smaller moves are within what one respondent shifts.
HEALTH_FALL_FLAG = Decimal("1.0")
HEALTH_GAP_FLAG = Decimal("1.0")
FOUR = Decimal(4)


@dataclass(frozen=True)
class HealthFactorInput:
    """One factor in the latest health check: the mean of each side shown (None
    when a side had too few respondents), their mean, and that mean last time."""

    code: str
    name: str
    ours: Decimal | None
    partner: Decimal | None
    overall: Decimal | None
    previous: Decimal | None = None
    # The factor's name in other languages, by language code ({"fr": "Confiance"}).
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthInput:
    round_id: int
    factors: list[HealthFactorInput] = field(default_factory=list)


def health_score(health: HealthInput | None) -> Decimal | None:
    """The relationship-health component, 0–100.

    m is the mean over the factors of each factor's overall mean in the latest
    closed round whose results may be shown (each side with at least three
    respondents counts, with equal weight); the 1–5 scale maps linearly to
    0–100: score = (m − 1) / 4 × 100, so 1 → 0, 3 → 50, 4 → 75, 5 → 100.
    No such round: no component, and the others' weights renormalise.
    """
    if health is None:
        return None
    means = [factor.overall for factor in health.factors if factor.overall is not None]
    if not means:
        return None
    m = sum(means) / Decimal(len(means))
    return to_score((m - ONE) / FOUR * HUNDRED)


def _in_a_sentence(factor_name: str) -> str:
    """A factor's name within a sentence: "clarity of roles", not "Clarity"."""
    return f"{factor_name[:1].lower()}{factor_name[1:]}"


def health_flags(health: HealthInput | None) -> list[Flag]:
    """“Trust fell from 4.1 to 2.8.”, “The sides disagree on clarity of roles … by 1.5.”"""
    if health is None:
        return []
    flags = []
    for factor in health.factors:
        if (
            factor.overall is not None
            and factor.previous is not None
            and factor.previous - factor.overall >= HEALTH_FALL_FLAG
        ):
            flags.append(
                Flag(
                    FlagCode.HEALTH_FELL,
                    Severity.WARNING,
                    {
                        "factor": name(factor.name, factor.translations),
                        "previous": number(factor.previous, 1),
                        "now": number(factor.overall, 1),
                    },
                    "health.round",
                    health.round_id,
                )
            )
        if factor.ours is not None and factor.partner is not None:
            apart = abs(factor.ours - factor.partner)
            if apart >= HEALTH_GAP_FLAG:
                flags.append(
                    Flag(
                        FlagCode.HEALTH_GAP,
                        Severity.WARNING,
                        {
                            "factor": name(
                                _in_a_sentence(factor.name),
                                {
                                    language: _in_a_sentence(text)
                                    for language, text in factor.translations.items()
                                },
                            ),
                            "gap": number(apart, 1),
                        },
                        "health.round",
                        health.round_id,
                    )
                )
    return flags


# --- the whole scorecard -----------------------------------------------------------


@dataclass(frozen=True)
class ScorecardInput:
    partnership_id: int
    period_end: dt.date
    metrics: list[MetricInput] = field(default_factory=list)
    objectives: list[ObjectiveInput] = field(default_factory=list)
    agreement: AgreementInput | None = None
    overdue_obligations: list[ObligationInput] = field(default_factory=list)
    health: HealthInput | None = None  # the latest health check, if its results may be shown
    previous_overall: Decimal | None = None


@dataclass(frozen=True)
class ScorecardResult:
    outcomes: Decimal | None
    objectives: Decimal | None
    health: Decimal | None
    agreement: Decimal | None
    overall: Decimal | None
    rating: str  # "green", "amber", "red" or "" without a score
    trend: str  # "up", "flat", "down" or "new"
    flags: list[Flag]
    metrics: list[MetricResult]


def overall_score(components: dict[str, Decimal | None], weights: dict[str, Decimal]):
    """Weighted mean of the components present; weights renormalise over them."""
    present = {name: value for name, value in components.items() if value is not None}
    total_weight = sum(weights[name] for name in present)
    if not present or total_weight == 0:
        return None
    return to_score(sum(value * weights[name] for name, value in present.items()) / total_weight)


def rating_for(score: Decimal | None, policy: Policy) -> str:
    if score is None:
        return ""
    if score >= policy.green_from:
        return "green"
    if score >= policy.amber_from:
        return "amber"
    return "red"


def trend_for(current: Decimal | None, previous: Decimal | None, policy: Policy) -> str:
    if current is None or previous is None:
        return "new"
    change = current - previous
    if change >= policy.trend_min_change:
        return "up"
    if change <= -policy.trend_min_change:
        return "down"
    return "flat"


def assess(data: ScorecardInput, policy: Policy) -> ScorecardResult:
    on = data.period_end
    metric_results = [assess_metric(m, on=on, policy=policy) for m in data.metrics]
    weights = {m.id: m.weight for m in data.metrics}
    metrics_due = [m for m in data.metrics if m.target is not None or m.latest is not None]
    components = {
        "outcomes": outcomes_score(metric_results, weights),
        "objectives": objectives_score(data.objectives, on=on),
        "health": health_score(data.health),
        "agreement": agreement_score(
            data.agreement,
            overdue_obligations=data.overdue_obligations,
            metrics_due=len(metrics_due),
            metrics_reported=sum(1 for m in metrics_due if m.periods_missing == 0),
            on=on,
            policy=policy,
        ),
    }
    overall = overall_score(
        components,
        {
            "outcomes": policy.weight_outcomes,
            "objectives": policy.weight_objectives,
            "health": policy.weight_health,
            "agreement": policy.weight_agreement,
        },
    )
    return ScorecardResult(
        outcomes=components["outcomes"],
        objectives=components["objectives"],
        health=components["health"],
        agreement=components["agreement"],
        overall=overall,
        rating=rating_for(overall, policy),
        trend=trend_for(overall, data.previous_overall, policy),
        flags=explain(data, metric_results, policy),
        metrics=metric_results,
    )


def explain(data: ScorecardInput, results: list[MetricResult], policy: Policy) -> list[Flag]:
    """The reasons behind the numbers, in words, each naming its record."""
    on = data.period_end
    flags: list[Flag] = []
    agreement = data.agreement
    if agreement is None:
        flags.append(Flag(FlagCode.NO_AGREEMENT, Severity.CRITICAL))
    elif agreement.expiry_date is not None:
        days_left = (agreement.expiry_date - on).days
        notice_from = agreement.expiry_date - dt.timedelta(days=agreement.notice_period_days)
        if agreement.auto_renewal:
            pass
        elif on >= notice_from:
            flags.append(
                Flag(
                    FlagCode.AGREEMENT_NOTICE,
                    Severity.CRITICAL,
                    {
                        "title": agreement.title,
                        "count": days_left,
                        "notice": agreement.notice_period_days,
                    },
                    "partnerships.agreement",
                    agreement.id,
                )
            )
        elif days_left <= policy.expiry_warning_days:
            flags.append(
                Flag(
                    FlagCode.AGREEMENT_EXPIRING,
                    Severity.WARNING,
                    {"title": agreement.title, "count": days_left},
                    "partnerships.agreement",
                    agreement.id,
                )
            )
    for obligation in data.overdue_obligations:
        flags.append(
            Flag(
                FlagCode.OBLIGATION_OVERDUE,
                Severity.WARNING,
                {"due": date(obligation.due_date), "description": obligation.description},
                "partnerships.obligation",
                obligation.id,
            )
        )
    by_id = {m.id: m for m in data.metrics}
    for result in results:
        metric = by_id[result.id]
        if metric.periods_missing:
            flags.append(
                Flag(
                    FlagCode.NOT_REPORTED,
                    Severity.WARNING,
                    {"name": metric.name, "count": metric.periods_missing},
                    "partnerships.outcomemetric",
                    metric.id,
                )
            )
        if result.status == MetricStatus.NO_TARGET:
            flags.append(
                Flag(
                    FlagCode.NO_TARGET,
                    Severity.INFO,
                    {"name": metric.name},
                    "partnerships.outcomemetric",
                    metric.id,
                )
            )
        elif result.status == MetricStatus.OFF_TRACK:
            flags.append(
                Flag(
                    FlagCode.METRIC_OFF_TRACK,
                    Severity.WARNING,
                    {
                        "name": metric.name,
                        "progress": number(result.progress * 100, 0),
                        "planned": number(result.planned * 100, 0),
                    },
                    "partnerships.outcomemetric",
                    metric.id,
                )
            )
    for objective in data.objectives:
        if _objective_overdue(objective, on):
            flags.append(
                Flag(
                    FlagCode.OBJECTIVE_OVERDUE,
                    Severity.WARNING,
                    {"title": objective.title, "due": date(objective.due_date)},
                    "partnerships.objective",
                    objective.id,
                )
            )
    flags.extend(health_flags(data.health))
    return flags
