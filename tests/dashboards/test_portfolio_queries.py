"""The dashboard and its exports cost the same queries for a small portfolio and
one ten times larger, cold (the aggregates computed) and warm (from Redis)."""

from __future__ import annotations

import pytest

from tests.dashboards.test_portfolio import URL, add_card, cold_cache_in_november_2026
from tests.factories import AgreementFactory, MemberFactory, PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

# session, user, a savepoint and its release (ATOMIC_REQUESTS), user and group
# permissions; the summary: partnerships with their countries, sectors and
# latest shown scorecard, the active policy's expiry window, the expiring
# agreements with their count, funding by currency, exchange rates, ratings by
# month (the generation number is Redis, not SQL); owners for the filter form;
# unread notifications; and first, the active policy's window and the read
# model's tallies, found not built (tests/dashboards/test_readmodel.py counts
# the portfolio once it is built).
COLD = 16
# session, user, savepoint pair, permissions (2), owners for the filter form,
# unread notifications: the summary comes from Redis.
WARM = 8
# session, user, a savepoint and its release, permissions (2); how many
# partnerships the filters hold (more than `ACCORD_EXPORT_IN_REQUEST_ROWS` go to
# the worker); partnerships with their owners, countries and sectors; their
# latest shown scorecards; the comments of those scorecards' reviews.
EXPORT = 10


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


def seed(size: int, owner, rita):
    for n in range(size):
        partnership = PartnershipFactory(
            owner=owner, stage=("active", "struggling")[n % 2], member=False
        )
        MemberFactory(partnership=partnership, partner=PartnerFactory(country=("KE", "FR")[n % 2]))
        MemberFactory(partnership=partnership, partner=PartnerFactory(sector="industry"))
        AgreementFactory(partnership=partnership)
        for number in (8, 9, 10):
            add_card(
                partnership,
                (2026, number),
                score=str(40 + n % 50),
                rating=("red", "amber", "green")[n % 3],
                reviewer=rita,
                metric_results=[{"id": 1, "status": "on_track"}],
            )


@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboard_costs_the_same_queries_at_any_size(
    client, erin, alice, rita, size, django_assert_max_num_queries
):
    seed(size, alice, rita)
    client.force_login(erin)
    with django_assert_max_num_queries(COLD):
        cold = client.get(URL)
    with django_assert_max_num_queries(WARM):
        warm = client.get(URL)
    assert cold.status_code == warm.status_code == 200
    assert f"{size} partnerships" in warm.content.decode()


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_costs_the_same_queries_at_any_size(
    client, erin, alice, rita, size, fmt, django_assert_max_num_queries
):
    seed(size, alice, rita)
    client.force_login(erin)
    with django_assert_max_num_queries(EXPORT):
        response = client.get(f"/dashboards/portfolio.{fmt}")
    assert response.status_code == 200
