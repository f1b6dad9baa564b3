"""What calls for a reminder on a given day, for the whole portfolio at once.

Each function reads a few rows with a few queries (never a query per
agreement) and returns drafts: to whom, the event's key, and the words. The
key names the event, not the day it was noticed, so the same event found
again tomorrow, or by a second worker, has the same key and is not stored
twice (see services.notifications_create).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from itertools import chain

from django.db.models import (
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from core.formatting import day, link, month
from evaluation.models import Rating, ReviewState, Scorecard, ScorecardAction, ScorecardEvent
from evaluation.selectors import expiry_warning_days
from notifications.models import Kind
from notifications.services import Draft, Readers
from partnerships.models import (
    STAGES_BY_FAMILY,
    Agreement,
    Measurement,
    Obligation,
    OutcomeMetric,
    Partnership,
    PartnershipLead,
    StageFamily,
)
from partnerships.periods import Frequency, Period, last_closed_period

# An agreement's owners hear of its expiry once it is near (the scoring policy's
# window, see `expiry_thresholds`), and again with 30 and 7 days left.
LAST_CALLS = (7, 30)
# An auto-renewing agreement's owners hear of it a month before the last day on
# which notice can be given.
RENEWAL_NOTICE_WARNING = dt.timedelta(days=30)
# An obligation is announced a week before it falls due, and once more when it
# is overdue; one overdue for longer than a month is not announced at all (the
# first run after an upgrade would otherwise dig up every old one).
OBLIGATION_NOTICE = dt.timedelta(days=7)
OBLIGATION_OVERDUE_FOR = dt.timedelta(days=30)
# A period's value is expected within 15 days after the period closes.
REPORTING_GRACE = dt.timedelta(days=15)
# A reviewer's digest lists this many scorecards and counts the rest.
DIGEST_LISTED = 20


def expiry_thresholds(window: int) -> tuple[int, ...]:
    """The days left at which an agreement's owners hear of its expiry, shortest
    first: the policy's window (90 days: 7, 30, 90; 60 days: 7, 30, 60), and the
    last calls within it."""
    return tuple(sorted({window, *(days for days in LAST_CALLS if days < window)}))


def _leads_of(partnership_ids) -> dict[int, list[int]]:
    return Partnership.objects.filter(pk__in=partnership_ids).leads_by_partnership()


def due_on(today: dt.date) -> list[Draft]:
    """Every reminder the portfolio calls for on `today`."""
    return [
        *agreement_reminders(today),
        *obligation_reminders(today),
        *metric_reminders(today),
        *review_digests(today),
    ]


def agreement_reminders(today: dt.date) -> list[Draft]:
    """Agreements in force that enter their notice period or come near expiry (the
    scoring policy's window, then 30 and 7 days); an auto-renewing one also a month
    before the last day to give notice, since after that day it renews whatever the
    partnership's state."""
    thresholds = expiry_thresholds(expiry_warning_days())
    notice_opens = ExpressionWrapper(
        F("expiry_date") - F("notice_period_days"), output_field=DateField()
    )
    agreements = list(
        Agreement.objects.in_force()
        .filter(expiry_date__gte=today)
        .alias(notice_opens=notice_opens)
        .filter(
            Q(expiry_date__lte=today + dt.timedelta(days=max(thresholds)))
            | Q(auto_renewal=False, notice_opens__lte=today)
            | Q(
                auto_renewal=True,
                notice_opens__range=(today, today + RENEWAL_NOTICE_WARNING),
            )
        )
        .select_related("partnership")
        .order_by("expiry_date", "pk")
    )
    owners = _leads_of({agreement.partnership_id for agreement in agreements})
    readers = Readers(chain.from_iterable(owners.values()))
    drafts = []
    for agreement in agreements:
        url = link("partnerships:agreement_detail", agreement.pk)
        events = []
        if not agreement.auto_renewal and agreement.notice_date <= today:
            events.append(partial(_notice, agreement))
        if agreement.auto_renewal and (
            today <= agreement.notice_date <= today + RENEWAL_NOTICE_WARNING
        ):
            events.append(partial(_renewal_notice, agreement))
        days_left = (agreement.expiry_date - today).days
        threshold = next((t for t in thresholds if days_left <= t), None)
        if threshold is not None:
            events.append(partial(_expiry, agreement, days_left, threshold))
        drafts += [
            Draft(user_id, key, kind, subject, body, url)
            for event in events
            for user_id, (kind, key, subject, body) in readers.each(
                owners[agreement.partnership_id], event
            )
        ]
    return drafts


def _when(days_left: int) -> str:
    if days_left == 0:
        return _("today")
    if days_left == 1:
        return _("tomorrow")
    return ngettext("in %(days)d day", "in %(days)d days", days_left) % {"days": days_left}


def _notice(agreement: Agreement) -> tuple:
    return (
        Kind.AGREEMENT_NOTICE,
        f"agreement:{agreement.pk}:notice:{agreement.expiry_date}",
        _("Notice period: %(title)s") % {"title": agreement.title},
        _(
            "“%(title)s” (%(partnership)s) expires on %(expiry)s. Its %(days)s-day notice "
            "period began on %(notice)s: the parties expect to hear now whether it will be "
            "renewed or ended."
        )
        % {
            "title": agreement.title,
            "partnership": agreement.partnership,
            "expiry": day(agreement.expiry_date),
            "days": agreement.notice_period_days,
            "notice": day(agreement.notice_date),
        },
    )


def _renewal_notice(agreement: Agreement) -> tuple:
    return (
        Kind.AGREEMENT_NOTICE,
        f"agreement:{agreement.pk}:renewal-notice:{agreement.expiry_date}",
        _("Renews unless notice by %(notice)s: %(title)s")
        % {"notice": day(agreement.notice_date), "title": agreement.title},
        _(
            "“%(title)s” (%(partnership)s) renews itself for %(months)s months on %(expiry)s. "
            "To end or renegotiate it, the parties must be given notice by %(notice)s."
        )
        % {
            "title": agreement.title,
            "partnership": agreement.partnership,
            "months": agreement.renewal_term_months,
            "expiry": day(agreement.expiry_date),
            "notice": day(agreement.notice_date),
        },
    )


def _expiry(agreement: Agreement, days_left: int, threshold: int) -> tuple:
    renewal = (
        _("It renews itself for %(months)s months unless notice is given.")
        % {"months": agreement.renewal_term_months}
        if agreement.auto_renewal
        else _("Renew it, or plan how the partnership goes on without it.")
    )
    return (
        Kind.AGREEMENT_EXPIRY,
        f"agreement:{agreement.pk}:expires-{threshold}:{agreement.expiry_date}",
        _("%(title)s expires %(when)s") % {"title": agreement.title, "when": _when(days_left)},
        _("“%(title)s” (%(partnership)s) expires on %(expiry)s.")
        % {
            "title": agreement.title,
            "partnership": agreement.partnership,
            "expiry": day(agreement.expiry_date),
        }
        + " "
        + renewal,
    )


def obligation_reminders(today: dt.date) -> list[Draft]:
    """Open obligations of agreements in force: due within a week, or overdue."""
    obligations = list(
        Obligation.objects.open()
        .filter(due_date__range=(today - OBLIGATION_OVERDUE_FOR, today + OBLIGATION_NOTICE))
        .select_related("agreement__partnership", "party__partner")
        .order_by("due_date", "pk")
    )
    owners = _leads_of({obligation.agreement.partnership_id for obligation in obligations})
    readers = Readers(chain.from_iterable(owners.values()))
    drafts = []
    for obligation in obligations:
        agreement = obligation.agreement
        due = obligation.due_date >= today
        kind, state = (Kind.OBLIGATION_DUE, "due") if due else (Kind.OBLIGATION_OVERDUE, "overdue")
        drafts += [
            Draft(
                user_id,
                f"obligation:{obligation.pk}:{state}:{obligation.due_date}",
                kind,
                subject,
                body,
                link("partnerships:agreement_detail", agreement.pk),
            )
            for user_id, (subject, body) in readers.each(
                owners[agreement.partnership_id], partial(_obligation_words, obligation, today)
            )
        ]
    return drafts


def _obligation_words(obligation: Obligation, today: dt.date) -> tuple[str, str]:
    agreement = obligation.agreement
    words = {
        "description": obligation.description,
        "agreement": agreement.title,
        "partnership": agreement.partnership,
        "day": day(obligation.due_date),
    }
    if obligation.due_date >= today:
        subject = _("Due %(when)s: %(description)s") % {
            "when": _when((obligation.due_date - today).days),
            "description": obligation.description,
        }
        body = _("“%(description)s” under “%(agreement)s” (%(partnership)s) is due on %(day)s.")
    else:
        subject = _("Overdue: %(description)s") % {"description": obligation.description}
        body = _("“%(description)s” under “%(agreement)s” (%(partnership)s) was due on %(day)s.")
    parts = [body % words]
    if obligation.party:
        parts.append(_("Owed by %(party)s.") % {"party": obligation.party})
    parts.append(_("Mark it completed on the agreement once it is met."))
    return subject, " ".join(parts)


def reporting_due(today: dt.date) -> dict[Frequency, Period]:
    """For each frequency, the latest period whose value should have been entered by now."""
    return {
        frequency: last_closed_period(today - REPORTING_GRACE, frequency) for frequency in Frequency
    }


def metric_reminders(today: dt.date) -> list[Draft]:
    """Active metrics of active and struggling partnerships without a value for the
    latest period due; to the metric's owner and the partnership's owner."""
    due = reporting_due(today)
    due_start = Case(
        *[When(frequency=frequency, then=Value(period.start)) for frequency, period in due.items()],
        output_field=DateField(),
    )
    metrics = (
        OutcomeMetric.objects.filter(
            is_active=True,
            objective__partnership__stage__in=STAGES_BY_FAMILY[StageFamily.ACTIVE],
        )
        .alias(due_start=due_start)
        # A metric whose baseline falls in the period due was not measured over all of it.
        .filter(Q(baseline_date__isnull=True) | Q(baseline_date__lt=F("due_start")))
        .filter(
            ~Exists(
                Measurement.objects.filter(
                    metric=OuterRef("pk"), period_start=OuterRef("due_start")
                )
            )
        )
        .select_related("objective__partnership__owner", "owner")
        .order_by("pk")
    )
    metrics = list(metrics)
    readers = Readers(
        user.pk for metric in metrics for user in (metric.owner, metric.objective.partnership.owner)
    )
    drafts = []
    for metric in metrics:
        partnership = metric.objective.partnership
        period = due[Frequency(metric.frequency)]
        recipients = {user.pk: user for user in (metric.owner, partnership.owner) if user.is_active}
        drafts += [
            Draft(
                user_id,
                f"metric:{metric.pk}:missing:{period.start}",
                Kind.METRIC_MISSING,
                subject,
                body,
                link("partnerships:record", "partnerships.outcomemetric", metric.pk),
            )
            for user_id, (subject, body) in readers.each(
                recipients, partial(_metric_words, metric, period)
            )
        ]
    return drafts


def _metric_words(metric: OutcomeMetric, period: Period) -> tuple[str, str]:
    return (
        _("No value for %(period)s: %(metric)s") % {"period": period.label, "metric": metric.name},
        _(
            "“%(metric)s” (%(partnership)s) is reported %(frequency)s; its value for %(period)s "
            "(%(start)s to %(end)s) was expected by %(expected)s. Enter it with its evidence."
        )
        % {
            "metric": metric.name,
            "partnership": metric.objective.partnership,
            "frequency": metric.get_frequency_display().lower(),
            "period": period.label,
            "start": day(period.start),
            "end": day(period.end),
            "expected": day(period.end + REPORTING_GRACE),
        },
    )


def review_digests(today: dt.date) -> list[Draft]:
    """One digest a day to each reviewer of the scorecards awaiting review,
    leaving out those of partnerships the reviewer leads, which they may not review."""
    reviewers = list(
        User.objects.filter(groups__name=Role.REVIEWER, is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )
    if not reviewers:
        return []
    led = defaultdict(set)
    owned = Partnership.objects.filter(owner_id__in=reviewers).values_list("owner_id", "pk")
    co_led = PartnershipLead.objects.filter(user_id__in=reviewers).values_list(
        "user_id", "partnership_id"
    )
    for user_id, partnership_id in [*owned, *co_led]:
        led[user_id].add(partnership_id)
    cards = list(
        Scorecard.objects.filter(review_state=ReviewState.IN_REVIEW)
        .order_by("-period_start", "partnership__title", "pk")
        .values(
            "partnership_id",
            "partnership__title",
            "period_start",
            "rating",
            "override_rating",
            flag_count=Func(F("flags"), function="jsonb_array_length", output_field=IntegerField()),
        )
    )
    readers = Readers(reviewers)
    drafts = []
    for reviewer_id in reviewers:
        theirs = [card for card in cards if card["partnership_id"] not in led[reviewer_id]]
        if not theirs:
            continue
        for _reviewer, (subject, body) in readers.each([reviewer_id], partial(_digest, theirs)):
            drafts.append(
                Draft(
                    reviewer_id,
                    f"review-digest:{today}",
                    Kind.REVIEW_DIGEST,
                    subject,
                    body,
                    link("evaluation:review_queue"),
                )
            )
    return drafts


def _digest(cards: list[dict]) -> tuple[str, str]:
    lines = []
    for card in cards[:DIGEST_LISTED]:
        rating = card["override_rating"] or card["rating"]
        flags = card["flag_count"]
        label = Rating(rating).label if rating else _("No rating")
        count = ngettext("%(count)d flag", "%(count)d flags", flags) % {"count": flags}
        when = month(card["period_start"])
        lines.append(f"- {card['partnership__title']}, {when}: {label}, {count}")
    if len(cards) > DIGEST_LISTED:
        lines.append(_("… and %(count)d more.") % {"count": len(cards) - DIGEST_LISTED})
    subject = ngettext(
        "%(count)d scorecard awaiting your review",
        "%(count)d scorecards awaiting your review",
        len(cards),
    ) % {"count": len(cards)}
    return subject, _("Newest period first:") + "\n" + "\n".join(lines)


def scorecard_returned(event_id: int) -> list[Draft]:
    """The partnership's owner and co-leads hear that a reviewer returned its scorecard, and why."""
    event = ScorecardEvent.objects.select_related("scorecard__partnership", "actor").get(
        pk=event_id
    )
    if event.action != ScorecardAction.RETURNED:
        return []
    card = event.scorecard
    leads = _leads_of([card.partnership_id])[card.partnership_id]
    return [
        Draft(
            user_id,
            f"scorecard-returned:{event.pk}",
            Kind.SCORECARD_RETURNED,
            subject,
            body,
            link("evaluation:scorecard", card.pk),
        )
        for user_id, (subject, body) in Readers(leads).each(leads, partial(_returned, event))
    ]


def _returned(event: ScorecardEvent) -> tuple[str, str]:
    card = event.scorecard
    words = {
        "reviewer": event.actor or _("A reviewer"),
        "partnership": card.partnership,
        "month": month(card.period_start),
        "comment": event.comment,
    }
    return (
        _("Scorecard returned: %(partnership)s") % words,
        _(
            "%(reviewer)s returned the scorecard of %(partnership)s for %(month)s:\n\n"
            "“%(comment)s”\n\n"
            "Mend what they point out; the scorecard is reviewed again once it is recomputed."
        )
        % words,
    )
