"""The partnership list narrows by what the portfolio dashboard links with:
lifecycle, region, benefit sought, latest rating and month."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboards.test_portfolio import add_card, cold_cache_in_november_2026, seed_portfolio
from tests.factories import MemberFactory, PartnershipFactory

pytestmark = pytest.mark.django_db
URL = "/partnerships/"


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


@pytest.fixture
def portfolio(alice, bob, rita):
    seed_portfolio(alice, bob, rita)


def titles(response):
    assert response.status_code == 200
    return sorted(p.title for p in response.context["page"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"family": "potential"}, ["Tokyo imaging"]),
        ({"family": "ended"}, ["Lisbon conference"]),
        ({"region": "SA"}, ["Paris nurse exchange"]),
        ({"region": "AS"}, ["Tokyo imaging"]),
        ({"benefit": "innovation"}, ["Boston device trials"]),
        # The latest approved rating, the reviewer's override first.
        ({"rating": "green"}, ["Paris nurse exchange"]),
        (
            {"rating": "amber"},
            ["Boston device trials", "Lisbon conference", "Nairobi maternal health"],
        ),
        ({"rating": "red"}, []),
        ({"rating": "none"}, ["Shared procurement", "Tokyo imaging"]),
        # Unapproved scorecards count only when asked for.
        ({"rating": "red", "provisional": "1"}, ["Nairobi maternal health"]),
        # As of September: the Paris exchange was not rated yet.
        (
            {"rating": "none", "period": "2026-09"},
            ["Paris nurse exchange", "Shared procurement", "Tokyo imaging"],
        ),
    ],
)
def test_it_narrows_like_the_dashboard(client, erin, alice, portfolio, query, expected):
    # Unapproved scorecards are for those who enter or review them.
    client.force_login(alice if "provisional" in query else erin)
    assert titles(client.get(URL, query)) == expected


def test_a_month_keeps_what_was_running_then(client, erin, alice):
    PartnershipFactory(title="Running", owner=alice)
    PartnershipFactory(
        title="Ended in August",
        owner=alice,
        stage="completed",
        end_date="2026-08-31",
    )
    client.force_login(erin)
    assert titles(client.get(URL, {"period": "2026-09"})) == ["Running"]
    assert titles(client.get(URL, {"period": "2026-08"})) == ["Ended in August", "Running"]


def test_a_bad_month_is_named_next_to_the_field_and_kept(client, erin):
    client.force_login(erin)
    response = client.get(URL, {"period": "September", "stage": "active"})
    html = response.content.decode()
    assert 'value="September"' in html
    assert re.search(
        r'id="id_period"[^>]*>\s*<div class="invalid-feedback d-block">'
        r"Enter a month as YYYY-MM, such as 2026-03.",
        html,
    )


@pytest.mark.parametrize("rows", [5, 50])
def test_a_rating_filter_costs_the_same_queries_for_5_or_50_rows(
    client, erin, alice, rita, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        partnership = PartnershipFactory(owner=alice, member=False)
        MemberFactory(partnership=partnership)
        add_card(partnership, (2026, 10), score="80", rating="green", reviewer=rita)
    client.force_login(erin)
    # session, user, permissions (user and group), a savepoint and its release,
    # count, page of partnerships, their members, owners for the filter,
    # unread notifications: the rating is a subquery of the count and the page.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("dashboards:partnership_list"), {"rating": "green"})
    assert response.context["page"].paginator.count == rows


def test_a_page_counts_the_sectors_of_its_own_members_only(client, erin, alice):
    alpha = PartnershipFactory(owner=alice, title="Alpha", member=False)
    MemberFactory(partnership=alpha, partner__sector="nonprofit")
    MemberFactory(partnership=alpha, partner__sector="academic")
    MemberFactory(partnership=alpha, partner__sector="academic")
    PartnershipFactory(owner=alice, title="Beta", member__partner__sector="industry")
    client.force_login(erin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:partnership_list"))
    assert [(p.title, p.sectors_spanned) for p in response.context["page"]] == [
        ("Alpha", 2),
        ("Beta", 1),
    ]
    # The count reads the partnerships alone, and the page groups no join of
    # every partnership's members: both were O(portfolio) for each page.
    counts = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT COUNT(*)") and "partnerships_partnership" in q["sql"]
    ]
    assert counts == ['SELECT COUNT(*) AS "__count" FROM "partnerships_partnership"']
    (page,) = [q["sql"] for q in queries if '"sectors_spanned"' in q["sql"]]
    # Its one GROUP BY is inside the subquery of a row's own members.
    assert page.count("GROUP BY") == 1
    assert 'WHERE U0."partnership_id" = ("partnerships_partnership"."id") GROUP BY' in page


@pytest.mark.parametrize("url", [URL, "/dashboards/"])
def test_an_owner_not_offered_is_named_next_to_the_filter_and_the_others_kept(
    client, erin, alice, url
):
    """The pages offer the owners in a select: an id not among them (a stale
    link, someone who owns nothing now) is an error next to it, the page 200
    with the other filters still chosen in the form, as a bad month is."""
    PartnershipFactory(owner=alice)
    client.force_login(erin)
    response = client.get(url, {"owner": str(erin.pk), "region": "AF"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'id="id_owner"[^>]*>.*?</select>\s*<div class="invalid-feedback d-block">Select a valid',
        html,
        re.S,
    )
    assert '<option value="AF" selected>' in html
