"""The early-warning rule: plain values in, signals and a verdict out.

One bad number is noise; the study's struggling partnerships showed several
things going wrong at once. So a partnership is at risk only when at least
`signals_needed` different signals hold together. No database here: the
service gathers the values (`services.early_warnings_raise`) and this decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.phrases import Wording, date, number
from evaluation.codes import FLAG_WORDING


@dataclass(frozen=True)
class Policy:
    """The thresholds, as versioned in the scoring policy (its `warning_*` fields
    and `expiry_warning_days`; `selectors.warning_policy` reads the active one).
    The defaults are the policy's shipped values, for working the rule by hand."""

    # Points (of 100) a component score must fall between two scorecards to count.
    health_drop: Decimal = Decimal("10")
    outcomes_drop: Decimal = Decimal("10")
    # An agreement expiring within this many days counts.
    expiry_days: int = 90
    signals_needed: int = 2


POLICY = Policy()


@dataclass(frozen=True)
class Evidence:
    """What the two latest scorecards and the agreements say about one partnership."""

    period_start: dt.date | None = None
    previous_period_start: dt.date | None = None
    health: Decimal | None = None
    previous_health: Decimal | None = None
    outcomes: Decimal | None = None
    previous_outcomes: Decimal | None = None
    # The latest scorecard's flags (stored phrases, `core.phrases`), by kind.
    health_flags: tuple[dict, ...] = ()
    off_track: tuple[dict, ...] = ()
    not_reported: tuple[dict, ...] = ()
    # (title, expiry date) of agreements in force that expire soon.
    expiring: tuple[tuple[str, dt.date], ...] = field(default_factory=tuple)


# The evidence of a signal: the scorecard's own flags, quoted, and these.
EVIDENCE_WORDING = Wording(
    FLAG_WORDING,
    {
        "health_score_fell": _("Relationship health fell from %(before)s to %(now)s."),
        "outcomes_score_fell": _("The outcomes score fell from %(before)s to %(now)s."),
        "agreement_expires_on": ngettext_lazy(
            "“%(title)s” expires on %(expiry)s, in %(count)s day.",
            "“%(title)s” expires on %(expiry)s, in %(count)s days.",
            "count",
        ),
    },
)


@dataclass(frozen=True)
class Signal:
    """A signal and its evidence: phrases read in the reader's language."""

    code: str
    reasons: tuple[dict, ...]

    @property
    def evidence(self) -> str:
        """The evidence in English, as stored beside the phrases."""
        return " ".join(reason["message"] for reason in self.reasons)

    def as_dict(self) -> dict:
        return {"code": self.code, "evidence": self.evidence, "reasons": list(self.reasons)}


def evidence_text(signal: dict) -> str:
    """A stored signal's evidence in the reader's language; a warning raised
    before the evidence was kept as phrases reads as it was written."""
    reasons = signal.get("reasons")
    if reasons is None:
        return signal.get("evidence", "")
    return " ".join(EVIDENCE_WORDING.say(reason) for reason in reasons)


SIGNAL_NAMES = {
    "falling_health": _("Falling health"),
    "missed_targets": _("Missed targets"),
    "unreported_metrics": _("Unreported metrics"),
    "agreement_expiring": _("Agreement near expiry"),
}


def _fell(now: Decimal | None, before: Decimal | None, by: Decimal) -> bool:
    return now is not None and before is not None and before - now >= by


def signals(evidence: Evidence, *, today: dt.date, policy: Policy = POLICY) -> list[Signal]:
    """Each signal that holds, with its evidence in words, in a fixed order."""
    found = []
    health_reasons = list(evidence.health_flags)
    if _fell(evidence.health, evidence.previous_health, policy.health_drop):
        health_reasons.insert(
            0,
            EVIDENCE_WORDING.phrase(
                "health_score_fell",
                before=number(evidence.previous_health, 0),
                now=number(evidence.health, 0),
            ),
        )
    if health_reasons:
        found.append(Signal("falling_health", tuple(health_reasons)))

    target_reasons = list(evidence.off_track)
    if _fell(evidence.outcomes, evidence.previous_outcomes, policy.outcomes_drop):
        target_reasons.insert(
            0,
            EVIDENCE_WORDING.phrase(
                "outcomes_score_fell",
                before=number(evidence.previous_outcomes, 0),
                now=number(evidence.outcomes, 0),
            ),
        )
    if target_reasons:
        found.append(Signal("missed_targets", tuple(target_reasons)))

    if evidence.not_reported:
        found.append(Signal("unreported_metrics", tuple(evidence.not_reported)))

    last_day = today + dt.timedelta(days=policy.expiry_days)
    soon = sorted(
        (expiry, title) for title, expiry in evidence.expiring if today <= expiry <= last_day
    )
    if soon:
        found.append(
            Signal(
                "agreement_expiring",
                tuple(
                    EVIDENCE_WORDING.phrase(
                        "agreement_expires_on",
                        title=title,
                        expiry=date(expiry),
                        count=(expiry - today).days,
                    )
                    for expiry, title in soon
                ),
            )
        )
    return found


def at_risk(found: list[Signal], *, policy: Policy = POLICY) -> bool:
    return len({signal.code for signal in found}) >= policy.signals_needed


def evidence_key(evidence: Evidence, found: list[Signal]) -> str:
    """Names the evidence a warning rests on: the scorecard period and the signals.

    A warning dismissed on this evidence is not raised again until a new
    scorecard or a different set of signals changes the key.
    """
    period = f"{evidence.period_start:%Y-%m}" if evidence.period_start else "no-scorecard"
    return f"{period}:{','.join(sorted(signal.code for signal in found))}"
