"""Writes of health checks: instruments, rounds and their respondents, answers,
the schedule, and the emails that carry the answer links.

Each email is sent with its respondent's row locked and only while its
`emailed_at` (or `reminded_at`) is empty, set in the same transaction: a rerun
or a second worker sends nothing twice, and a send that fails leaves the
column empty for the task to retry and for the daily sweep to find again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from functools import partial
from operator import attrgetter
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from accounts.preferences import in_users_locale
from core import refusals
from core.formatting import day
from core.http import site_link
from core.mail import email_send_recorded
from notifications.models import Kind
from notifications.services import Draft, Readers, notifications_create
from ops.outbox import outbox_enqueue
from partnerships.models import Contact, Partnership, PartnershipMember, StageFamily
from partnerships.services import hold_run

from . import tokens
from .models import (
    COMMENT_MAX_LENGTH,
    LANGUAGES,
    Answer,
    Cadence,
    Factor,
    FactorComment,
    Instrument,
    Respondent,
    Round,
    RoundState,
    Side,
    Statement,
    validate_translations,
)
from .selectors import invitable_users, latest_published_instrument

logger = logging.getLogger(__name__)

# Respondents who have not answered are reminded this many days before the round closes.
REMIND_DAYS_BEFORE = 3
# Invitations still unsent after the task's retries are tried again by the daily
# task for this long, then left visible on the round's page.
SEND_WINDOW = dt.timedelta(days=7)
# A health check asks the people who work on a partnership, not a mailing list.
# Each address is a row and an email sent from our server: without a cap, one
# pasted list of thousands would hold a worker and turn the round into a way to
# mail anyone. It caps the round, so inviting more later cannot get round it.
MAX_ADDRESSES_PER_ROUND = 100

LANGUAGE_CODES = {code for code, _ in LANGUAGES}

T = TypeVar("T")


# --- instruments ---------------------------------------------------------------------


def require_draft(instrument: Instrument) -> None:
    if instrument.published_at is not None:
        raise ValidationError(
            "A published instrument is never changed: make a new version of it.",
            code="published",
        )


@transaction.atomic
def instrument_new_version(*, instrument: Instrument) -> Instrument:
    """A draft copy of `instrument` as the next version of its name."""
    latest = Instrument.objects.filter(name__iexact=instrument.name).aggregate(Max("version"))
    copy = Instrument(
        name=instrument.name,
        version=latest["version__max"] + 1,
        description=instrument.description,
        strength_from=instrument.strength_from,
        concern_below=instrument.concern_below,
    )
    copy.full_clean()
    # Two administrators making its next version at once number theirs alike:
    # the second is refused as the check refuses it, not with a server error.
    refusals.save_checked(copy)
    for factor in instrument.factors.prefetch_related("statements"):
        new_factor = Factor(
            instrument=copy,
            code=factor.code,
            name=factor.name,
            description=factor.description,
            position=factor.position,
            translations=factor.translations,
        )
        new_factor.full_clean()
        new_factor.save()
        Statement.objects.bulk_create(
            Statement(
                factor=new_factor,
                text=statement.text,
                translations=statement.translations,
                position=statement.position,
            )
            for statement in factor.statements.all()
        )
    return copy


@transaction.atomic
def instrument_publish(*, instrument: Instrument) -> Instrument:
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    require_draft(instrument)
    factors = list(instrument.factors.prefetch_related("statements"))
    if not factors or any(not factor.statements.all() for factor in factors):
        raise ValidationError(_("Every factor of a published instrument needs a statement."))
    # A draft's rows may predate the rule or have been written around full_clean;
    # once published they could never be mended, and the answer page reads them.
    statements = [statement for factor in factors for statement in factor.statements.all()]
    for row in [*factors, *statements]:
        try:
            validate_translations(row.translations)
        except ValidationError as error:
            raise ValidationError(
                _("Mend the translations of “%(row)s” before publishing: %(reason)s")
                % {"row": row, "reason": " ".join(error.messages)},
                code="translations",
            ) from error
    instrument.published_at = timezone.now()
    instrument.save(update_fields=["published_at"])
    return instrument


# --- rounds and respondents ------------------------------------------------------------


class PartnerPerson(NamedTuple):
    """Someone on the partner's side, invited by email."""

    email: str
    partner_id: int
    language: str = "en"


