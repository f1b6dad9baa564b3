"""Writes to the partnerships data.

Each service validates every row it is about to write (`full_clean`, which also
checks the model's database constraints) and runs in one transaction, so a
refused write leaves nothing half-done. Views, imports, the demo seeder and
tasks all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext, ngettext

from core import refusals
from core.formatting import day, typed_number
from core.history import because
from core.text import shows_nothing
from core.versioning import StaleVersion, claim, refuse_stale

from .hooks import end_date_moving, portfolio_changed
from .models import (
    FAMILY_OF_STAGE,
    LEAD_IS_MANAGER,
    NO_MEMBER_MESSAGE,
    Agreement,
    AgreementParty,
    AgreementStatus,
    Contact,
    Measurement,
    MemberRole,
    Objective,
    Obligation,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    StageFamily,
    agreement_status_error,
    supersede_error,
)
from .periods import Period, ended_before


def _save(instance):
    """Checked, then saved. A unique value (a partner's name in its country,
    an agreement's reference) that someone else saved since the check is
    refused in the check's words (`refusals.save_checked`)."""
    instance.full_clean()
    refusals.save_checked(instance)
    return instance


def _save_partnership(partnership: Partnership, *, ending: bool) -> Partnership:
    """`_save`; with `ending` (created, moved to a stage, or its end date
    changed), an ended partnership's end date today at the latest
    (`Partnership.refuse_end_after_today`)."""
    partnership.full_clean()
    if ending:
        partnership.refuse_end_after_today()
    partnership.save()
    return partnership


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """Name the row an error belongs to, e.g. `members[1].partner`; an error of
    the row as a whole (a constraint over two fields) is the row's: `leads[1]`,
    never Django's internal `leads[1].__all__`."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                prefix if name == NON_FIELD_ERRORS else f"{prefix}.{name}": messages
                for name, messages in error.error_dict.items()
            }
        )
    return ValidationError({prefix: error.messages})


@transaction.atomic
def partner_create(*, contacts: Iterable[dict] = (), **fields) -> Partner:
    partner = _save(Partner(**fields))
    for index, contact in enumerate(contacts):
        try:
            _save(Contact(partner=partner, **contact))
        except ValidationError as error:
            raise _prefixed(error, f"contacts[{index}]") from error
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, expected_version: int | None = None, **fields) -> Partner:
    """Change a partner; refused (StaleVersion) if it is no longer at
    `expected_version`, the version the person's form was opened on."""
    claim(partner, expected_version=expected_version)
    for name, value in fields.items():
        setattr(partner, name, value)
    portfolio_changed.fire_on_commit(
        partnership_ids=list(partner.memberships.values_list("partnership_id", flat=True))
    )
    return _save(partner)


@dataclass
class Member:
    partner: Partner
    role: str = MemberRole.MEMBER
    joined_on: dt.date | None = None


@dataclass
class Lead:
    user: object
    functional_area: str


def require_members(members: Sequence) -> None:
    """A partnership is with one or more partners (PostgreSQL checks it too, at
    the commit): a page may ask before its other fields are right, to say all
    that is wrong at once."""
    if not members:
        raise ValidationError({"members": NO_MEMBER_MESSAGE})


@transaction.atomic
def partnership_create(
    *,
    title: str,
    purpose: str,
    owner,
    members: Sequence[Member] = (),
    leads: Sequence[Lead] = (),
    **fields,
) -> Partnership:
    """A partnership with its member organisations (one at least) and its dyad of co-leads."""
    require_members(members)
    partnership = _save_partnership(
        Partnership(title=title, purpose=purpose, owner=owner, **fields), ending=True
    )
    for index, member in enumerate(members):
        try:
            _member_save(PartnershipMember(partnership=partnership, **member.__dict__))
        except ValidationError as error:
            raise _prefixed(error, f"members[{index}]") from error
    for index, lead in enumerate(leads):
        try:
            _lead_save(PartnershipLead(partnership=partnership, **lead.__dict__))
        except ValidationError as error:
            raise _prefixed(error, f"leads[{index}]") from error
    portfolio_changed.fire_on_commit(partnership_ids=[partnership.pk])
    return partnership


def _lead_save(lead: PartnershipLead) -> PartnershipLead:
    """Save a co-lead, a partnership manager (`PartnershipLead.clean`). One who
    lost the role between that check and the insert is refused by the
    database's trigger (`LeadIsManager`), said in the same words."""
    lead.full_clean()
    try:
        # A savepoint: after the refusal, the transaction can still ask why.
        with transaction.atomic():
            lead.save()
    except IntegrityError as error:
        if refusals.constraint_name(error) != LEAD_IS_MANAGER:
            raise
        lead.clean()
        raise
    return lead


@transaction.atomic
def partnership_leads_drop_if_not_manager(*, user) -> list[Partnership]:
    """Take `user` off the dyads they co-lead once they are no longer a
    partnership manager; the partnerships they were taken off, by title.

    The role decides, not the dyad: it is given by an administrator or the
    identity provider (whose sign-in cannot be refused), and a co-lead keeps
    the right to change the partnership and answers for it, which an executive
    or a reviewer may not. Each row's history keeps who co-led and why they
    stopped; each partnership moves to its next version, as its co-leads are
    part of it as a page or a client reads it."""
    if PartnershipLead.who_may_lead().filter(pk=user.pk).exists():
        return []
    rows = list(
        PartnershipLead.objects.filter(user=user)
        .select_related("partnership")
        .order_by("partnership__title", "pk")
    )
    if not rows:
        return []
    with because(gettext("No longer a partnership manager, so no longer a co-lead.")):
        for row in rows:
            _members_change(row.partnership)
        PartnershipLead.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return [row.partnership for row in rows]


def leads_follow_roles(*, user) -> str:
    """`accounts.hooks.roles_changed`'s reaction: a person who is no longer a
    partnership manager no longer co-leads; what was done, in words, or ""."""
    dropped = partnership_leads_drop_if_not_manager(user=user)
    if not dropped:
        return ""
    return gettext(
        "%(name)s is no longer a partnership manager, so no longer co-leads: "
        "%(partnerships)s. Each partnership's history keeps that they did."
    ) % {"name": user, "partnerships": ", ".join(f"“{p.title}”" for p in dropped)}


# The field each of a member's constraints is about (a partner once, one lead):
# its refusal is said next to that field, on a page's row or in the API.
MEMBER_CONSTRAINT_FIELDS = {
    "member_once_per_partnership": "partner",
    "member_one_lead_per_partnership": "role",
}


def _member_save(member: PartnershipMember) -> PartnershipMember:
    """Save a member; a refusal by one of its table's constraints (which Django
    gives no field, as they span two) is named by the field it is about."""
    try:
        return _save(member)
    except ValidationError as error:
        errors = error.message_dict
        for constraint in PartnershipMember._meta.constraints:
            field = MEMBER_CONSTRAINT_FIELDS.get(constraint.name)
            message = str(constraint.get_violation_error_message())
            if field and message in errors.get(NON_FIELD_ERRORS, []):
                errors[NON_FIELD_ERRORS].remove(message)
                errors.setdefault(field, []).append(message)
        raise ValidationError({k: v for k, v in errors.items() if v}) from error


def _members_change(partnership: Partnership) -> None:
    """Move the partnership to its next version before its members change.

    Its members are part of it as a person or a client reads it (its page, its
    API representation, whose ETag is its version), so a change to them makes a
    copy read before it stale. The lock comes first, so two changes to one
    partnership's members take turns and each checks its rules (one lead
    partner) against the other's. An edit form opened before still saves: it
    shows no member, so nothing it shows has changed (`VersionedForm`).
    """
    claim(partnership)
    partnership.save(update_fields=["version", "updated_at"])


@transaction.atomic
def partnership_member_add(
    *, partnership: Partnership, partner: Partner, role: str = MemberRole.MEMBER, joined_on=None
) -> PartnershipMember:
    _members_change(partnership)
    portfolio_changed.fire_on_commit(partnership_ids=[partnership.pk])
    return _member_save(
        PartnershipMember(partnership=partnership, partner=partner, role=role, joined_on=joined_on)
    )


@transaction.atomic
def partnership_member_update(*, member: PartnershipMember, role: str) -> PartnershipMember:
    """Give a member organisation another role (one lead partner at most).

    Refused if someone took the member off since it was read: saving it would
    write it back."""
    _members_change(member.partnership)
    if not PartnershipMember.objects.filter(pk=member.pk).exists():
        raise ValidationError(
            {
                "role": gettext("%(partner)s is no longer a member: someone took it off meanwhile.")
                % {"partner": member.partner}
            }
        )
    member.role = role
    portfolio_changed.fire_on_commit(partnership_ids=[member.partnership_id])
    return _member_save(member)


@transaction.atomic
def partnership_member_remove(*, member: PartnershipMember) -> None:
    """Take a partner off a partnership; its history keeps that it was a member.

    Refused while the partner is a party to one of the partnership's
    agreements: an agreement binds members only (see `agreement_create`); and
    for its last member, since a partnership is with one or more partners.
    """
    _members_change(member.partnership)
    bound = AgreementParty.objects.filter(
        agreement__partnership_id=member.partnership_id, partner_id=member.partner_id
    )
    if bound.exists():
        raise ValidationError(
            {
                "partner": gettext(
                    "%(partner)s is a party to an agreement of this partnership, "
                    "so it stays a member."
                )
                % {"partner": member.partner}
            }
        )
    others = PartnershipMember.objects.filter(partnership_id=member.partnership_id)
    if not others.exclude(pk=member.pk).exists():
        raise ValidationError(
            {
                "partner": gettext(
                    "%(partner)s is the partnership's only member organisation: "
                    "add another before taking it off."
                )
                % {"partner": member.partner}
            }
        )
    member.delete()
    portfolio_changed.fire_on_commit(partnership_ids=[member.partnership_id])


@dataclass
class Party:
    partner: Partner | None = None
    is_our_organisation: bool = False
    signatory_name: str = ""
    signatory_title: str = ""
    signed_on: dt.date | None = None
    responsibilities: str = ""
    contribution_kind: str = "none"
    contribution_amount: Decimal | None = None
    contribution_currency: str = ""
    contribution_description: str = ""


@dataclass
class ObligationSpec:
    description: str
    due_date: dt.date
    party_index: int | None = None
    completed_on: dt.date | None = None


def _require_members(partnership_id: int, parties) -> None:
    """A party that is a partner must be a member of the partnership: an agreement
    binds the organisations the partnership is with. Checked here for a new
    agreement and a changed one alike, whatever form or client sent the parties
    (`parties`: specs or AgreementParty rows, in the order the person sees them)."""
    members = set(
        PartnershipMember.objects.filter(partnership_id=partnership_id).values_list(
            "partner_id", flat=True
        )
    )
    for index, party in enumerate(parties):
        if party.partner is not None and party.partner.pk not in members:
            message = gettext("%(partner)s is not a member of this partnership.") % {
                "partner": party.partner
            }
            raise ValidationError({f"parties[{index}].partner": message})


@transaction.atomic
def agreement_create(
    *,
    partnership: Partnership,
    title: str,
    parties: Sequence[Party] = (),
    obligations: Sequence[ObligationSpec] = (),
    **fields,
) -> Agreement:
    """An agreement with its parties and obligations, all or nothing.

    A party that is a partner must be a member of the partnership
    (`_require_members`).
    """
    if fields.get("status") == AgreementStatus.SUPERSEDED:
        # Nothing renews an agreement not yet recorded.
        raise ValidationError({"status": supersede_error(None, None)})
    agreement = _save(Agreement(partnership=partnership, title=title, **fields))
    _require_members(partnership.pk, parties)
    saved_parties = []
    for index, party in enumerate(parties):
        try:
            saved_parties.append(_save(AgreementParty(agreement=agreement, **party.__dict__)))
        except ValidationError as error:
            raise _prefixed(error, f"parties[{index}]") from error
    for index, spec in enumerate(obligations):
        party = saved_parties[spec.party_index] if spec.party_index is not None else None
        try:
            _save(
                Obligation(
                    agreement=agreement,
                    party=party,
                    description=spec.description,
                    due_date=spec.due_date,
                    completed_on=spec.completed_on,
                )
            )
        except ValidationError as error:
            raise _prefixed(error, f"obligations[{index}]") from error
    portfolio_changed.fire_on_commit(partnership_ids=[partnership.pk])
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    fields: dict,
    parties: Sequence[AgreementParty] = (),
    obligations: Sequence[Obligation] = (),
    expected_version: int | None = None,
    superseded_by: Agreement | None = None,
) -> Agreement:
    """Save changes to an agreement with its changed parties and obligations,
    all or nothing. `fields` are the agreement's changed values; `parties` and
    `obligations` the changed rows (new or edited), in the order the person
    sees them, so an error names its row (`parties[1].partner`).

    The status moves only along AGREEMENT_TRANSITIONS, checked against the
    stored row (locked), not against what the form was opened on. It becomes
    superseded only with `superseded_by`, one of its renewals
    (`agreement_supersede`).

    The agreement's version covers its parties and obligations: any change
    moves it on, and a form opened on another version is refused (StaleVersion).
    """
    stored = claim(agreement, expected_version=expected_version, fields=["status"])
    new_status = fields.get("status", agreement.status)
    problem = agreement_status_error(stored.status, new_status)
    if problem:
        raise ValidationError({"status": problem})
    if new_status == AgreementStatus.SUPERSEDED and stored.status != new_status:
        _require_renewal(agreement, superseded_by)
    _require_members(agreement.partnership_id, parties)
    for name, value in fields.items():
        setattr(agreement, name, value)
    if fields:
        _save(agreement)
    elif parties or obligations:
        # Only its rows changed: the agreement's version still moves on.
        agreement.save(update_fields=["version", "updated_at"])
    for index, party in enumerate(parties):
        party.agreement = agreement
        try:
            _save(party)
        except ValidationError as error:
            raise _prefixed(error, f"parties[{index}]") from error
    for index, obligation in enumerate(obligations):
        obligation.agreement = agreement
        try:
            _save(obligation)
        except ValidationError as error:
            raise _prefixed(error, f"obligations[{index}]") from error
    portfolio_changed.fire_on_commit(partnership_ids=[agreement.partnership_id])
    return agreement


