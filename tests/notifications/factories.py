import datetime as dt

import factory
from django.utils import timezone

from evaluation.models import Scorecard, ScoringPolicy
from notifications.models import Kind, Notification
from partnerships.models import Obligation, PartnershipLead
from tests.factories import AgreementFactory, PartnershipFactory, PartnershipSubFactory, UserFactory


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipLead

    partnership = PartnershipSubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    functional_area = "administrative"


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    agreement = factory.SubFactory(AgreementFactory)
    description = factory.Sequence(lambda n: f"Quarterly report {n}")
    due_date = dt.date(2026, 6, 30)


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scorecard

    partnership = PartnershipSubFactory(PartnershipFactory)
    period_start = dt.date(2026, 5, 1)
    period_end = dt.date(2026, 5, 31)
    policy = factory.LazyFunction(lambda: ScoringPolicy.objects.get(is_active=True))
    overall_score = 62
    rating = "amber"
    review_state = "in_review"
    computed_at = factory.LazyFunction(timezone.now)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    kind = Kind.OBLIGATION_DUE
    subject = factory.Sequence(lambda n: f"Due tomorrow: report {n}")
    body = "The quarterly report is due tomorrow."
    url = "/admin/"
