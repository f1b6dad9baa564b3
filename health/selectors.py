"""Reading health-check results, for pages, the scorecard and other apps.

All of it rests on one grouped query over the answers: per round, side and
factor, the sum and number of ratings and the number of respondents. Means,
thresholds and bands are then worked out by `health.results`, without the
database, however many partnerships are asked about.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import translation

from accounts.models import Role, User
from core.queries import AnyOf

from . import results
from .models import Answer, Factor, FactorComment, Instrument, Respondent, Round, RoundState


@dataclass
class RoundHealth:
    """A closed round's answers, summed per side and factor."""

    round_id: int
    partnership_id: int
    closed_at: dt.datetime | None
    factors: dict[str, str] = field(default_factory=dict)  # code → name, in order
    # code → the name's translations by language ({"fr": "Confiance"})
    translations: dict[str, dict] = field(default_factory=dict)
    totals: list[results.SideTotal] = field(default_factory=list)
    respondents: dict[str, int] = field(default_factory=dict)  # side → how many answered

    @property
    def means(self) -> dict[tuple[str, str], Decimal]:
        return results.side_means(self.totals, self.respondents)

    @property
    def any_side_shown(self) -> bool:
        return any(results.shown(n) for n in self.respondents.values())

    def overall_means(self) -> dict[str, Decimal]:
        """Factor code → the mean over the sides shown."""
        means = self.means
        overall = {
            code: results.overall(
                means.get((results.OURS, code)), means.get((results.PARTNER, code))
            )
            for code in self.factors
        }
        return {code: mean for code, mean in overall.items() if mean is not None}


def _round_totals(answers) -> list[RoundHealth]:
    """The grouped query; rounds in the order they closed, newest first."""
    rows = (
        answers.values(
            "respondent__round_id",
            "respondent__round__partnership_id",
            "respondent__round__closed_at",
            "respondent__side",
            "statement__factor__code",
            "statement__factor__name",
            "statement__factor__translations",
            "statement__factor__position",
        )
        .annotate(
            total=Sum("rating"),
            ratings=Count("id"),
            respondents=Count("respondent_id", distinct=True),
        )
        .order_by(
            "-respondent__round__closed_at",
            "-respondent__round_id",
            "statement__factor__position",
            "statement__factor__code",
        )
    )
    rounds: dict[int, RoundHealth] = {}
    for row in rows:
        round_id = row["respondent__round_id"]
        health = rounds.get(round_id)
        if health is None:
            health = rounds[round_id] = RoundHealth(
                round_id,
                row["respondent__round__partnership_id"],
                row["respondent__round__closed_at"],
            )
        side, code = row["respondent__side"], row["statement__factor__code"]
        health.factors.setdefault(code, row["statement__factor__name"])
        health.translations.setdefault(code, row["statement__factor__translations"] or {})
        health.totals.append(results.SideTotal(side, code, row["total"], row["ratings"]))
        # Every respondent answers every statement, so each factor counts them all.
        health.respondents[side] = max(health.respondents.get(side, 0), row["respondents"])
    return list(rounds.values())


def shown_rounds_by_partnership(
    partnership_ids: Iterable[int] | None = None, *, closed_before: dt.datetime | None = None
) -> dict[int, list[RoundHealth]]:
    """Per partnership, its closed rounds with at least one side shown, newest first."""
    # The lookup the assessment uses for a chunk's ids (one array parameter);
    # imported here because the assessment's loader imports this module.

    answers = Answer.objects.filter(respondent__round__state=RoundState.CLOSED)
    if partnership_ids is not None:
        answers = answers.filter(
            AnyOf(F("respondent__round__partnership_id"), list(partnership_ids))
        )
    if closed_before is not None:
        answers = answers.filter(respondent__round__closed_at__lt=closed_before)
    by_partnership = defaultdict(list)
    for health in _round_totals(answers):
        if health.any_side_shown:
            by_partnership[health.partnership_id].append(health)
    return dict(by_partnership)