def _require_renewal(agreement: Agreement, by: Agreement | None) -> None:
    """Refuse unless `by` is, as stored, one of the renewals of `agreement`.

    Its row is locked and read again: the link on a stale copy, or one being
    edited meanwhile, proves nothing.
    """
    stored_by = None
    if by is not None:
        stored_by = (
            Agreement.objects.select_for_update()
            .only("changes", "change_kind")
            .filter(pk=by.pk)
            .first()
        )
    problem = supersede_error(agreement, stored_by)
    if problem:
        raise ValidationError({"by" if by is not None else "status": problem})


@transaction.atomic
def agreement_supersede(*, agreement: Agreement, by: Agreement) -> Agreement:
    """Mark an agreement superseded by one of its renewals; its record stays."""
    return agreement_update(
        agreement=agreement, fields={"status": AgreementStatus.SUPERSEDED}, superseded_by=by
    )


def agreements_expire(*, today: dt.date) -> int:
    """Mark signed and active agreements whose expiry date has passed as expired.

    One UPDATE: a rerun finds nothing left to do.
    """
    # In force = the statuses AGREEMENT_TRANSITIONS lets expire (signed, active).
    expired = (
        Agreement.objects.in_force()
        .filter(expiry_date__lt=today)
        # A form opened before the worker's change is refused, as after a person's.
        .update(status=AgreementStatus.EXPIRED, version=F("version") + 1)
    )
    if expired:
        portfolio_changed.fire_on_commit()
    return expired