@transaction.atomic
def round_open(
    *,
    partnership: Partnership,
    opened_by,
    opened_on: dt.date,
    closes_on: dt.date,
    users: Iterable = (),
    partner_people: Iterable[PartnerPerson] = (),
    instrument: Instrument | None = None,
) -> Round:
    """Open a health check and invite its respondents; the emails go once committed.

    Not for an ended partnership (its schedule opens none either): its health
    feeds no scorecard, and what it taught goes in its lessons. Its dates and
    stage are read under a lock on its row, as a value's are (`hold_run`): a
    round opened as the end date moves before it, or as it ends, waits for
    that change and is checked against it, or makes that change wait and be
    checked against the round (`partnerships.services.refuse_stranded`)."""
    hold_run(partnership)
    if partnership.family == StageFamily.ENDED:
        raise ValidationError(_("This partnership has ended: its health is no longer checked."))
    instrument = instrument or latest_published_instrument()
    if instrument is None or instrument.published_at is None:
        raise ValidationError(_("Only a published instrument can be used for a health check."))
    health_round = Round(
        partnership=partnership,
        instrument=instrument,
        opened_on=opened_on,
        closes_on=closes_on,
        opened_by=opened_by,
    )
    health_round.full_clean()
    with refusals.said():  # migration 0015's trigger, should `clean` have let one by
        health_round.save()
    respondents_invite(health_round=health_round, users=users, partner_people=partner_people)
    return health_round


def rounds_after_end(*, partnership: Partnership, end: dt.date) -> ValidationError | None:
    """Why moving the partnership's end date to `end` would leave health checks
    after it, or None: `partnerships.hooks.end_date_moving`'s receiver. A round
    belongs to the run when it opened on or before the end (`Round.clean`), so
    the latest one opened says the earliest end that keeps them all. A round is
    not cleared as a value is: its answers are people's, and stay."""
    after = Round.objects.filter(partnership=partnership, opened_on__gt=end).aggregate(
        count=Count("pk"), latest=Max("opened_on")
    )
    if not after["count"]:
        return None
    message = ngettext(
        "%(count)s health check was opened after this date, on %(latest)s: "
        "choose a date on or after that day.",
        "%(count)s health checks were opened after this date, the latest on "
        "%(latest)s: choose a date on or after that day.",
        after["count"],
    ) % {"count": after["count"], "latest": day(after["latest"])}
    return ValidationError(message, code="health_checks_after_end")


def once_per_address(items: Iterable[T], address: Callable[[T], str]) -> list[T]:
    """`items` with each email address once, the first kept: told apart as the
    round tells them (`respondent_email_once_per_round`), spaces and case aside.
    An address typed twice means one person, not a second invitation."""
    seen = {}
    for item in items:
        seen.setdefault(address(item).strip().lower(), item)
    return list(seen.values())


def require_address_cap(count: int) -> None:
    """Refuse a round that would be sent to more than MAX_ADDRESSES_PER_ROUND addresses."""
    if count > MAX_ADDRESSES_PER_ROUND:
        raise ValidationError(
            _(
                "A health check is sent to at most %(cap)d email addresses; "
                "this would make %(count)d."
            )
            % {"cap": MAX_ADDRESSES_PER_ROUND, "count": count},
            code="too_many_addresses",
        )


