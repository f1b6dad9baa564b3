"""The lists cost a fixed number of queries, whatever the size of the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgreementFactory,
    MemberFactory,
    PartnershipFactory,
    partnership_with_data,
)


@pytest.mark.parametrize("size", [2, 12])
def test_the_partnership_list_costs_the_same_at_any_size(
    size, client_for, alice, django_assert_max_num_queries
):
    for _ in range(size):
        MemberFactory(partnership=PartnershipFactory(owner=alice))
    client = client_for(alice)
    # The request's savepoint and its release, the token, its last use, the
    # user's and their groups' permissions, the count, the page (with owners),
    # then one prefetch each: members with their partners, leads with their
    # users, stage changes with who made them.
    with django_assert_max_num_queries(11):
        response = client.get("/api/v1/partnerships/?page_size=100")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 12])
def test_the_agreement_list_costs_the_same_at_any_size(
    size, client_for, erin, django_assert_max_num_queries
):
    AgreementFactory.create_batch(size)
    client = client_for(erin)
    # Savepoint and release, token, last use, two for permissions, count, page,
    # parties, obligations.
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/agreements/?page_size=100")
    assert response.json()["count"] == size


def test_a_page_of_measurements_is_read_in_the_order_of_their_index(
    client_for, erin, django_assert_max_num_queries
):
    # Ordered by the metric's key and the period (the unique index), not by the
    # metric's own ordering: that joined every measurement to its objective and
    # partnership and sorted them all by title for each page.
    partnership_with_data(metrics=2)
    client = client_for(erin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/measurements/?page_size=5")
    assert response.status_code == 200
    (page,) = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "measurement" in q["sql"]]
    assert "partnerships_partnership" not in page
    assert "partnerships_objective" not in page
    assert page.rstrip().endswith('"partnerships_measurement"."period_start" ASC LIMIT 5')
    rows = [(m["metric"], m["period_start"]) for m in response.json()["results"]]
    assert rows == sorted(rows)