@transaction.atomic
def objective_create(*, partnership: Partnership, title: str, owner, **fields) -> Objective:
    return _save(Objective(partnership=partnership, title=title, owner=owner, **fields))


@transaction.atomic
def metric_create(*, objective: Objective, name: str, unit: str, owner, **fields) -> OutcomeMetric:
    return _save(OutcomeMetric(objective=objective, name=name, unit=unit, owner=owner, **fields))


def hold_run(partnership: Partnership) -> None:
    """Hold the partnership's start and end dates (and stage) until this
    transaction ends, and read them as they are now into `partnership`, which
    the values' validation reads (a value belongs to the run: `periods.unrecordable`).

    A value saved and a start or end moved past its period at the same instant
    would each pass its own check and strand the value (`refuse_stranded`);
    so would a health check opened as the end moves before it, which holds the
    run the same way. FOR SHARE waits for a change of the dates
    (`claim`'s FOR UPDATE) and makes one wait for it, while other values of the
    partnership, each holding it FOR SHARE too, are entered side by side.
    (Django's ORM has no FOR SHARE.)"""
    table = connection.ops.quote_name(Partnership._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT start_date, end_date, stage FROM {table} WHERE id = %s FOR SHARE",
            [partnership.pk],
        )
        partnership.start_date, partnership.end_date, partnership.stage = cursor.fetchone()