@transaction.atomic
def respondents_invite(
    *, health_round: Round, users: Iterable = (), partner_people: Iterable[PartnerPerson] = ()
) -> list[Respondent]:
    if not health_round.is_open:
        raise ValidationError(_("This health check is closed."))
    partner_people = once_per_address(partner_people, attrgetter("email"))
    # Locked, so two invitations to one round cannot both pass the cap.
    Round.objects.select_for_update().only("pk").get(pk=health_round.pk)
    require_address_cap(
        Respondent.objects.filter(round=health_round, side=Side.PARTNER).count()
        + len(partner_people)
    )
    users = list(users)
    if refusal := _not_answering(users):
        raise ValidationError({"users": refusal})
    partner_ids = set(
        PartnershipMember.objects.filter(partnership=health_round.partnership_id).values_list(
            "partner_id", flat=True
        )
    )
    invited = [Respondent(round=health_round, side=Side.OURS, user=user) for user in users]
    for person in partner_people:
        if person.partner_id not in partner_ids:
            raise ValidationError({"partner": _("This partner is not in the partnership.")})
        invited.append(
            Respondent(
                round=health_round,
                side=Side.PARTNER,
                email=person.email.strip(),
                partner_id=person.partner_id,
                language=person.language if person.language in LANGUAGE_CODES else "en",
            )
        )
    for respondent in invited:
        respondent.full_clean()
        respondent.save()
    _tell_our_side(
        [respondent for respondent in invited if respondent.side == Side.OURS], reminder=False
    )
    _queue_emails(to_invite=[respondent.pk for respondent in invited])
    return invited


def _tell_our_side(respondents: list[Respondent], *, reminder: bool) -> None:
    """Our people find the health check in their inbox too. The email is the
    invitation's own: the inbox's delivery never emails a HEALTH_CHECK row
    (`notifications.models.INBOX_ONLY_KINDS`)."""
    readers = Readers(respondent.user_id for respondent in respondents)
    drafts = []
    for respondent in respondents:
        health_round = respondent.round
        for user_id, (subject, body) in readers.each(
            [respondent.user_id], partial(_inbox_words, health_round, reminder=reminder)
        ):
            drafts.append(
                Draft(
                    user_id,
                    f"health-round:{health_round.pk}:{'reminder' if reminder else 'invited'}",
                    Kind.HEALTH_CHECK,
                    subject,
                    body,
                    reverse("health:respond", args=[health_round.pk]),
                )
            )
    notifications_create(drafts=drafts)


def _inbox_words(health_round: Round, *, reminder: bool) -> tuple[str, str]:
    words = {"partnership": health_round.partnership, "day": day(health_round.closes_on)}
    subject = (
        _("Still open: %(partnership)s") if reminder else _("Health check: %(partnership)s")
    ) % words
    body = (
        _(
            "How is “%(partnership)s” working? Rate it with the partner's people, by %(day)s; "
            "it takes about ten minutes."
        )
        % words
    )
    return subject, body


@transaction.atomic
def round_close(*, health_round: Round, at: dt.datetime | None = None) -> Round:
    health_round = Round.objects.select_for_update().get(pk=health_round.pk)
    if health_round.state == RoundState.CLOSED:
        return health_round
    health_round.state = RoundState.CLOSED
    health_round.closed_at = at or timezone.now()
    health_round.full_clean()
    health_round.save(update_fields=["state", "closed_at"])
    return health_round


def accepts_answers(health_round: Round, *, today: dt.date) -> bool:
    return health_round.is_open and today <= health_round.closes_on


# --- answering -----------------------------------------------------------------------


@transaction.atomic
def answers_submit(
    *,
    respondent: Respondent,
    ratings: dict[int, int],
    factor_comments: dict[int, str] | None = None,
    comment: str = "",
    today: dt.date | None = None,
) -> Respondent:
    """Keep one respondent's answers: a rating for every statement, once.

    `ratings` maps statement ids to 1–5; `factor_comments` factor ids to text.
    The row is locked, so a double submit (two tabs, a double click) keeps one.
    """
    today = today or timezone.localdate()
    respondent = (
        Respondent.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=respondent.pk)
    )
    if respondent.answered_at is not None:
        raise ValidationError(_("These answers were already given."), code="answered")
    require_may_answer(respondent)
    if not accepts_answers(respondent.round, today=today):
        raise ValidationError(_("This health check is closed."), code="closed")
    statements = set(
        Statement.objects.filter(factor__instrument=respondent.round.instrument_id).values_list(
            "pk", flat=True
        )
    )
    errors = {}
    for statement_id in sorted(statements):
        rating = ratings.get(statement_id)
        if rating not in range(1, 6):
            errors[f"s{statement_id}"] = _("Choose a rating from 1 to 5.")
    factors = set(
        Factor.objects.filter(instrument=respondent.round.instrument_id).values_list(
            "pk", flat=True
        )
    )
    # The comments' limit, as the answer page's form says it (COMMENT_MAX_LENGTH).
    texts = {f"f{pk}": text for pk, text in (factor_comments or {}).items() if pk in factors}
    for name, text in (texts | {"comment": comment}).items():
        try:
            MaxLengthValidator(COMMENT_MAX_LENGTH)(text.strip())
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, statement_id=statement_id, rating=ratings[statement_id])
        for statement_id in sorted(statements)
    )
    FactorComment.objects.bulk_create(
        FactorComment(respondent=respondent, factor_id=factor_id, text=text.strip())
        for factor_id, text in sorted((factor_comments or {}).items())
        if factor_id in factors and text.strip()
    )
    respondent.comment = comment.strip()
    respondent.answered_at = timezone.now()
    respondent.save(update_fields=["comment", "answered_at"])
    return respondent