def latest_factor_means(
    partnership_ids: Iterable[int] | None = None,
) -> dict[int, dict[str, Decimal]]:
    """Per partnership, per factor code, the mean over both sides in its latest
    closed round whose results may be shown (only the sides that meet the
    threshold count). One query, whatever the number of partnerships."""
    return {
        pid: rounds[0].overall_means()
        for pid, rounds in shown_rounds_by_partnership(partnership_ids).items()
    }


def _named(factors) -> list[tuple[str, str]]:
    """(code, name) of each factor, the name in the reader's language where the
    instrument has it (its `translations`), else as written."""
    language = (translation.get_language() or "").split("-")[0]
    return [
        (code, translations.get(language) or name)
        for code, name, translations in factors.values_list("code", "name", "translations")
    ]


def round_factor_names(round_id: int) -> dict[str, str]:
    """Factor code → name, in the reader's language, of the instrument a round used."""
    return dict(
        _named(Factor.objects.filter(instrument__rounds=round_id).order_by("position", "pk"))
    )


def factor_names() -> dict[str, str]:
    """Factor code → name, from the latest published instrument."""
    latest = latest_published_instrument()
    if latest is None:
        return {}
    return dict(_named(latest.factors.order_by("position", "pk")))


def latest_published_instrument() -> Instrument | None:
    return (
        Instrument.objects.filter(published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


# --- one round's page --------------------------------------------------------------


@dataclass
class RoundResults:
    respondents: dict[str, int]
    shown: dict[str, bool]
    factors: list[results.FactorResult]
    factor_comments: list[tuple[str, str]]  # (factor name, text), sides shown only
    comments: list[str]  # overall comments, sides shown only

    @property
    def anything_shown(self) -> bool:
        return any(self.shown.values())


def round_results(health_round: Round) -> RoundResults:
    """A closed round's results against the partnership's round before it.

    Comments come without names, ordered by their text rather than by who or
    when, and only from a side whose results are shown.
    """
    this = _round_totals(Answer.objects.filter(respondent__round=health_round))
    before = shown_rounds_by_partnership(
        [health_round.partnership_id], closed_before=health_round.closed_at
    ).get(health_round.partnership_id, [])
    previous = before[0].overall_means() if before else {}
    instrument = health_round.instrument
    factors = _named(instrument.factors.order_by("position", "pk"))
    if this:
        respondents, means = this[0].respondents, this[0].means
    else:
        respondents, means = {}, {}
    shown = {
        side: results.shown(respondents.get(side, 0)) for side in (results.OURS, results.PARTNER)
    }
    shown_sides = [side for side, ok in shown.items() if ok]
    names = dict(factors)  # in the reader's language
    factor_comments = [
        (names.get(code, code), text)
        for code, text in FactorComment.objects.filter(
            respondent__round=health_round, respondent__side__in=shown_sides
        )
        .order_by("factor__position", "text")
        .values_list("factor__code", "text")
    ]
    comments = list(
        Respondent.objects.filter(round=health_round, side__in=shown_sides)
        .exclude(comment="")
        .order_by("comment")
        .values_list("comment", flat=True)
    )
    return RoundResults(
        respondents={side: respondents.get(side, 0) for side in (results.OURS, results.PARTNER)},
        shown=shown,
        factors=results.factor_results(
            factors,
            means,
            previous,
            strength_from=instrument.strength_from,
            concern_below=instrument.concern_below,
        ),
        factor_comments=factor_comments,
        comments=comments,
    )


def invitable_users():
    """Who on our side may be asked to answer a health check: anyone active with
    a role (who else could open the answer page?) but an executive, who reads
    the results and does not rate the partnership."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__isnull=False))
        .exclude(groups__name=Role.EXECUTIVE)
        .distinct()
    )


def open_checks_for(user):
    """The rounds this user is invited to and has not answered, still open;
    none for someone who may no longer answer (made an executive since)."""
    return (
        Respondent.objects.filter(
            user=user,
            user__in=invitable_users(),
            answered_at__isnull=True,
            round__state=RoundState.OPEN,
        )
        .select_related("round__partnership")
        .order_by("round__closes_on", "pk")
    )


def factors_of(instrument: Instrument):
    return Factor.objects.filter(instrument=instrument).prefetch_related("statements")
