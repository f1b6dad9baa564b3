"""The lists cost a fixed number of queries, whatever the size of the page."""

import pytest

from tests.factories import AgreementFactory, MemberFactory, PartnershipFactory


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
