import datetime as dt
from decimal import Decimal

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as totp_counters
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Role, User
from accounts.sessions import SECOND_FACTOR_ROLES
from partnerships.models import (
    Agreement,
    Measurement,
    Objective,
    OutcomeMetric,
    Partner,
    Partnership,
    PartnershipMember,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("password")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


def user_with_role(username: str, role: Role, *, second_factor=None, **fields) -> User:
    """A user in a role; a reviewer or administrator has a TOTP authenticator,
    as Accord requires of them, unless second_factor=False."""
    user = UserFactory(username=username, role=role, **fields)
    if second_factor is None:
        second_factor = role in SECOND_FACTOR_ROLES
    if second_factor:
        with_authenticator(user)
    return user


# The TOTP secret of every test user's authenticator app (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_authenticator(user: User) -> User:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    return user


def signed_in_again(client, password: str = "password") -> None:
    """Type the password again (allauth's reauthentication), as a sensitive step
    asks of a session first: making an API token, the admin's password set and
    second-factor reset."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now (allauth's own TOTP arithmetic)."""
    counter = list(totp_counters())[0]
    return format_hotp_value(hotp_value(secret, counter))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner hospital {n}")
    kind = "hospital"
    organisation_type = "15"
    sector = "government"
    country = "KE"
    city = "Nairobi"
    languages = factory.LazyFunction(lambda: ["en", "sw"])
    time_zone = "Africa/Nairobi"


class InOneTransaction:
    """A factory whose record is written with what must come with it (a
    partnership with its member) in one transaction, as the services write
    them: PostgreSQL checks at the commit that a partnership has a member."""

    @classmethod
    def _generate(cls, strategy, params):
        with transaction.atomic():
            return super()._generate(strategy, params)


class PartnershipFactory(InOneTransaction, factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Partnership {n}")
    purpose = "clinical_exchange"
    stage = "active"
    owner = factory.SubFactory(UserFactory)
    start_date = dt.date(2025, 1, 1)

    @factory.post_generation
    def member(partnership, create, extracted, **fields):
        """A partnership is with one or more partners (PostgreSQL checks it at
        the commit, and a test's end): one member organisation of its own,
        unless `member=False` (a test that adds its members itself)."""
        if create and extracted is not False:
            MemberFactory(partnership=partnership, **fields)


class PartnershipSubFactory(factory.SubFactory):
    """The partnership of another record (an agreement, an objective, a
    scorecard), written with its member in one transaction, as the services
    write them: a SubFactory builds it without `PartnershipFactory._generate`,
    and in a test that commits (autocommit) PostgreSQL would refuse it alone."""

    def evaluate(self, instance, step, extra):
        with transaction.atomic():
            return super().evaluate(instance, step, extra)


class MemberFactory(InOneTransaction, factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipMember

    partnership = factory.SubFactory(PartnershipFactory, member=False)
    partner = factory.SubFactory(PartnerFactory)
    role = "member"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    partnership = PartnershipSubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Memorandum {n}")
    status = "active"
    effective_date = dt.date(2025, 1, 1)
    expiry_date = dt.date(2027, 12, 31)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    partnership = PartnershipSubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    benefit = "patient_outcomes"
    owner = factory.SelfAttribute("partnership.owner")


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeMetric

    objective = factory.SubFactory(ObjectiveFactory)
    name = factory.Sequence(lambda n: f"Metric {n}")
    unit = "patients"
    direction = "higher"
    baseline_value = Decimal("10")
    baseline_date = dt.date(2025, 1, 1)
    target_value = Decimal("50")
    target_date = dt.date(2026, 12, 31)
    frequency = "quarterly"
    owner = factory.SelfAttribute("objective.owner")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    metric = factory.SubFactory(MetricFactory)
    period_start = dt.date(2025, 4, 1)
    value = Decimal("20")
    entered_by = factory.SelfAttribute("metric.owner")


def partnership_with_data(*, metrics: int = 2, stage: str = "active", **fields) -> Partnership:
    """An assessable partnership: a member, an agreement in force, an objective
    and metrics with a few quarters of measurements."""
    partnership = PartnershipFactory(stage=stage, member__role="lead", **fields)
    AgreementFactory(
        partnership=partnership,
        status="active",
        effective_date=dt.date(2025, 1, 1),
        expiry_date=dt.date(2027, 12, 31),
    )
    objective = ObjectiveFactory(partnership=partnership, status="on_track")
    for index in range(metrics):
        metric = MetricFactory(objective=objective, name=f"Metric {index}")
        for quarter, value in ((1, 14), (4, 18), (7, 24)):
            MeasurementFactory(
                metric=metric, period_start=dt.date(2025, quarter, 1), value=Decimal(value)
            )
    return partnership


def publish_policy(**changes):
    """Publish a new version of the scoring policy: the active one with `changes`."""
    from evaluation.models import ScoringPolicy
    from evaluation.services import POLICY_FIELDS, policy_publish

    active = ScoringPolicy.objects.get(is_active=True)
    values = {name: getattr(active, name) for name in POLICY_FIELDS}
    return policy_publish(created_by=None, **(values | {"name": "Test version"} | changes))
