"""The portfolio view of factors: which success and negative factors recur, and where.

Each source of experience is a producer that turns its rows into observations
`(partnership_id, factor_code, effect, source)`; the view only counts them. A
new source is one more producer in PRODUCERS, nothing else changes.

- lessons: the factors the owner named when the partnership ended;
- fit: a fit-assessment criterion that maps to a factor, judged poor (1–2,
  hindered) or good (4–5, helped), from the latest assessment;
- warning: the factors the owner named on confirming an early warning (hindered);
- health: the latest health-check means per factor, read through the health
  app's selector `health.selectors.latest_factor_means(partnership_ids)`
  (below the instrument's `concern_below` hindered, from `strength_from` helped).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from health import selectors as health_selectors
from health.selectors import latest_factor_means, latest_published_instrument
from partnerships.geography import Continent, continent_of
from partnerships.models import Partnership, PartnershipMember, Sector, Stage

from .models import FIT_CRITERIA, EarlyWarning, Effect, FitAssessment, LessonFactor, WarningState

POOR_FIT_UP_TO = 2
GOOD_FIT_FROM = 4


class Observation(NamedTuple):
    partnership_id: int
    factor_code: str
    effect: str  # Effect.HELPED or Effect.HINDERED
    source: str


class Source:
    LESSON = "lesson"
    FIT = "fit"
    WARNING = "warning"
    HEALTH = "health"

    choices = [
        (LESSON, _("Lessons of ended partnerships")),
        (FIT, _("Fit assessments")),
        (WARNING, _("Confirmed early warnings")),
        (HEALTH, _("Health checks")),
    ]


def from_lessons() -> Iterable[Observation]:
    rows = LessonFactor.objects.values_list("lesson__partnership_id", "factor__code", "effect")
    return (Observation(pid, code, effect, Source.LESSON) for pid, code, effect in rows)


def from_fit_assessments() -> Iterable[Observation]:
    latest = FitAssessment.objects.filter(partnership=OuterRef("partnership")).order_by(
        "-assessed_at", "-pk"
    )
    rows = FitAssessment.objects.filter(pk=Subquery(latest.values("pk")[:1])).values(
        "partnership_id", *(f"{code}_rating" for code in FIT_CRITERIA)
    )
    for row in rows:
        for code, (_label, factor_code) in FIT_CRITERIA.items():
            rating = row[f"{code}_rating"]
            if factor_code is None:
                continue
            if rating <= POOR_FIT_UP_TO:
                yield Observation(row["partnership_id"], factor_code, Effect.HINDERED, Source.FIT)
            elif rating >= GOOD_FIT_FROM:
                yield Observation(row["partnership_id"], factor_code, Effect.HELPED, Source.FIT)


def from_warnings() -> Iterable[Observation]:
    rows = EarlyWarning.factors.through.objects.filter(
        earlywarning__state=WarningState.CONFIRMED
    ).values_list("earlywarning__partnership_id", "factor__code")
    return (Observation(pid, code, Effect.HINDERED, Source.WARNING) for pid, code in rows)


def from_health(partnership_ids: list[int]) -> Iterable[Observation]:
    instrument = latest_published_instrument()
    if instrument is None:
        return []
    observations = []
    for partnership_id, means in latest_factor_means(partnership_ids).items():
        for code, mean in means.items():
            mean = Decimal(mean)
            if mean < instrument.concern_below:
                observations.append(
                    Observation(partnership_id, code, Effect.HINDERED, Source.HEALTH)
                )
            elif mean >= instrument.strength_from:
                observations.append(Observation(partnership_id, code, Effect.HELPED, Source.HEALTH))
    return observations


def observations(partnership_ids: list[int]) -> list[Observation]:
    """Every observation on the given partnerships, from every producer."""
    wanted = set(partnership_ids)
    found = [
        *from_lessons(),
        *from_fit_assessments(),
        *from_warnings(),
        *from_health(partnership_ids),
    ]
    return [observation for observation in found if observation.partnership_id in wanted]


# --- grouping -------------------------------------------------------------------

# The study's four kinds of partnership. Active partnerships count as successful
# (they are not struggling); a dropped prospect (withdrawn) still teaches what
# the pipeline teaches, so it counts with the potential ones.
GROUPS = {
    "potential": (
        _("Potential"),
        (Stage.IDENTIFIED, Stage.OUTREACH, Stage.NEGOTIATING, Stage.WITHDRAWN),
    ),
    "struggling": (_("Struggling"), (Stage.STRUGGLING,)),
    "failed": (_("Failed"), (Stage.FAILED,)),
    "successful": (_("Successful"), (Stage.ACTIVE, Stage.COMPLETED)),
}
GROUP_OF_STAGE = {stage: group for group, (_, stages) in GROUPS.items() for stage in stages}


class Dimension:
    GROUP = "group"
    SECTOR = "sector"
    REGION = "region"

    choices = [(GROUP, _("Kind of partnership")), (SECTOR, _("Sector")), (REGION, _("Region"))]


def columns(dimension: str) -> list[tuple[str, str]]:
    if dimension == Dimension.SECTOR:
        return list(Sector.choices)
    if dimension == Dimension.REGION:
        return [(value, label) for value, label in Continent.choices if value != "AN"]
    return [(group, label) for group, (label, _) in GROUPS.items()]


def placement(dimension: str) -> dict[int, set[str]]:
    """The column(s) each partnership falls in: one kind, its partners' sectors or
    continents. Two queries."""
    where = defaultdict(set)
    if dimension == Dimension.GROUP:
        for pk, stage in Partnership.objects.order_by().values_list("pk", "stage"):
            where[pk].add(GROUP_OF_STAGE[stage])
        return where
    # Unordered: the default order would sort every member by its
    # partnership's title and partner's name for nothing.
    for pk, sector, country in PartnershipMember.objects.order_by().values_list(
        "partnership_id", "partner__sector", "partner__country"
    ):
        if dimension == Dimension.SECTOR:
            where[pk].add(sector)
        else:
            continent = continent_of(country)
            if continent:
                where[pk].add(continent)
    return where


def counts(
    *, dimension: str, effect: str, sources: Iterable[str] | None = None
) -> tuple[list[tuple[str, str]], dict[str, dict[str, set[int]]]]:
    """For each factor code and column, the partnerships with an observation of
    that factor having that effect (from the chosen sources)."""
    sources = set(sources or [value for value, _ in Source.choices])
    where = placement(dimension)
    ids = list(where)
    behind: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for observation in observations(ids):
        if observation.effect != effect or observation.source not in sources:
            continue
        for column in where[observation.partnership_id]:
            behind[observation.factor_code][column].add(observation.partnership_id)
    return columns(dimension), behind


def factor_names() -> list[tuple[str, str]]:
    """(code, name) of the latest published instrument's factors, in its order."""
    return list(health_selectors.factor_names().items())
