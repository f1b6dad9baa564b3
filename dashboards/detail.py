"""Reads for the partner and partnership dashboards, the exports and the PDF.

Each reader costs a fixed number of queries, whatever the number of periods,
metrics, partnerships of a partner or members: rows are loaded set-based and
grouped here. The dashboards read what assessments stored (scorecards with
their components, flags and metric results); the only thing computed per
request is the planned trajectory of each metric, by `partnerships.progress`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.preferences import organisation_time_zone
from core import charts
from core.dates import EARLIEST, latest_plausible
from core.formatting import short_month
from evaluation.codes import flag_text
from evaluation.models import Scorecard, ScorecardEvent
from evaluation.templatetags.evaluation_tags import flag_url
from partnerships.geography import SharedHours, language_name, shared_working_hours
from partnerships.models import (
    Aggregation,
    Agreement,
    AgreementParty,
    ContributionKind,
    Measurement,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipMember,
)
from partnerships.periods import Frequency, Period, last_closed_period, periods_between
from partnerships.progress import actual_value, planned_progress
from partnerships.progress import progress as metric_progress

COMPONENTS = (
    ("overall_score", _("Overall")),
    ("outcomes_score", _("Outcomes")),
    ("objectives_score", _("Objectives")),
    ("health_score", _("Relationship")),
    ("agreement_score", _("Agreement")),
)
# A metric's chart and table stop being readable beyond five years of months.
MAX_TRAJECTORY_PERIODS = 60
# How far ahead a change of daylight saving time is looked for.
DST_LOOKAHEAD_DAYS = 366
# Agreements whose contributions are committed now: signed and not yet ended.


# --- who sees what --------------------------------------------------------------


# --- flags ----------------------------------------------------------------------


def flag_link(flag: dict, *, partnership_id: int) -> str:
    """Where the record behind a flag is read: a metric or an objective right on
    the partnership dashboard, anything else at its own record address; empty
    when the flag names none."""
    ref = flag.get("ref") or {}
    model, object_id = ref.get("model"), ref.get("id")
    if not model:
        return ""
    dashboard = reverse("dashboards:partnership", args=[partnership_id])
    if model == "partnerships.outcomemetric":
        return f"{dashboard}#metric-{object_id}"
    if model == "partnerships.objective":
        return f"{dashboard}#objective-{object_id}"
    return flag_url(flag)


def flags_in_words(card) -> str:
    return "; ".join(flag_text(flag) for flag in card.flags)


# --- metrics against their trajectory -------------------------------------------


@dataclass(frozen=True)
class TrajectoryPoint:
    period: Period
    planned: Decimal | None  # where the plan puts the metric by the end of the period
    actual: Decimal | None  # what it came to (the running total for summed metrics)
    progress: Decimal | None  # 0 at the baseline, 1 at the target


def metric_trajectory(
    metric: OutcomeMetric, values: dict[dt.date, Decimal], *, today: dt.date
) -> list[TrajectoryPoint]:
    """The metric period by period, from its baseline to its target date (or the
    last closed period), with planned and actual values as the scoring sees them:
    a summed metric counts what was added since its baseline on top of it."""
    frequency = Frequency(metric.frequency)
    first_day = metric.baseline_date or min(values, default=None) or metric.created_at.date()
    ends = [last_closed_period(today, frequency)]
    if values:
        ends.append(Period.containing(max(values), frequency))
    if metric.target_date:
        ends.append(Period.containing(metric.target_date, frequency))
    # Forms keep dates within core.dates' window; a date stored past it some
    # other way (9999-12-31) must not make the walk below run for millennia,
    # nor step into year 10000, which no date can hold.
    first = Period.containing(max(first_day, EARLIEST), frequency)
    last = min(max(ends), Period.containing(latest_plausible(today), frequency))
    periods = periods_between(first, last)
    periods = periods[-MAX_TRAJECTORY_PERIODS:]
    if not periods:
        return []

    baseline, target = metric.baseline_value, metric.target_value
    rated = baseline is not None and target is not None
    summed = metric.aggregation == Aggregation.SUM
    last_reported = max(values, default=None)

    def counted(start: dt.date) -> bool:
        # As in the scoring, a sum counts what was measured from the baseline on.
        return metric.baseline_date is None or start >= metric.baseline_date

    running = sum(
        (value for start, value in values.items() if start < periods[0].start and counted(start)),
        Decimal(0),
    )
    points = []
    for period in periods:
        value = values.get(period.start)
        if summed:
            if value is not None and counted(period.start):
                running += value
            reported = last_reported is not None and period.start <= last_reported
            actual = (
                actual_value(
                    aggregation=metric.aggregation, baseline=baseline, total=running, latest=None
                )
                if reported
                else None
            )
        else:
            actual = value
        planned = progress = None
        if rated:
            share = planned_progress(
                baseline_date=metric.baseline_date, target_date=metric.target_date, on=period.end
            )
            planned = baseline + share * (target - baseline)
            if actual is not None:
                progress = metric_progress(baseline=baseline, target=target, actual=actual)
        points.append(TrajectoryPoint(period, planned, actual, progress))
    return points


def metrics_with_trajectories(partnership_id: int, *, today: dt.date) -> list[OutcomeMetric]:
    """The partnership's active metrics, each with `.trajectory`: two queries."""
    metrics = list(
        OutcomeMetric.objects.filter(objective__partnership_id=partnership_id, is_active=True)
        .select_related("objective")
        .order_by("objective__title", "name", "pk")
    )
    values = defaultdict(dict)
    for metric_id, period_start, value in (
        Measurement.objects.filter(
            metric__objective__partnership_id=partnership_id, metric__is_active=True
        )
        .order_by()
        .values_list("metric_id", "period_start", "value")
    ):
        values[metric_id][period_start] = value
    for metric in metrics:
        metric.trajectory = metric_trajectory(metric, values[metric.pk], today=today)
    return metrics