@transaction.atomic
def measurement_record(
    *,
    metric: OutcomeMetric,
    period_start: dt.date,
    value: Decimal,
    entered_by,
    evidence: str = "",
) -> Measurement:
    """Record the value of a metric for one period; a period has one value only."""
    hold_run(metric.objective.partnership)
    with refusals.said():  # the run's triggers, should `clean` have let one by
        return _record(metric, period_start, value, entered_by, evidence)


def _record(metric, period_start, value, entered_by, evidence) -> Measurement:
    """The insert of a value, its partnership's start date held by the caller."""
    return _save(
        Measurement(
            metric=metric,
            period_start=period_start,
            value=value,
            entered_by=entered_by,
            evidence=evidence,
            version=Measurement.first_versions([metric.pk]).get((metric.pk, period_start), 1),
        )
    )


@transaction.atomic
def partnership_change_stage(
    *,
    partnership: Partnership,
    stage: str,
    reason: str,
    by,
    end_date: dt.date | None = None,
    expected_stage: str | None = None,
):
    """Move a partnership to another lifecycle stage, recording who and why.

    Ending it (completed, failed, withdrawn) needs its end date, today at the
    latest (`Partnership.refuse_end_after_today`); nothing is deleted: an
    ended partnership keeps its agreements, metrics and history. Taking an
    ended one up again clears the day it ended, unless `end_date` gives another.
    `expected_stage` is the stage the person's page showed: refused
    (StaleVersion) if someone else has moved the partnership since.
    """
    from .models import StageChange

    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if expected_stage and partnership.stage != expected_stage:
        raise StaleVersion(partnership)
    partnership.version += 1  # locked above: an open edit form of it is now stale
    if stage == partnership.stage:
        raise ValidationError({"stage": gettext("The partnership is at this stage already.")})
    if shows_nothing(reason):  # white space or invisible characters alone
        raise ValidationError({"reason": gettext("Say why the stage changes.")})
    change = StageChange(
        partnership=partnership,
        from_stage=partnership.stage,
        to_stage=stage,
        reason=reason,
        changed_by=by,
    )
    never_started = FAMILY_OF_STAGE[partnership.stage] == StageFamily.POTENTIAL
    reopened = (
        FAMILY_OF_STAGE[partnership.stage] == StageFamily.ENDED
        and FAMILY_OF_STAGE[stage] != StageFamily.ENDED
    )
    partnership.stage = stage
    if reopened and end_date is None:
        # The day it ended is over (its history keeps it): a partnership taken
        # back up runs on with no end until someone gives a new one.
        partnership.end_date = None
    if end_date is not None:
        if end_date != partnership.end_date:
            refuse_stranded(partnership, end=end_date)
        partnership.end_date = end_date
        if never_started and partnership.start_date and partnership.start_date > end_date:
            # A prospect dropped before its planned start never started: the
            # plan is gone (its history keeps it), not a start after its end.
            partnership.start_date = None
    with because(reason):
        # An upper app's rule on stages (lessons keep a partnership ended), or
        # the run's on the end date (`RUN_REFUSALS`), in words.
        with refusals.said():
            _save_partnership(partnership, ending=True)
        change.full_clean()
        change.save()
    portfolio_changed.fire_on_commit(partnership_ids=[partnership.pk])
    return change