# --- emails --------------------------------------------------------------------------


def _answer_url(respondent: Respondent) -> str:
    """The page the respondent answers on; a partner's is a fresh single-use link.

    Only the digest is kept, so a link cannot be shown twice: every email
    carries a new one, and the previous link stops working.
    """
    if respondent.side == Side.OURS:
        path = reverse("health:respond", args=[respondent.round_id])
    else:
        token, respondent.token_hash = tokens.mint()
        respondent.save(update_fields=["token_hash"])
        path = reverse("health:answer", args=[token])
    return site_link(path)


@transaction.atomic
def answer_link(*, respondent: Respondent) -> str:
    """A fresh link for one respondent, handed over by other means than email.

    It counts as the invitation: an invitation email still queued would mint
    another link and void this one, so it is not sent.
    """
    respondent = Respondent.objects.select_for_update(of=("self",)).get(pk=respondent.pk)
    link = _answer_url(respondent)
    if respondent.emailed_at is None:
        respondent.emailed_at = timezone.now()
        respondent.save(update_fields=["emailed_at"])
    return link


def _message(respondent: Respondent, *, reminder: bool) -> EmailMessage:
    """The invitation in the partner's chosen language, or in our person's own
    language and time zone (their Preferences)."""
    if respondent.side == Side.PARTNER:
        to, locale = respondent.email, translation.override(respondent.language)
    else:
        to, locale = respondent.user.email, in_users_locale(respondent.user)
    with locale:
        context = {
            "respondent": respondent,
            "partnership": respondent.round.partnership,
            "closes_on": respondent.round.closes_on,
            "link": _answer_url(respondent),
            "reminder": reminder,
            "organisation": settings.ACCORD_ORGANISATION_NAME,
        }
        subject = render_to_string("health/email_subject.txt", context).strip()
        body = render_to_string("health/email_invitation.txt", context)
    return EmailMessage(subject=subject, body=body, to=[to])


def _lock_for_email(respondent_id: int, **unset) -> Respondent | None:
    return (
        Respondent.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("round__partnership", "user")
        .filter(
            pk=respondent_id,
            answered_at__isnull=True,
            round__state=RoundState.OPEN,
            **{f"{column}__isnull": True for column in unset},
        )
        .first()
    )


def _has_address(respondent: Respondent) -> bool:
    """Whether the respondent can be emailed, and asked: one of our people made
    an executive since the invitation, or a partner taken off the partnership
    since, is asked no more (require_may_answer)."""
    if respondent.side == Side.PARTNER:
        return partner_still_in(respondent)
    return bool(respondent.user.email) and not _not_answering([respondent.user])


def invitation_send(*, respondent_id: int) -> bool:
    """Email one invitation unless it went out already; True if it went out now."""
    return _send_once(respondent_id, column="emailed_at", reminder=False)


def reminder_send(*, respondent_id: int) -> bool:
    """Remind one respondent who has not answered, once per round."""
    return _send_once(respondent_id, column="reminded_at", reminder=True)


