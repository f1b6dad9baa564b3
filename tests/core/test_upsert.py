"""Rows written by `insert_rows` (columns sent as array literals) come back as written."""

import datetime as dt
from decimal import Decimal

import pytest

from core.copy import array_literal
from core.upsert import insert_rows
from evaluation.models import ReviewState, Scorecard, ScoringPolicy
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

AWKWARD = 'a "quoted", {braced} back\\slash\ttab\nline, NULL, é — ١٢'


def test_array_literal_quotes_every_element_and_spells_null():
    assert array_literal([None, True, False, 3, Decimal("1.50"), dt.date(2026, 1, 2)]) == (
        '{NULL,"t","f","3","1.50","2026-01-02"}'
    )
    assert array_literal(['say "hi"', "a\\b", "NULL"]) == '{"say \\"hi\\"","a\\\\b","NULL"}'


def test_awkward_values_arrive_as_written_and_an_upsert_updates_them():
    first, second = PartnershipFactory(), PartnershipFactory()
    policy = ScoringPolicy.objects.get(is_active=True)
    computed = dt.datetime(2026, 10, 31, 23, 59, 59, 123456, tzinfo=dt.UTC)
    flags = [{"code": "x", "params": {"name": AWKWARD, "n": None}, "message": AWKWARD}]
    columns = [
        "partnership_id", "period_start", "period_end", "policy_id", "overall_score",
        "outcomes_score", "rating", "trend", "flags", "metric_results", "computed_at",
        "review_state",
    ]  # fmt: skip

    def row(partnership, score, rating, flags):
        return (
            partnership.pk, dt.date(2026, 10, 1), dt.date(2026, 10, 31), policy.pk, score,
            None, rating, "new", flags, [], computed, ReviewState.IN_REVIEW,
        )  # fmt: skip

    written = insert_rows(
        Scorecard,
        columns,
        [row(first, Decimal("74.99"), "amber", flags), row(second, None, "", [])],
        returning=["partnership"],
    )
    assert sorted(written) == sorted([(first.pk,), (second.pk,)])
    card = Scorecard.objects.get(partnership=first)
    assert (card.overall_score, card.outcomes_score, card.rating) == (
        Decimal("74.99"),
        None,
        "amber",
    )
    assert card.flags == flags and card.metric_results == []
    assert card.computed_at == computed and card.period_start == dt.date(2026, 10, 1)
    assert Scorecard.objects.get(partnership=second).overall_score is None

    # The upsert: the conflicting row takes the new values.
    insert_rows(
        Scorecard,
        columns,
        [row(first, Decimal("100.00"), "green", [])],
        conflict=["partnership", "period_start"],
        update=["overall_score", "rating", "flags"],
    )
    card.refresh_from_db()
    assert (card.overall_score, card.rating, card.flags) == (Decimal("100.00"), "green", [])
    assert Scorecard.objects.count() == 2
