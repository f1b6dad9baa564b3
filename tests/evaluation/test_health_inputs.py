"""The assessment loads each partnership's latest health check with one query."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from evaluation import services
from evaluation.inputs import health_inputs
from evaluation.models import Scorecard, ScorecardEvent, ScoringPolicy
from health.models import Factor
from tests.factories import partnership_with_data
from tests.health.builders import closed_round

pytestmark = pytest.mark.django_db

DECEMBER = dt.date(2025, 12, 1)
END = dt.date(2025, 12, 31)


def trust_falls(partnership, *, by):
    """A round in June, then one in November where the partner rates trust 2."""
    closed_round(
        partnership, by=by, ours=[4, 4, 5], partner=[4, 4, 4], opened_on=dt.date(2025, 6, 2)
    )
    closed_round(
        partnership,
        by=by,
        ours=[{"trust": 4}, {"trust": 4}, {"trust": 4}],
        partner=[{"trust": 2}, {"trust": 2}, {"trust": 2}],
        opened_on=dt.date(2025, 11, 3),
    )


def test_the_latest_round_shown_by_the_end_of_the_period_feeds_the_scorecard(alice):
    partnership = partnership_with_data(owner=alice)
    trust_falls(partnership, by=alice)
    # Closed after the period ends: not the scorecard's yet.
    closed_round(partnership, by=alice, ours=[1, 1, 1], opened_on=dt.date(2025, 12, 20))

    policy = ScoringPolicy.objects.get(is_active=True)
    services.assess_partnerships(
        [partnership.pk], period_start=DECEMBER, period_end=END, policy=policy
    )

    card = Scorecard.objects.get()
    # Trust (4 + 2) / 2 = 3.00, the other eight factors 3.00 on both sides: m = 3,
    # (3 − 1) / 4 × 100 = 50.
    assert card.health_score == D("50.00")
    messages = [flag["message"] for flag in card.flags]
    # Trust was (4.33 + 4.00) / 2 = 4.17 (shown to one place) in June.
    assert "Trust fell from 4.2 to 3.0." in messages
    assert "The sides disagree on trust by 2.0." in messages


def test_a_round_below_the_threshold_on_both_sides_is_passed_over(alice):
    partnership = partnership_with_data(owner=alice)
    earlier = closed_round(partnership, by=alice, ours=[5, 5, 5], opened_on=dt.date(2025, 6, 2))
    closed_round(partnership, by=alice, ours=[1, 1], partner=[1, 1], opened_on=dt.date(2025, 11, 3))

    health = health_inputs([partnership.pk], period_end=END)[partnership.pk]

    assert health.round_id == earlier.pk
    assert {f.overall for f in health.factors} == {D("5.00")}
    assert {f.partner for f in health.factors} == {None}


def test_no_round_no_component(alice):
    partnership = partnership_with_data(owner=alice)
    assert health_inputs([partnership.pk], period_end=END) == {}


def queries_to_assess(count: int, alice) -> int:
    ids = []
    for _ in range(count):
        partnership = partnership_with_data(metrics=2, owner=alice)
        closed_round(
            partnership, by=alice, ours=[4, 3, 4], partner=[3, 3, 2], opened_on=dt.date(2025, 6, 2)
        )
        closed_round(
            partnership, by=alice, ours=[4, 3, 4], partner=[3, 3, 2], opened_on=dt.date(2025, 11, 3)
        )
        ids.append(partnership.pk)
    policy = ScoringPolicy.objects.get(is_active=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.assess_partnerships(ids, period_start=DECEMBER, period_end=END, policy=policy)
    assert Scorecard.objects.filter(health_score__isnull=False).count() == count
    ScorecardEvent.objects.all().delete()
    Scorecard.objects.all().delete()
    return len(queries)


def test_the_queries_of_an_assessment_with_health_checks_do_not_grow(alice):
    # partnerships, lock of their scorecards, objectives, metrics with their
    # measurement aggregates, agreements in force, overdue obligations, the
    # health-check sums, previous scorecards, the upsert, the review events
    assert queries_to_assess(2, alice) == queries_to_assess(6, alice) == 10


def test_the_flags_name_a_factor_in_the_readers_language(alice):
    """The shipped instrument names its factors in French, Spanish and Portuguese;
    the flags named them in English whatever the reader's ("Trust : de 4,2 à
    3,0, en baisse." on a French scorecard and its PDF)."""
    from django.utils import translation

    from evaluation.codes import flag_text

    partnership = partnership_with_data(owner=alice)
    trust_falls(partnership, by=alice)
    trust = Factor.objects.filter(code="trust", instrument__rounds__partnership=partnership)
    assert {factor.translations.get("fr") for factor in trust} == {"Confiance"}

    services.assess_partnerships(
        [partnership.pk],
        period_start=DECEMBER,
        period_end=END,
        policy=ScoringPolicy.objects.get(is_active=True),
    )

    flags = {flag["message"]: flag for flag in Scorecard.objects.get().flags}
    # The English as it was, for the API's clients and an older reader.
    fell = flags["Trust fell from 4.2 to 3.0."]
    gap = flags["The sides disagree on trust by 2.0."]
    with translation.override("fr"):
        assert "Confiance" in flag_text(fell) and "Trust" not in flag_text(fell)
        assert "confiance" in flag_text(gap)
    with translation.override("es"):
        assert "Confianza" in flag_text(fell)
    with translation.override("pt"):
        assert "Confiança" in flag_text(fell)
    with translation.override("en-gb"):
        assert flag_text(fell) == "Trust fell from 4.2 to 3.0."
