"""The demo portfolio: fictional partners, partnerships, agreements, objectives,
outcome metrics and measurements, and one sign-in per role.

The data is in demo/data (users.json, partners.json, partnerships.json; their
shape is described in demo/data/README.md); `build_demo` turns it into rows
through the same services user input goes through, so the demo passes the same
validation.

Every row has a natural key (a partner's name and country, a partnership's
title, an agreement's reference, …): a row that already exists is left as it
is, so a second run on the same day changes nothing, and a run on a later day
only adds the periods that have closed since. Measured values come from a
random generator seeded by the metric, never from what the database holds.

All organisations and people are invented; any likeness to a real one is
unintended.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from partnerships import services
from partnerships.models import (
    SIGNED_STATUSES,
    Aggregation,
    Agreement,
    ChangeKind,
    ContributionKind,
    Direction,
    Objective,
    ObjectiveStatus,
    OutcomeMetric,
    Partner,
    Partnership,
    Stage,
)
from partnerships.periods import Frequency, Period

from .report import DemoReport
from .specs import load, on

SEED = "accord-demo-1"

_USERS = load("users")
DEMO_PASSWORD = _USERS["password"]
# (username, password, role, full name): the README and the run script print these.
DEMO_USERS = [
    (user["username"], DEMO_PASSWORD, user["role"], user["full_name"]) for user in _USERS["users"]
]


def is_demo_account(user) -> bool:
    """Whether `user` is one of the demo's own accounts: one that signs in with
    the demo's public password. A real account that happens to bear a demo
    user's name ("admin", "rita") is not: the demo's scripts never act as it
    nor change its sign-in."""
    return user.check_password(DEMO_PASSWORD)


LABELS = (
    "users",
    "partners",
    "partnerships",
    "agreements",
    "objectives",
    "outcome metrics",
    "measurements",
)

# What the stage says when a spec does not.
_DEFAULT_PACE = {
    Stage.ACTIVE: 1.0,
    Stage.STRUGGLING: 0.4,
    Stage.COMPLETED: 1.05,
    Stage.FAILED: 0.3,
    Stage.WITHDRAWN: 0.3,
}
_DEFAULT_OBJECTIVE_STATUS = {
    Stage.ACTIVE: ObjectiveStatus.ON_TRACK,
    Stage.STRUGGLING: ObjectiveStatus.AT_RISK,
    Stage.COMPLETED: ObjectiveStatus.ACHIEVED,
    Stage.FAILED: ObjectiveStatus.ABANDONED,
    Stage.WITHDRAWN: ObjectiveStatus.ABANDONED,
}


def build_demo(*, today: dt.date) -> DemoReport:
    """Create whatever part of the demo portfolio is missing, all or nothing."""
    builder = _Builder(today)
    with transaction.atomic():
        builder.build()
    return builder.report


class _Builder:
    def __init__(self, today: dt.date):
        self.today = today
        self.report = DemoReport(LABELS)
        self.users = {}
        self.partners = {}

    def build(self):
        for spec in load("users")["users"]:
            self.users[spec["username"]] = self._user(spec)
        for key, spec in load("partners").items():
            self.partners[key] = self._partner(spec)
        for spec in load("partnerships"):
            partnership = self._partnership(spec)
            for agreement in spec.get("agreements", ()):
                self._agreement(partnership, agreement)
            for objective in spec.get("objectives", ()):
                self._objective(partnership, spec, objective)

    def _date(self, offset):
        return on(self.today, offset)

    def _user(self, spec):
        User = get_user_model()
        user = User.objects.filter(username=spec["username"]).first()
        if user is not None:
            self.report.present["users"] += 1
            return user
        first_name, last_name = spec["full_name"].split(" ", 1)
        user = User(
            username=spec["username"],
            first_name=first_name,
            last_name=last_name,
            email=f"{spec['username']}@example.org",
            job_title=spec["job_title"],
            functional_area=spec["functional_area"],
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=spec["role"]))
        self.report.created["users"] += 1
        return user

    def _partner(self, spec):
        partner = Partner.objects.filter(name__iexact=spec["name"], country=spec["country"]).first()
        if partner is not None:
            self.report.present["partners"] += 1
            return partner
        website = f"https://{_slug(spec['name'])}.example.org"
        partner = services.partner_create(website=website, **spec)
        self.report.created["partners"] += 1
        return partner

    def _partnership(self, spec):
        partnership = Partnership.objects.filter(title=spec["title"]).first()
        if partnership is not None:
            self.report.present["partnerships"] += 1
            return partnership
        start = self._date(spec.get("start"))
        self.report.created["partnerships"] += 1
        # Members joined when the partnership started; potential ones have not yet.
        return services.partnership_create(
            title=spec["title"],
            description=spec.get("description", ""),
            purpose=spec["purpose"],
            benefits_sought=list(spec["benefits"]),
            stage=spec["stage"],
            owner=self.users[spec["owner"]],
            start_date=start,
            end_date=self._date(spec.get("end")),
            members=[
                services.Member(
                    partner=self.partners[member["partner"]], role=member["role"], joined_on=start
                )
                for member in spec["members"]
            ],
            leads=[
                services.Lead(user=self.users[lead["user"]], functional_area=lead["area"])
                for lead in spec.get("leads", ())
            ],
        )

    def _agreement(self, partnership, spec):
        if Agreement.objects.filter(reference=spec["reference"]).exists():
            self.report.present["agreements"] += 1
            return
        status = spec["status"]
        effective = self._date(spec.get("effective"))
        signed_on = None
        if status in SIGNED_STATUSES:
            # Signed a fortnight before it takes effect, unless the spec says when.
            signed_on = (
                self._date(spec["signed"])
                if "signed" in spec
                else effective - dt.timedelta(days=14)
            )
        changes, change_kind = None, ""
        if "renews" in spec:
            changes = Agreement.objects.get(reference=spec["renews"])
            change_kind = ChangeKind.RENEWAL
        elif "amends" in spec:
            changes = Agreement.objects.get(reference=spec["amends"])
            change_kind = ChangeKind.AMENDMENT
        agreement = services.agreement_create(
            partnership=partnership,
            title=spec["title"],
            reference=spec["reference"],
            kind=spec["kind"],
            status=status,
            goals=spec.get("goals", ""),
            effective_date=effective,
            expiry_date=self._date(spec.get("expiry")),
            notice_period_days=spec.get("notice_period_days", 90),
            auto_renewal=spec.get("auto_renewal", False),
            renewal_term_months=spec.get("renewal_term_months"),
            governing_law=spec.get("governing_law", ""),
            language=spec.get("language", ""),
            signed_on=signed_on,
            changes=changes,
            change_kind=change_kind,
            parties=[self._party(party, signed_on) for party in spec["parties"]],
            obligations=[
                services.ObligationSpec(
                    description=obligation["description"],
                    due_date=self._date(obligation["due"]),
                    party_index=obligation.get("party"),
                    completed_on=self._date(obligation.get("done")),
                )
                for obligation in spec.get("obligations", ())
            ],
        )
        if change_kind == ChangeKind.RENEWAL:
            services.agreement_supersede(agreement=changes, by=agreement)
        self.report.created["agreements"] += 1

    def _party(self, spec, signed_on):
        signatory = spec.get("signatory", {})
        party = services.Party(
            partner=self.partners[spec["partner"]] if "partner" in spec else None,
            is_our_organisation=spec.get("us", False),
            signatory_name=signatory.get("name", ""),
            signatory_title=signatory.get("title", ""),
            signed_on=signed_on,
            responsibilities=spec.get("responsibilities", ""),
        )
        if "financial" in spec:
            financial = spec["financial"]
            party.contribution_kind = ContributionKind.FINANCIAL
            party.contribution_amount = Decimal(financial["amount"])
            party.contribution_currency = financial["currency"]
            party.contribution_description = financial["description"]
        elif "in_kind" in spec:
            party.contribution_kind = ContributionKind.IN_KIND
            party.contribution_description = spec["in_kind"]
        return party

    def _objective(self, partnership, partnership_spec, spec):
        stage = Stage(partnership_spec["stage"])
        owner = self.users[spec.get("owner", partnership_spec["owner"])]
        objective = Objective.objects.filter(partnership=partnership, title=spec["title"]).first()
        if objective is not None:
            self.report.present["objectives"] += 1
        else:
            objective = services.objective_create(
                partnership=partnership,
                title=spec["title"],
                owner=owner,
                benefit=spec["benefit"],
                weight=Decimal(spec.get("weight", 1)),
                due_date=self._date(spec["due"]),
                status=spec.get("status", _DEFAULT_OBJECTIVE_STATUS[stage]),
            )
            self.report.created["objectives"] += 1
        for metric_spec in spec.get("metrics", ()):
            metric = self._metric(objective, partnership_spec, spec, metric_spec, owner)
            self._measurements(metric, partnership_spec, spec, metric_spec, stage)

    def _metric(self, objective, partnership_spec, objective_spec, spec, owner):
        metric = OutcomeMetric.objects.filter(objective=objective, name=spec["name"]).first()
        if metric is not None:
            self.report.present["outcome metrics"] += 1
            return metric
        target = spec.get("target")
        metric = services.metric_create(
            objective=objective,
            name=spec["name"],
            unit=spec["unit"],
            owner=owner,
            direction=spec.get("direction", Direction.HIGHER),
            baseline_value=_decimal(spec.get("baseline")),
            baseline_date=self._date(partnership_spec["start"]),
            target_value=_decimal(target),
            target_date=self._date(objective_spec["due"]) if target is not None else None,
            frequency=spec.get("frequency", Frequency.QUARTERLY),
            aggregation=spec.get("aggregation", Aggregation.LATEST),
            data_source=spec.get("data_source", ""),
        )
        self.report.created["outcome metrics"] += 1
        return metric

    def _measurements(self, metric, partnership_spec, objective_spec, spec, stage):
        baseline_date = self._date(partnership_spec["start"])
        target_date = self._date(objective_spec["due"])
        end_date = self._date(partnership_spec.get("end"))
        periods = _closed_periods(
            Frequency(spec.get("frequency", Frequency.QUARTERLY)),
            baseline_date,
            min(self.today - dt.timedelta(days=1), end_date or self.today),
        )
        # Seeded by the metric alone: the values do not depend on what exists.
        rng = random.Random(f"{SEED}:{partnership_spec['title']}:{spec['name']}")
        values = _values(spec, periods, baseline_date, target_date, _pace(spec, stage), rng)
        missing = {len(periods) - 1 - index for index in spec.get("missing", ())}
        existing = set(metric.measurements.values_list("period_start", flat=True))
        for index, (period, value) in enumerate(zip(periods, values, strict=True)):
            if index in missing:
                continue
            if period.start in existing:
                self.report.present["measurements"] += 1
                continue
            services.measurement_record(
                metric=metric,
                period_start=period.start,
                value=value,
                entered_by=metric.owner,
                evidence=f"{spec.get('data_source') or 'Programme records'}, {period.label}",
            )
            self.report.created["measurements"] += 1


def _closed_periods(frequency: Frequency, baseline_date: dt.date, last_day: dt.date):
    """The periods after the baseline's that ended on or before `last_day`."""
    periods = []
    period = Period.containing(baseline_date, frequency).next()
    while period.end <= last_day:
        periods.append(period)
        period = period.next()
    return periods