# --- where people are -----------------------------------------------------------


@dataclass(frozen=True)
class WorkingHours:
    today: SharedHours | None
    # The next day within a year on which a clock change moves one side
    # against the other, and so the shared hours.
    changes_on: dt.date | None
    then: SharedHours | None


def _offsets(zones: list[ZoneInfo], day: dt.date) -> tuple:
    """Each zone's offset from ours: London and Paris change their clocks on the
    same night, which moves nothing they share."""
    noon = dt.datetime.combine(day, dt.time(12))
    ours = zones[0].utcoffset(noon)
    return tuple(zone.utcoffset(noon) - ours for zone in zones[1:])


def working_hours(zone_names: list[str], *, today: dt.date) -> WorkingHours:
    """The office hours our organisation shares with every given zone, today and
    after the next change of daylight saving time on either side."""
    zones = [organisation_time_zone()]
    zones += [ZoneInfo(name) for name in dict.fromkeys(zone_names)]
    now = shared_working_hours(zones, on=today)
    offsets = _offsets(zones, today)
    for days in range(1, DST_LOOKAHEAD_DAYS + 1):
        day = today + dt.timedelta(days=days)
        if _offsets(zones, day) != offsets:
            return WorkingHours(now, day, shared_working_hours(zones, on=day))
    return WorkingHours(now, None, None)


# --- the partnership dashboard --------------------------------------------------


def _history(partnership: Partnership, user):
    """The partnership's scorecards the user may read, oldest first."""
    return (
        Scorecard.objects.visible_to(user).filter(partnership=partnership).order_by("period_start")
    )


# What a dashboard's agreement rows show: fetching only these keeps a wide
# model's columns (and Django's work on each) out of the page.
AGREEMENT_ROW = (
    "partnership_id",
    "title",
    "status",
    "effective_date",
    "expiry_date",
    "notice_period_days",
)