class Saved(StrEnum):
    """What `measurement_save` did with a period's value."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # the value and evidence were those stored: nothing written


def measurement_changes(
    stored: Measurement | None, *, value: Decimal, evidence: str, expected_version: int | None
) -> bool:
    """Whether saving `value` (and `evidence`; empty keeps what is stored) for
    a period whose value is `stored` (None: none) changes what is stored.

    Refused (StaleVersion) when the writer read another version than the one
    stored (0: none), as a grid cell is, unless it repeats what is stored. A
    writer that names no version (a file, a client, that never read one) may
    record a period without a value or repeat the value recorded, but never
    change a recorded value: it would write over, unseen, what someone else
    entered or corrected since its copy was made (ValidationError on
    `version`). The grid, the API and the file import all ask here."""
    if stored is not None and value == stored.value and evidence in ("", stored.evidence):
        # What is stored already, whatever version the writer read: nothing is
        # written, so nothing anyone entered since is lost (the same file sent
        # twice; a grid cell typed to the figure a colleague saved meanwhile).
        return False
    refuse_stale(stored, expected_version=expected_version)
    if stored is None:
        return True
    if expected_version is None:
        raise ValidationError(
            {
                "version": gettext(
                    "A value is already recorded for this period (%(value)s, version "
                    "%(version)s); give its version to replace it."
                )
                % {"value": typed_number(stored.value), "version": stored.version}
            },
            code="recorded",
        )
    return True


@transaction.atomic
def measurement_save(
    *,
    metric: OutcomeMetric,
    period_start: dt.date,
    value: Decimal,
    entered_by,
    evidence="",
    expected_version: int | None = None,
) -> tuple[Measurement, Saved]:
    """Record a period's value, or correct the one already recorded.

    Returns the measurement and what was done (`Saved`). Empty evidence
    keeps what was recorded before. (`measurement_record` refuses a second
    value; the grid and the import mean a correction when they type over one.)
    `expected_version` is the version of the value the grid showed, 0 for none:
    a value entered, changed or cleared since is refused (StaleVersion).
    Without it, a recorded value is only repeated, never changed
    (`measurement_changes`).
    """
    hold_run(metric.objective.partnership)
    # The version is asked of the value stored by `measurement_changes`, which
    # lets a repeat of it pass whatever version its writer read.
    stored = _locked_at(metric, period_start)
    if stored is None:
        # A value cleared since the writer read it (a version, not 0) is stale.
        refuse_stale(None, expected_version=expected_version)
        try:
            # In a savepoint of its own: if another request records this period
            # between the look-up above and this insert, only the insert is undone.
            with transaction.atomic():
                measurement = _record(metric, period_start, value, entered_by, evidence)
            return measurement, Saved.CREATED
        except (IntegrityError, ValidationError) as error:
            # The unique (metric, period_start) refused the insert, or its
            # validation found the other request's row once it committed:
            # this write is then one over that value, locked, version checked
            # (a grid cell shown empty is stale now; a write naming no version
            # may only repeat it). Any other refusal finds no row and is raised
            # as it was, in words if the database's (a period outside the run:
            # `RUN_REFUSALS`).
            stored = _locked_at(metric, period_start)
            if stored is None:
                if isinstance(error, IntegrityError) and (refused := refusals.refusal(error)):
                    raise refused from error
                raise
    if not measurement_changes(
        stored, value=value, evidence=evidence, expected_version=expected_version
    ):
        return stored, Saved.UNCHANGED
    stored.version += 1
    stored.value = value
    stored.entered_by = entered_by
    if evidence:
        stored.evidence = evidence
    return _save(stored), Saved.UPDATED


def _locked_at(metric, period_start) -> Measurement | None:
    """The period's stored value, locked."""
    return (
        # Only the measurement: the default ordering would join its metric,
        # objective and partnership, and FOR UPDATE would lock them all.
        Measurement.objects.select_for_update(of=("self",))
        .filter(metric=metric, period_start=period_start)
        .order_by("pk")
        .first()
    )