def _pace(spec, stage):
    return spec.get("pace", _DEFAULT_PACE.get(stage, 1.0))


def _values(spec, periods, baseline_date, target_date, pace, rng) -> list[Decimal]:
    """Values moving from baseline towards target at `pace`, with noise.

    The generator is drawn the same number of times for every period, so a
    period's value is the same whichever periods are left out.
    """
    baseline = float(spec.get("baseline") or 0)
    target = spec.get("target")
    decimals = spec.get("decimals", 1)
    total_days = (target_date - baseline_date).days
    values, previous = [], None
    for period in periods:
        noise, jitter = rng.gauss(0, 1), rng.random()
        if target is None:
            value = baseline * (1 + spec.get("noise", 0.05) * noise)
        elif spec.get("aggregation") == Aggregation.SUM:
            period_days = (period.end - period.start).days + 1
            share = (float(target) - baseline) * pace * period_days / total_days
            value = share * (1 + spec.get("noise", 0.25) * noise)
            if decimals == 0:
                # Round at random so that small counts add up to the plan.
                value = math.floor(max(value, 0) + jitter)
        else:
            elapsed = min(1.0, (period.end - baseline_date).days / total_days)
            gap = float(target) - baseline
            value = baseline + gap * pace * elapsed + spec.get("noise", 0.06) * abs(gap) * noise
        value = max(value, 0.0)
        if spec["unit"] == "%":
            value = min(value, 100.0)
        if spec.get("monotone") and previous is not None:
            value = max(value, previous)
        previous = value
        values.append(Decimal(f"{value:.{decimals}f}"))
    return values


def _decimal(value):
    return None if value is None else Decimal(str(value))


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    return "-".join(words[:3])
