"""`manage.py seed_demo` builds a demo portfolio that looks real, once.

The spread is counted from the database, not taken from the command's word.
"""

import datetime as dt
import hashlib
from io import StringIO

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Role
from accounts.services import DEMO_TOTP_SECRET
from demo.portfolio import DEMO_USERS
from partnerships.geography import continent_of, language_choices
from partnerships.models import (
    SIGNED_STATUSES,
    STAGES_BY_FAMILY,
    Aggregation,
    Agreement,
    AgreementParty,
    AgreementStatus,
    Benefit,
    Contact,
    ContributionKind,
    Direction,
    Measurement,
    Objective,
    ObjectiveStatus,
    Obligation,
    OutcomeMetric,
    Partner,
    PartnerKind,
    Partnership,
    PartnershipLead,
    PartnershipMember,
    Purpose,
    Sector,
    Stage,
    StageFamily,
)
from partnerships.periods import Frequency, Period, periods_between
from tests.factories import TOTP_SECRET, user_with_role

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Each table's row count and a checksum of all its values."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue  # a proxy's table is its concrete model's; pghistory's aggregate has none
        rows = list(model._base_manager.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def last_closed_periods(today, frequency, count):
    periods = [Period.containing(today, frequency).previous()]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def test_it_builds_the_promised_spread():
    seed()
    today = timezone.localdate()

    # Partners: many, worldwide, of every sector and the kinds our users deal with.
    partners = Partner.objects.all()
    assert partners.count() >= 40
    countries = {str(code) for code in partners.values_list("country", flat=True)}
    assert len(countries) >= 15
    assert len({continent_of(code) for code in countries}) >= 4
    assert set(partners.values_list("sector", flat=True)) == set(Sector.values)
    assert set(partners.values_list("kind", flat=True)) >= {
        PartnerKind.HOSPITAL,
        PartnerKind.UNIVERSITY,
        PartnerKind.RESEARCH_INSTITUTE,
        PartnerKind.PROFESSIONAL_ASSOCIATION,
        PartnerKind.PHARMA_BIOTECH,
        PartnerKind.CRO,
        PartnerKind.SUPPLIER,
        PartnerKind.GOVERNMENT_AGENCY,
        PartnerKind.NGO,
        PartnerKind.FOUNDATION,
    }
    ministries = partners.filter(kind=PartnerKind.GOVERNMENT_AGENCY, name__icontains="ministerio")
    assert ministries.exists()
    assert len(set(partners.values_list("organisation_type", flat=True))) >= 6
    language_codes = dict(language_choices())
    for partner in partners:
        assert partner.city and partner.expertise and partner.time_zone, partner
        assert partner.languages and set(partner.languages) <= set(language_codes), partner
    assert Contact.objects.count() >= 20
    assert partners.annotate(n=Count("contacts")).filter(n=2).exists()
    assert not Contact.objects.exclude(email__endswith="@example.org").exists()

    # Partnerships: every stage, bilateral and multilateral, one to three sectors.
    partnerships = Partnership.objects.annotate(
        member_count=Count("members", distinct=True),
        sector_count=Count("partners__sector", distinct=True),
        lead_count=Count("leads", distinct=True),
    )
    assert partnerships.count() >= 25
    assert set(partnerships.values_list("stage", flat=True)) == set(Stage.values)
    assert partnerships.filter(member_count=1).exists()
    assert partnerships.filter(member_count__gte=3).exists()
    assert set(partnerships.values_list("sector_count", flat=True)) >= {1, 2, 3}
    assert set(partnerships.values_list("purpose", flat=True)) == set(Purpose.values)
    benefits_sought = partnerships.values_list("benefits_sought", flat=True)
    assert {benefit for benefits in benefits_sought for benefit in benefits} == set(Benefit.values)
    managers = User.objects.filter(groups__name=Role.MANAGER)
    owners = set(partnerships.values_list("owner", flat=True))
    assert len(owners) >= 2
    assert owners <= set(managers.values_list("pk", flat=True))
    dyads = partnerships.filter(lead_count=2)
    assert dyads.count() >= 5
    for partnership in dyads:
        areas = PartnershipLead.objects.filter(partnership=partnership)
        assert areas.values("functional_area").distinct().count() == 2
    assert not partnerships.in_family(StageFamily.ENDED).filter(end_date__isnull=True).exists()

    # Agreements: every status, coherent with the stage of their partnership.
    agreements = Agreement.objects.all()
    assert set(agreements.values_list("status", flat=True)) == set(AgreementStatus.values)
    assert not agreements.filter(reference="").exists()
    allowed = {
        StageFamily.POTENTIAL: {"draft", "negotiating", "legal_review"},
        StageFamily.ACTIVE: {"signed", "active", "superseded"},
        StageFamily.ENDED: {"expired", "terminated"},
    }
    for family, statuses in allowed.items():
        found = agreements.filter(partnership__stage__in=STAGES_BY_FAMILY[family])
        assert set(found.values_list("status", flat=True)) <= statuses, family
    assert agreements.expiring_between(today, today + dt.timedelta(days=60)).exists()
    assert not agreements.filter(status__in=("signed", "active"), expiry_date__lt=today).exists(), (
        "the daily expiry task would flip these"
    )
    renewal = agreements.get(change_kind="renewal")
    assert renewal.changes.status == AgreementStatus.SUPERSEDED
    amendment = agreements.get(change_kind="amendment")
    assert amendment.changes.status == AgreementStatus.ACTIVE

    # Parties: our organisation and partners that are members, signatories on signed ones.
    us_count = Count("parties", filter=Q(parties__is_our_organisation=True))
    assert not agreements.annotate(us=us_count).exclude(us=1).exists()
    member_pairs = set(PartnershipMember.objects.values_list("partnership", "partner"))
    party_pairs = set(
        AgreementParty.objects.filter(partner__isnull=False).values_list(
            "agreement__partnership", "partner"
        )
    )
    assert party_pairs and party_pairs <= member_pairs
    signed_parties = AgreementParty.objects.filter(agreement__status__in=SIGNED_STATUSES)
    assert signed_parties.exists()
    assert not signed_parties.filter(Q(signatory_name="") | Q(signed_on__isnull=True)).exists()
    assert AgreementParty.objects.exclude(responsibilities="").count() >= 20
    financial = AgreementParty.objects.filter(contribution_kind=ContributionKind.FINANCIAL)
    assert set(financial.values_list("contribution_currency", flat=True)) >= {
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "KES",
    }
    assert AgreementParty.objects.filter(contribution_kind=ContributionKind.IN_KIND).exists()

    # Obligations: some met, some overdue, some still to come.
    assert Obligation.objects.filter(completed_on__isnull=False).exists()
    assert Obligation.objects.filter(completed_on__isnull=True, due_date__lt=today).exists()
    assert Obligation.objects.filter(due_date__gt=today).exists()

    # Objectives for every active and struggling partnership, and for ended ones.
    assessable = Partnership.objects.assessable().annotate(n=Count("objectives"))
    assert assessable.exists() and not assessable.filter(n=0).exists()
    for stage in (Stage.COMPLETED, Stage.FAILED):
        assert Objective.objects.filter(partnership__stage=stage).exists(), stage
    assert len(set(Objective.objects.values_list("benefit", flat=True))) >= 4
    assert len(set(Objective.objects.values_list("status", flat=True))) >= 4

    # Outcome metrics: both directions, both aggregations, mostly quarterly.
    metrics = OutcomeMetric.objects.all()
    lower = metrics.filter(direction=Direction.LOWER, target_value__lt=F("baseline_value"))
    assert lower.count() >= 3
    assert metrics.filter(aggregation=Aggregation.SUM).exists()
    assert metrics.filter(aggregation=Aggregation.LATEST).exists()
    quarterly = metrics.filter(frequency=Frequency.QUARTERLY).count()
    monthly = metrics.filter(frequency=Frequency.MONTHLY).count()
    assert quarterly > monthly > 0
    assert metrics.filter(target_value__isnull=True).exists()
    assert not metrics.filter(unit="").exists()

    # Measurements: the last six closed quarters, moving towards the target.
    quarterly_measurements = Measurement.objects.filter(metric__frequency=Frequency.QUARTERLY)
    measured = set(quarterly_measurements.values_list("period_start", flat=True))
    for period in last_closed_periods(today, Frequency.QUARTERLY, 6):
        assert period.start in measured, period
    active_latest = metrics.filter(
        objective__partnership__stage=Stage.ACTIVE,
        aggregation=Aggregation.LATEST,
        target_value__isnull=False,
    )
    assert active_latest.exists()
    for metric in active_latest:
        latest = metric.measurements.order_by("-period_start").first()
        if metric.direction == Direction.HIGHER:
            assert latest.value > metric.baseline_value, metric
        else:
            assert latest.value < metric.baseline_value, metric

    # Struggling partnerships lag and miss their latest report.
    for partnership in Partnership.objects.filter(stage=Stage.STRUGGLING):
        unreported = [
            metric
            for metric in OutcomeMetric.objects.filter(objective__partnership=partnership)
            if not metric.measurements.filter(
                period_start=Period.containing(today, metric.frequency).previous().start
            ).exists()
        ]
        assert unreported, partnership
    struggling_statuses = Objective.objects.filter(partnership__stage=Stage.STRUGGLING)
    assert set(struggling_statuses.values_list("status", flat=True)) <= {
        ObjectiveStatus.AT_RISK,
        ObjectiveStatus.OFF_TRACK,
    }

    # Some active metrics skipped a period in the middle.
    gaps = 0
    for metric in metrics.filter(objective__partnership__stage=Stage.ACTIVE):
        starts = sorted(metric.measurements.values_list("period_start", flat=True))
        frequency = Frequency(metric.frequency)
        span = periods_between(Period(starts[0], frequency), Period(starts[-1], frequency))
        gaps += len(span) > len(starts)
    assert gaps >= 2

    # One demo user per role, in its group, none staff (the admin asks for the
    # Administrator's right, not is_staff), none superuser.
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    assert not User.objects.filter(is_staff=True).exists()
    administrator = User.objects.get(groups__name=Role.ADMINISTRATOR)
    assert administrator.has_perm("accounts.use_admin")
    assert managers.count() >= 2
    assert not User.objects.filter(is_superuser=True).exists()


def test_it_changes_nothing_when_run_twice():
    first_output = seed()
    before = snapshot()
    assert before["partnerships.Measurement"][0] > 0

    second_output = seed()

    assert snapshot() == before
    assert "nothing changed" not in first_output
    assert "Everything was already present; nothing changed." in second_output


def test_it_leaves_existing_rows_alone_and_adds_what_is_missing():
    seed()
    partner = Partner.objects.get(name="Hôpital Saint-Aurèle")
    Partner.objects.filter(pk=partner.pk).update(city="Villeurbanne")
    Measurement.objects.filter(metric__name="Door-to-needle time").earliest("period_start").delete()

    output = seed()

    assert Partner.objects.get(pk=partner.pk).city == "Villeurbanne"
    rows = [line.strip().rsplit(maxsplit=2) for line in output.splitlines()[2:9]]
    assert {label: int(created) for label, created, present in rows} == {
        "users": 0,
        "partners": 0,
        "partnerships": 0,
        "agreements": 0,
        "objectives": 0,
        "outcome metrics": 0,
        "measurements": 1,
    }


@pytest.mark.parametrize("day", ["2028-03-31", "2027-01-01", "2029-08-15"])
def test_it_builds_on_any_day(day):
    with time_machine.travel(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"), tick=False):
        seed()
        today = timezone.localdate()
        assert Agreement.objects.expiring_between(today, today + dt.timedelta(days=60)).exists()
        latest_quarter = Period.containing(today, Frequency.QUARTERLY).previous()
        assert Measurement.objects.filter(period_start=latest_quarter.start).exists()


def test_demo_users_can_sign_in(rf):
    output = seed()

    assert "Demo sign-ins:" in output
    for username, password, role, full_name in DEMO_USERS:
        assert f"{username} " in output and password in output
        # The password is right (django-axes's backend wants the request).
        assert authenticate(rf.post("/accounts/login/"), username=username, password=password)
        user = User.objects.get(username=username)
        assert user.has_role(role)
        assert user.get_full_name() == full_name


def test_a_real_account_named_as_a_demo_user_keeps_its_own_second_factor():
    """The demo's second factor is public (the README prints it): set on an
    administrator of one's own who happens to be called "admin", it would
    replace their authenticator with one anyone can read. Only an account
    that signs in with the demo's own password, public too, is given it."""
    real = user_with_role("admin", Role.ADMINISTRATOR)  # their own password and authenticator
    (own,) = Authenticator.objects.filter(user=real)

    output = seed()

    assert list(Authenticator.objects.filter(user=real)) == [own]
    assert decrypt(Authenticator.objects.get(pk=own.pk).data["secret"]) == TOTP_SECRET
    assert "admin signs in with a second factor" not in output
    # The demo's own reviewer, made by the command, gets the documented one.
    rita = User.objects.get(username="rita")
    totp = Authenticator.objects.get(user=rita, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
    assert "rita signs in with a second factor" in output


def test_the_demo_second_factor_is_set_again_only_on_a_demo_account():
    seed()
    out = StringIO()
    call_command("demo_second_factor", "rita", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue()

    real = user_with_role("ines", Role.REVIEWER)  # their own password and authenticator
    (own,) = Authenticator.objects.filter(user=real)
    with pytest.raises(CommandError, match="not the demo's account"):
        call_command("demo_second_factor", "ines", stdout=StringIO())
    assert list(Authenticator.objects.filter(user=real)) == [own]
    assert decrypt(own.data["secret"]) == TOTP_SECRET