def _measurement_at(metric, period_start, expected_version: int | None) -> Measurement | None:
    """The period's stored value, locked; refused if it is not the version expected."""
    stored = _locked_at(metric, period_start)
    refuse_stale(stored, expected_version=expected_version)
    return stored


@transaction.atomic
def measurement_clear(
    *, metric: OutcomeMetric, period_start: dt.date, by, expected_version: int | None = None
) -> bool:
    """Remove a period's value (an emptied grid cell); whether there was one.

    The row goes, its history stays: django-simple-history keeps a "deleted"
    record naming who cleared it. Any period may be cleared, so a value stored
    for a period that could not be recorded can be taken back.
    """
    stored = _measurement_at(metric, period_start, expected_version)
    if stored is None:
        return False
    # The history keeps the cleared value, naming who cleared it.
    with pghistory.context(user=by.pk):
        stored.delete()
    return True


@transaction.atomic
def partnership_update(
    *, partnership: Partnership, expected_version: int | None = None, **fields
) -> Partnership:
    """Change a partnership's description; owner and stage have their own ways.

    Refused (StaleVersion) if the partnership is no longer at `expected_version`."""
    for name in ("owner", "stage"):
        if name in fields:
            raise ValueError(f"{name} is not changed by partnership_update")
    stored = claim(
        partnership, expected_version=expected_version, fields=("start_date", "end_date")
    )
    if "start_date" in fields and fields["start_date"] != stored.start_date:
        refuse_stranded(partnership, start=fields["start_date"])
    if "end_date" in fields and fields["end_date"] != stored.end_date:
        refuse_stranded(partnership, end=fields["end_date"])
    for name, value in fields.items():
        setattr(partnership, name, value)
    portfolio_changed.fire_on_commit(partnership_ids=[partnership.pk])
    # An ended one's end date is checked when it changes: one stored before the
    # rule does not block an edit of the description.
    ending = "end_date" in fields and fields["end_date"] != stored.end_date
    with refusals.said():  # the run's triggers (`RUN_REFUSALS`), health's, lifecycle's
        return _save_partnership(partnership, ending=ending)