def partnership_dashboard(partnership: Partnership, *, user, today: dt.date) -> dict:
    """Everything the partnership dashboard shows: six queries.

    scorecards · metrics · measurements · objectives · agreements · members
    with their partners.
    """
    cards = list(_history(partnership, user))
    latest = cards[-1] if cards else None
    metrics = metrics_with_trajectories(partnership.pk, today=today)
    if latest is not None:
        results = {result["id"]: result for result in latest.metric_results}
        for metric in metrics:
            metric.result = results.get(metric.pk)
    objectives = list(
        Objective.objects.filter(partnership=partnership)
        .select_related("owner")
        .order_by("due_date", "title", "pk")
    )
    agreements = list(
        Agreement.objects.filter(partnership=partnership)
        .select_related("changes")
        .only(
            *AGREEMENT_ROW, "change_kind", "auto_renewal", "renewal_term_months", "changes__title"
        )
        .order_by("effective_date", "pk")
    )
    flags = [
        flag | {"url": flag_link(flag, partnership_id=partnership.pk)}
        for flag in (latest.flags if latest else [])
    ]
    members = list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("partner")
        .order_by("role", "partner__name")
    )
    for member in members:
        member.languages = [language_name(code) for code in member.partner.languages]
    return {
        "scorecards": cards,
        "latest": latest,
        "flags": flags,
        "metrics": metrics,
        "objectives": objectives,
        "agreements": agreements,
        "members": members,
        "hours": working_hours([str(m.partner.time_zone) for m in members], today=today),
        "our_time_zone": settings.ACCORD_ORGANISATION_TIME_ZONE,
    }


# --- the partner dashboard ------------------------------------------------------


def _funding_by_side(partner: Partner) -> list[dict]:
    """Financial contributions committed under the partner's agreements in force,
    summed per side and currency: one query."""
    agreements = Agreement.objects.in_force().filter(parties__partner=partner)
    rows = (
        AgreementParty.objects.filter(
            agreement__in=agreements, contribution_kind=ContributionKind.FINANCIAL
        )
        .values("is_our_organisation", "partner_id", "contribution_currency")
        .annotate(total=Sum("contribution_amount"))
        .order_by("contribution_currency")
    )
    sides = {side: defaultdict(Decimal) for side in ("partner", "us", "others")}
    for row in rows:
        if row["is_our_organisation"]:
            side = "us"
        elif row["partner_id"] == partner.pk:
            side = "partner"
        else:
            side = "others"
        sides[side][row["contribution_currency"]] += row["total"]
    currencies = sorted({c for totals in sides.values() for c in totals})
    return [
        {
            "currency": currency,
            "partner": sides["partner"].get(currency),
            "us": sides["us"].get(currency),
            "others": sides["others"].get(currency),
        }
        for currency in currencies
    ]


def partner_dashboard(partner: Partner, *, user, today: dt.date) -> dict:
    """Everything the partner dashboard shows: four queries.

    memberships with their partnerships · their scorecards · the partner's
    agreements · the funding they commit.
    """
    memberships = list(
        PartnershipMember.objects.filter(partner=partner)
        .select_related("partnership__owner")
        .order_by("partnership__title", "partnership_id")
    )
    history = defaultdict(list)
    for card in (
        Scorecard.objects.visible_to(user)
        .filter(partnership__members__partner=partner)
        .only(
            "partnership_id",
            "period_start",
            "overall_score",
            "rating",
            "override_rating",
            "trend",
            "review_state",
        )
        .order_by("period_start")
    ):
        history[card.partnership_id].append(card)
    for membership in memberships:
        cards = history[membership.partnership_id]
        membership.scorecards = cards
        membership.latest = cards[-1] if cards else None
    agreements = list(
        Agreement.objects.filter(parties__partner=partner)
        .select_related("partnership")
        .only(*AGREEMENT_ROW, "partnership__title")
        .distinct()
        .order_by("expiry_date", "title", "pk")
    )
    return {
        "memberships": memberships,
        "agreements": agreements,
        "funding": _funding_by_side(partner),
        "languages": [language_name(code) for code in partner.languages],
        "hours": working_hours([str(partner.time_zone)], today=today),
        "our_time_zone": settings.ACCORD_ORGANISATION_TIME_ZONE,
    }