def _send_once(respondent_id: int, *, column: str, reminder: bool) -> bool:
    """The email marked sent (`column`), with its link's digest, and committed
    before it is sent (core/mail.py): a retry after the database went away just
    after the send sends neither a second email nor a second link, which would
    void the first. A send the mail server refused takes both back: the link
    sent before works again. Not within a caller's transaction."""
    with transaction.atomic():
        respondent = _lock_for_email(respondent_id, **{column: True})
        if respondent is None or not _has_address(respondent):
            return False
        previous_link = respondent.token_hash
        message = _message(respondent, reminder=reminder)
        sent_at = timezone.now()
        setattr(respondent, column, sent_at)
        respondent.save(update_fields=[column])
    email_send_recorded(
        message=message,
        unrecord=partial(
            # Unless a link was minted meanwhile (answer_link): that one stands.
            Respondent.objects.filter(
                pk=respondent.pk, token_hash=respondent.token_hash, **{column: sent_at}
            ).update,
            **{column: None, "token_hash": previous_link},
        ),
        what=f"The health check email to respondent {respondent.pk}",
    )
    return True


# --- the schedule ----------------------------------------------------------------------


@transaction.atomic
def cadence_set(*, partnership: Partnership, every_months: int, open_for_days: int = 21) -> Cadence:
    cadence = Cadence.objects.filter(partnership=partnership).first() or Cadence(
        partnership=partnership
    )
    cadence.every_months = every_months
    cadence.open_for_days = open_for_days
    cadence.full_clean()
    cadence.save()
    return cadence


def usual_respondents(partnership: Partnership) -> tuple[list, list[PartnerPerson]]:
    """Who answered for the partnership last time; for a first round, its owner and
    co-leads, and the partners' contacts with an email address."""
    last = Round.objects.filter(partnership=partnership).order_by("-opened_on", "-pk").first()
    if last is not None:
        previous = list(last.respondents.select_related("user"))
        users = _still_invitable([r.user for r in previous if r.side == Side.OURS])
        people = [
            PartnerPerson(r.email, r.partner_id, r.language)
            for r in previous
            if r.side == Side.PARTNER
        ]
        return users, people
    users = [partnership.owner, *(lead.user for lead in partnership.leads.select_related("user"))]
    members = PartnershipMember.objects.filter(partnership=partnership).select_related("partner")
    language_of = {
        m.partner_id: next((code for code in m.partner.languages if code in LANGUAGE_CODES), "en")
        for m in members
    }
    people = [
        PartnerPerson(email, partner_id, language_of[partner_id])
        for email, partner_id in Contact.objects.filter(partner_id__in=language_of)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", "partner_id")
    ]
    return _still_invitable(users), people


def _not_answering(users: list) -> str:
    """Why some of `users` may not answer a health check, or "" if all may: the
    one rule for inviting them and for taking their answers (invitable_users)."""
    executives = User.objects.filter(
        pk__in=[user.pk for user in users], groups__name=Role.EXECUTIVE
    ).order_by("first_name", "username")
    if users and executives:
        return _("Executives read health checks and are not asked to answer them: %(names)s.") % {
            "names": ", ".join(str(user) for user in executives)
        }
    allowed = _invitable_ids(users)
    if unable := [user for user in users if user.pk not in allowed]:
        return _("Only people with a role in Accord can answer a health check: %(names)s.") % {
            "names": ", ".join(str(user) for user in unable)
        }
    return ""


NO_LONGER_IN = _(
    "Your organisation is no longer in this partnership, so this health check no longer "
    "takes its answers."
)


def partner_still_in(respondent: Respondent) -> bool:
    """Whether a partner-side respondent's organisation is still a member of the
    round's partnership: one taken off it since the invitation answers no more,
    and is not reminded."""
    return PartnershipMember.objects.filter(
        partnership_id=respondent.round.partnership_id, partner_id=respondent.partner_id
    ).exists()


def require_may_answer(respondent: Respondent) -> None:
    """Refuse (PermissionDenied) one of our people who may no longer answer: made
    an executive, or left without a role, since they were invited. The partner's
    side answers through its link and has no account to ask about: it is asked
    only while its organisation is still in the partnership."""
    if respondent.side == Side.PARTNER:
        if not partner_still_in(respondent):
            raise PermissionDenied(NO_LONGER_IN)
        return
    # One query for whoever may answer; the reason only for whoever may not.
    if not invitable_users().filter(pk=respondent.user_id).exists():
        raise PermissionDenied(_not_answering([respondent.user]))