def refuse_stranded(
    partnership: Partnership, *, start: dt.date | None = None, end: dt.date | None = None
) -> None:
    """Refuse a start or end date that would leave values recorded outside the
    partnership's run (`periods.unrecordable`), or an end date before records
    an upper layer dates within it (`hooks.end_date_moving`: its health checks).
    Such a value could no longer be corrected nor shown in the grid to be
    cleared, yet would still count in the progress and the scoring; such a
    health check would rate the partnership after it ended. Each metric's own
    period says when its value began and ended. Only a date that changes is
    checked (the services ask it then, the partnership's row locked): records
    stranded before this rule do not block the rest of an edit.

    Refused rather than the records cleared: they are someone's recorded work,
    and an end date typed a year early by mistake must not erase them. Each
    message says how many and the date that keeps them all; every reason is
    said at once, next to the date."""
    if start is not None:
        _refuse_values_before(partnership, start)
    if end is not None:
        reasons = [_values_after(partnership, end)]
        reasons += end_date_moving.fire_now(partnership=partnership, end=end)
        if reasons := [reason for reason in reasons if reason is not None]:
            raise ValidationError({"end_date": reasons})


def _stored_periods(values) -> list[Period]:
    """The period of each of these measurements, by its metric's frequency."""
    return [
        Period.containing(first, frequency)
        for first, frequency in values.order_by().values_list("period_start", "metric__frequency")
    ]


def _refuse_values_before(partnership: Partnership, start: dt.date) -> None:
    values = Measurement.objects.filter(
        metric__objective__partnership=partnership,
        # A period ends on or after its first day: only these can have ended before.
        period_start__lt=start,
    )
    stranded = [period for period in _stored_periods(values) if ended_before(period, start)]
    if not stranded:
        return
    latest = max(stranded, key=lambda period: (period.end, period.start))
    # The latest start that strands none: the end of the first of these periods to end.
    allowed = min(period.end for period in stranded)
    message = ngettext(
        "%(count)s value is recorded for a period that ends before this date "
        "(%(latest)s): clear it first, or choose a date on or before %(day)s.",
        "%(count)s values are recorded for periods that end before this date "
        "(the latest %(latest)s): clear them first, or choose a date on or "
        "before %(day)s.",
        len(stranded),
    ) % {"count": len(stranded), "latest": latest.label, "day": day(allowed)}
    raise ValidationError(
        {"start_date": ValidationError(message, code="measurements_before_start")}
    )


def _values_after(partnership: Partnership, end: dt.date) -> ValidationError | None:
    """Why `end` would leave values after it, or None."""
    # A value's period begins on its `period_start`: those after the end
    # began after it (`periods.began_after`), whatever the frequency.
    stranded = _stored_periods(
        Measurement.objects.filter(metric__objective__partnership=partnership, period_start__gt=end)
    )
    if not stranded:
        return None
    last = max(stranded, key=lambda period: (period.start, period.end))
    # The earliest end that strands none: the first day of the last of these periods.
    message = ngettext(
        "%(count)s value is recorded for a period that begins after this date "
        "(%(latest)s): clear it first, or choose a date on or after %(day)s.",
        "%(count)s values are recorded for periods that begin after this date "
        "(the latest %(latest)s): clear them first, or choose a date on or "
        "after %(day)s.",
        len(stranded),
    ) % {"count": len(stranded), "latest": last.label, "day": day(last.start)}
    return ValidationError(message, code="measurements_after_end")