# --- charts ---------------------------------------------------------------------


def _number(value):
    return None if value is None else float(value)


def _period_label(card) -> str:
    label = short_month(card.period_start)
    return _("%(period)s (provisional)") % {"period": label} if card.is_provisional else label


def history_chart(cards) -> dict:
    """Overall and component scores by period; a point opens its scorecard."""
    return charts.chart(
        "line",
        [_period_label(card) for card in cards],
        [
            {"label": label, "data": [_number(getattr(card, field)) for card in cards]}
            for field, label in COMPONENTS
        ],
        title=_("Scorecard history"),
        links=[reverse("evaluation:scorecard", args=[card.pk]) for card in cards],
        suggested_max=100,
    )


def metric_chart(metric) -> dict:
    points = metric.trajectory
    datasets = [{"label": _("Actual"), "data": [_number(p.actual) for p in points]}]
    if metric.target_value is not None:
        datasets += [
            {"label": _("Planned"), "data": [_number(p.planned) for p in points]},
            {"label": _("Target"), "data": [float(metric.target_value)] * len(points)},
        ]
    return charts.chart(
        "line", [p.period.label for p in points], datasets, title=metric.name, unit=metric.unit
    )


def members_map(members) -> dict:
    by_country = defaultdict(list)
    for member in members:
        by_country[member.partner.country.code].append(member)
    return charts.world_map(
        {code: len(here) for code, here in by_country.items()},
        title=_("Where the members are"),
        label=_("Members"),
        # A country leads to its member's dashboard when there is just one to lead to.
        links={
            code: reverse("dashboards:partner", args=[here[0].partner_id])
            for code, here in by_country.items()
            if len(here) == 1
        },
    )


def partnership_charts(data: dict) -> dict:
    """The chart specs of the partnership dashboard, from what it read."""
    for metric in data["metrics"]:
        metric.chart = metric_chart(metric)
        metric.chart_id = f"metric-chart-{metric.pk}"
    return {
        "history_chart": history_chart(data["scorecards"]),
        "members_map": members_map(data["members"]),
    }


def partner_charts(partner: Partner, data: dict) -> dict:
    """The partner's place on the map and each partnership's overall score by period."""
    periods = sorted({card.period_start for m in data["memberships"] for card in m.scorecards})
    series = []
    for membership in data["memberships"]:
        by_period = {card.period_start: card.overall_score for card in membership.scorecards}
        series.append(
            {
                "label": membership.partnership.title,
                "data": [_number(by_period.get(period)) for period in periods],
            }
        )
    return {
        "relationship_chart": charts.chart(
            "line",
            [short_month(period) for period in periods],
            series,
            title=_("Overall score of each partnership by period"),
            suggested_max=100,
        ),
        "map": charts.world_map(
            {partner.country.code: 1},
            title=_("Where %(partner)s is") % {"partner": partner.name},
            label=_("Partner"),
        ),
    }


# --- exports --------------------------------------------------------------------


def scorecard_history(partnership: Partnership, *, user) -> list[Scorecard]:
    """The scorecards the user may read, oldest first, each with `.comments`
    (the review events that carry one) and their reviewer: two queries."""
    cards = list(_history(partnership, user).select_related("reviewer"))
    comments = defaultdict(list)
    for event in (
        ScorecardEvent.objects.filter(scorecard__in=[card.pk for card in cards])
        .exclude(comment="")
        .select_related("actor")
        .order_by("created_at", "pk")
    ):
        comments[event.scorecard_id].append(event)
    for card in cards:
        card.comments = comments[card.pk]
    return cards