def _invitable_ids(users) -> set[int]:
    """The ids of those of `users` who may be asked (invitable_users): one query."""
    return set(
        invitable_users().filter(pk__in=[user.pk for user in users]).values_list("pk", flat=True)
    )


def _still_invitable(users: list) -> list:
    """`users` who may still be asked, each once, in order."""
    allowed = _invitable_ids(users)
    return list(dict.fromkeys(user for user in users if user.pk in allowed))


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day if it is shorter."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last_day))


def _due(cadence: Cadence, last_opened: dt.date | None, today: dt.date) -> bool:
    return last_opened is None or add_months(last_opened, cadence.every_months) <= today


@transaction.atomic
def health_checks_run(*, today: dt.date) -> dict[str, int]:
    """The daily work: close rounds past their last day, open the rounds the
    schedule calls for, and queue the reminders and the invitations still owed.
    A rerun the same day does nothing new."""
    closed = 0
    for health_round in Round.objects.open().filter(closes_on__lt=today):
        round_close(health_round=health_round)
        closed += 1

    opened = 0
    opened_now: list[int] = []
    cadences = (
        # A partnership past its end date (its stage not moved yet) is not
        # asked again: a round opened now would be refused (`Round.clean`).
        Cadence.objects.filter(partnership__in=Partnership.objects.assessable().not_ended_by(today))
        .exclude(partnership__health_rounds__state=RoundState.OPEN)
        .select_related("partnership__owner")
        .annotate(last_opened=Max("partnership__health_rounds__opened_on"))
    )
    instrument = latest_published_instrument()
    for cadence in cadences:
        if not _due(cadence, cadence.last_opened, today):
            continue
        users, people = usual_respondents(cadence.partnership)
        # A round the rules refuse (more usual addresses than the cap, say) is
        # left for its owner to open by hand, rolled back to round_open's own
        # savepoint; the others still open, and rounds still close and remind.
        try:
            health_round = round_open(
                instrument=instrument,
                partnership=cadence.partnership,
                opened_by=cadence.partnership.owner,
                opened_on=today,
                closes_on=today + dt.timedelta(days=cadence.open_for_days),
                users=users,
                partner_people=people,
            )
        except ValidationError as error:
            logger.warning(
                "Health check of partnership %s not opened as scheduled: %s",
                cadence.partnership_id,
                "; ".join(error.messages),
            )
            continue
        opened += 1
        opened_now.append(health_round.pk)

    to_remind = list(
        Respondent.objects.pending()
        .filter(
            round__state=RoundState.OPEN,
            round__closes_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
            reminded_at__isnull=True,
            emailed_at__isnull=False,
        )
        .values_list("pk", flat=True)
    )
    unsent = list(
        Respondent.objects.pending()
        .filter(
            round__state=RoundState.OPEN,
            emailed_at__isnull=True,
            invited_at__gte=timezone.now() - SEND_WINDOW,
        )
        # Those invited just now have their invitations queued already.
        .exclude(round__in=opened_now)
        .values_list("pk", flat=True)
    )
    _tell_our_side(
        list(
            Respondent.objects.filter(pk__in=to_remind, side=Side.OURS).select_related(
                "round__partnership"
            )
        ),
        reminder=True,
    )
    _queue_emails(to_invite=unsent, to_remind=to_remind)
    return {"closed": closed, "opened": opened, "reminders": len(to_remind), "unsent": len(unsent)}


def _queue_emails(*, to_invite: list[int], to_remind: list[int] = ()) -> None:
    """Store the emails' tasks with the round's rows (`ops.outbox`): they go to
    the worker once this transaction commits, or when the broker is back."""
    from .tasks import send_invitation, send_reminder

    for task, ids in ((send_invitation, to_invite), (send_reminder, to_remind)):
        if ids:
            outbox_enqueue(
                task_name=task.name,
                kwargs_list=[{"respondent_id": respondent_id} for respondent_id in ids],
            )
