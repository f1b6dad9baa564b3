"""Writes of the lifecycle app: the pipeline, fit assessments, early warnings, lessons.

Stage changes always go through `partnerships.services.partnership_change_stage`,
so every move keeps its StageChange with who and why. Rights are the views'
business (`partnerships.permissions`); the services keep the rules of the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import day
from core.history import because
from core.queries import AnyOf
from core.text import shows_nothing
from core.upsert import insert_rows
from core.versioning import refuse_stale
from health.models import Factor
from notifications.models import Kind
from notifications.services import Draft, Readers, email_on_commit, notifications_create
from partnerships.models import STAGES_BY_FAMILY, Partnership, Stage, StageFamily
from partnerships.services import partnership_change_stage

from . import fit, rules
from .models import (
    FIT_CRITERIA,
    EarlyWarning,
    Effect,
    FitAssessment,
    Lesson,
    LessonFactor,
    NextStep,
    WarningState,
)
from .selectors import warning_evidence, warning_policy, watched_partnerships

WARNING_KIND = Kind.EARLY_WARNING
LESSONS_KIND = Kind.LESSONS_DUE

POTENTIAL = STAGES_BY_FAMILY[StageFamily.POTENTIAL]
ENDED = STAGES_BY_FAMILY[StageFamily.ENDED]
# Where a card on the pipeline board can go: along the pipeline, or into the
# active portfolio. Dropping it (withdrawn) is its own action, with a reason.
PIPELINE_MOVES = (*POTENTIAL, Stage.ACTIVE)


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def _notify(drafts: list[Draft]) -> int:
    created = notifications_create(drafts=drafts)
    email_on_commit([notification.pk for notification in created])
    return len(created)


# --- the pipeline ---------------------------------------------------------------


def _require_potential(stage: str):
    if stage not in POTENTIAL:
        raise ValidationError(_("Only a potential partnership is on the pipeline."))


@transaction.atomic
def next_step_set(
    *,
    partnership: Partnership,
    description: str,
    due_on: dt.date,
    by,
    expected_version: int | None = None,
) -> NextStep:
    """Set what happens next with a potential partnership, and by when.

    Refused (StaleVersion) if the next step is no longer at `expected_version`
    (0: there was none), the one the person's card was opened on.

    The partnership's row is locked before its stage is read, as a stage
    change locks it (`partnership_change_stage`): a move off the pipeline at
    the same moment either ends first, and the step is refused, or waits for
    this one. A stage read first could be gone by the time the step is saved.
    """
    stage = Partnership.objects.select_for_update().values_list("stage", flat=True)
    _require_potential(stage.get(pk=partnership.pk))
    step = NextStep.objects.select_for_update().filter(partnership=partnership).first()
    refuse_stale(step, expected_version=expected_version)
    if step is not None:
        step.version += 1
    step = step or NextStep(partnership=partnership)
    step.description = description.strip()
    step.due_on = due_on
    step.updated_by = by
    return _save(step)


@transaction.atomic
def pipeline_move(
    *, partnership: Partnership, stage: str, by, note: str = "", expected_stage: str | None = None
):
    """Move a potential partnership along the pipeline, or make it active.

    `expected_stage` is the stage the person's card showed: refused
    (StaleVersion) if someone else has moved the partnership since, also off
    the pipeline (`partnership_change_stage` checks it on the locked row)."""
    # The stage the card showed, when it says: one moved off the pipeline since
    # is then refused as stale, with where it is now, not as off the pipeline.
    _require_potential(expected_stage or partnership.stage)
    if stage not in PIPELINE_MOVES:
        raise ValidationError({"stage": _("Choose a stage of the pipeline, or active.")})
    reason = note.strip() or (
        f"Moved from {Stage(partnership.stage).label} to {Stage(stage).label} "
        f"on the pipeline board."
    )
    return partnership_change_stage(
        partnership=partnership,
        stage=stage,
        reason=reason,
        by=by,
        expected_stage=expected_stage,
    )


@transaction.atomic
def pipeline_drop(
    *,
    partnership: Partnership,
    reason: str,
    by,
    today: dt.date,
    expected_stage: str | None = None,
):
    """Drop a potential partnership: it is withdrawn, and why is kept.

    Refused (StaleVersion) if it is no longer at `expected_stage`, as a move is."""
    _require_potential(expected_stage or partnership.stage)
    if shows_nothing(reason):
        raise ValidationError({"reason": _("Say why the partnership is dropped.")})
    return partnership_change_stage(
        partnership=partnership,
        stage=Stage.WITHDRAWN,
        reason=reason,
        by=by,
        end_date=today,
        expected_stage=expected_stage,
    )


# --- fit assessment -------------------------------------------------------------


@transaction.atomic
def fit_assessment_record(
    *,
    partnership: Partnership,
    by,
    today: dt.date,
    recommendation: str,
    summary: str = "",
    **judged,
) -> FitAssessment:
    """Keep a judgement of a prospective partner's fit, with the facts as they read today.

    `judged` holds `<criterion>_rating` and `<criterion>_note` for each criterion.
    """
    names = {f"{code}_{part}" for code in FIT_CRITERIA for part in ("rating", "note")}
    unknown = set(judged) - names
    if unknown:
        raise TypeError(f"Unknown criteria: {sorted(unknown)}")
    assessment = FitAssessment(
        partnership=partnership,
        recommendation=recommendation,
        summary=summary,
        facts=fit.facts(partnership, today=today, reader=by),
        assessed_by=by,
        **judged,
    )
    return _save(assessment)


# --- early warning --------------------------------------------------------------


@transaction.atomic
def early_warnings_raise(
    *, today: dt.date, policy: rules.Policy | None = None
) -> list[EarlyWarning]:
    """Raise a warning on each watched partnership whose signals worsen together,
    and tell its owner and co-leads why. Returns the warnings raised now.

    The thresholds are the active scoring policy's unless `policy` is given.

    A rerun raises nothing twice: a partnership has at most one open warning
    (a partial unique index), and a warning dismissed on the same evidence is
    not raised again.
    """
    policy = policy or warning_policy()
    ids = list(watched_partnerships().order_by("pk").values_list("pk", flat=True))
    evidence = warning_evidence(ids, today=today, expiry_days=policy.expiry_days)
    open_ = set(
        EarlyWarning.objects.open()
        .filter(AnyOf(F("partnership_id"), ids))
        .values_list("partnership_id", flat=True)
    )
    dismissed = set(
        EarlyWarning.objects.filter(
            AnyOf(F("partnership_id"), ids), state=WarningState.DISMISSED
        ).values_list("partnership_id", "evidence_key")
    )
    rows = []
    for partnership_id in ids:
        found = rules.signals(evidence[partnership_id], today=today, policy=policy)
        if partnership_id in open_ or not rules.at_risk(found, policy=policy):
            continue
        key = rules.evidence_key(evidence[partnership_id], found)
        if (partnership_id, key) in dismissed:
            continue
        quoted = evidence[partnership_id]
        rows.append(
            (
                partnership_id,
                today,
                [signal.as_dict() for signal in found],
                key,
                quoted.period_start,
                quoted.previous_period_start,
            )
        )
    # One statement for all of them, whatever their number. A second run at the
    # same moment meets the partial unique index (one open warning per
    # partnership): its rows are left out, not raised twice. The constraints
    # in the database hold each row (the warnings are open and undecided).
    written = insert_rows(
        EarlyWarning,
        [
            "partnership_id",
            "raised_on",
            "signals",
            "evidence_key",
            "scorecard_period",
            "previous_period",
        ],
        rows,
        conflict=["partnership"],
        returning=["id"],
    )
    raised = list(
        EarlyWarning.objects.filter(AnyOf(F("pk"), [pk for (pk,) in written]))
        .select_related("partnership")
        .order_by("partnership__title", "pk")
    )
    _notify(_warning_drafts(raised))
    return raised


def _warning_drafts(warnings: Sequence[EarlyWarning]) -> list[Draft]:
    if not warnings:
        return []
    titles = dict(
        Partnership.objects.filter(pk__in=[w.partnership_id for w in warnings]).values_list(
            "pk", "title"
        )
    )
    owners = Partnership.objects.filter(pk__in=titles).leads_by_partnership()
    readers = Readers(chain.from_iterable(owners.values()))
    drafts = []
    for warning in warnings:
        title = titles[warning.partnership_id]
        for user_id, (subject, body) in readers.each(
            owners[warning.partnership_id], partial(_warning_words, warning, title)
        ):
            drafts.append(
                Draft(
                    user_id,
                    f"early-warning:{warning.pk}",
                    WARNING_KIND,
                    subject,
                    body,
                    reverse("lifecycle:warning_detail", args=[warning.pk]),
                )
            )
    return drafts


def _warning_words(warning: EarlyWarning, title: str) -> tuple[str, str]:
    # The signals and their evidence, in the reader's language.
    reasons = "\n".join(
        f"- {rules.SIGNAL_NAMES[signal['code']]}: {rules.evidence_text(signal)}"
        for signal in warning.signals
    )
    return (
        _("At risk: %(title)s") % {"title": title},
        _(
            "%(title)s shows several warning signs at once:\n\n%(reasons)s\n\n"
            "Confirm the warning (the partnership becomes struggling, with a recovery plan "
            "and its date) or dismiss it with a reason."
        )
        % {"title": title, "reasons": reasons},
    )


def _lock_open(warning: EarlyWarning) -> EarlyWarning:
    warning = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.state != WarningState.OPEN:
        raise ValidationError(
            _("This warning was %(state)s already.")
            % {"state": warning.get_state_display().lower()}
        )
    return warning


@transaction.atomic
def early_warning_confirm(
    *,
    warning: EarlyWarning,
    by,
    recovery_plan: str,
    recovery_by: dt.date | None,
    today: dt.date,
    factors: Iterable[Factor] = (),
) -> EarlyWarning:
    """The owner agrees: the partnership becomes struggling, with a recovery plan and date.

    Its stage is read locked, as it is now: one moved to struggling since the
    warning keeps its stage and gets the plan; one ended (or put back on the
    pipeline) since has nothing to recover, and confirming it is refused
    rather than reviving it.
    """
    warning = _lock_open(warning)
    partnership = Partnership.objects.select_for_update().get(pk=warning.partnership_id)
    if partnership.stage not in STAGES_BY_FAMILY[StageFamily.ACTIVE]:
        raise ValidationError(
            _(
                "“%(title)s” has ended or left the active partnerships since this warning "
                "was raised (it is %(stage)s now): there is nothing to recover. "
                "Dismiss the warning, saying so."
            )
            % {"title": partnership.title, "stage": partnership.get_stage_display().lower()}
        )
    errors = {}
    if shows_nothing(recovery_plan):
        errors["recovery_plan"] = _("Say how the partnership is to recover.")
    if recovery_by is None:
        errors["recovery_by"] = _("Say by when it should have recovered.")
    elif recovery_by <= today:
        errors["recovery_by"] = _("Choose a date after today.")
    if errors:
        raise ValidationError(errors)
    warning.state = WarningState.CONFIRMED
    warning.recovery_plan = recovery_plan.strip()
    warning.recovery_by = recovery_by
    warning.decided_by = by
    warning.decided_at = timezone.now()
    _save(warning)
    warning.factors.set(factors)
    if partnership.stage == Stage.STRUGGLING:
        return warning  # moved there since the warning: its plan is recorded above
    signals = "; ".join(rules.SIGNAL_NAMES[signal["code"]].lower() for signal in warning.signals)
    partnership_change_stage(
        partnership=partnership,
        stage=Stage.STRUGGLING,
        reason=_("Early warning confirmed (%(signals)s). Recovery plan, by %(by)s: %(plan)s")
        % {"signals": signals, "by": day(recovery_by), "plan": warning.recovery_plan},
        by=by,
    )
    return warning


@transaction.atomic
def early_warning_dismiss(*, warning: EarlyWarning, by, reason: str) -> EarlyWarning:
    """The owner disagrees, and says why; the same evidence will not warn again."""
    warning = _lock_open(warning)
    if shows_nothing(reason):
        raise ValidationError({"reason": _("Say why the warning is dismissed.")})
    warning.state = WarningState.DISMISSED
    warning.reason = reason.strip()
    warning.decided_by = by
    warning.decided_at = timezone.now()
    with because(warning.reason):
        return _save(warning)


# --- lessons --------------------------------------------------------------------


@dataclass(frozen=True)
class LessonEntry:
    factor: Factor
    effect: str
    note: str = ""


@transaction.atomic
def lesson_record(
    *, partnership: Partnership, by, summary: str, entries: Sequence[LessonEntry]
) -> Lesson:
    """Record what an ended partnership taught, coded against health-check factors."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if partnership.stage not in ENDED:
        raise ValidationError(_("Lessons are recorded once the partnership has ended."))
    # Locked above: a second tab's form, sent after the first, meets this.
    recorded = Lesson.objects.filter(partnership=partnership).select_related("recorded_by")
    if (lesson := recorded.first()) is not None:
        raise ValidationError(
            _(
                "%(who)s recorded the lessons of this partnership on %(day)s, since you "
                "opened this form: read them, and add what yours say that theirs do not."
            )
            % {"who": lesson.recorded_by, "day": day(timezone.localdate(lesson.recorded_at))}
        )
    if not entries and shows_nothing(summary):
        raise ValidationError(
            {"summary": _("Name at least one factor that mattered, or write what was learnt.")}
        )
    seen = set()
    for entry in entries:
        if entry.factor.pk in seen:
            raise ValidationError(
                {"factors": _("“%(factor)s” is named twice.") % {"factor": entry.factor}}
            )
        seen.add(entry.factor.pk)
        if entry.effect not in Effect.values:
            raise ValidationError(
                {
                    "factors": _("Say whether “%(factor)s” helped or hindered.")
                    % {"factor": entry.factor}
                }
            )
    lesson = _save(Lesson(partnership=partnership, summary=summary.strip(), recorded_by=by))
    for entry in entries:
        _save(
            LessonFactor(lesson=lesson, factor=entry.factor, effect=entry.effect, note=entry.note)
        )
    return lesson


@transaction.atomic
def lessons_prompt(*, today: dt.date) -> int:
    """Ask the owners of ended partnerships without lessons to record them, once each."""
    waiting = dict(
        Partnership.objects.filter(stage__in=ENDED, lesson__isnull=True).values_list("pk", "title")
    )
    owners = Partnership.objects.filter(pk__in=waiting).leads_by_partnership()
    readers = Readers(chain.from_iterable(owners.values()))
    drafts = [
        Draft(
            user_id,
            f"lessons-due:{partnership_id}",
            LESSONS_KIND,
            subject,
            body,
            reverse("lifecycle:lesson_record", args=[partnership_id]),
        )
        for partnership_id, title in waiting.items()
        for user_id, (subject, body) in readers.each(
            owners[partnership_id], partial(_lessons_words, title)
        )
    ]
    return _notify(drafts)


def _lessons_words(title: str) -> tuple[str, str]:
    return (
        _("Record the lessons of %(title)s") % {"title": title},
        _(
            "%(title)s has ended. Which factors helped it and which hindered it? "
            "The lessons you record feed the portfolio view of factors."
        )
        % {"title": title},
    )
