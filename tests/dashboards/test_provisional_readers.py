"""Executives rely on approved numbers only (`evaluation.models.sees_provisional`):
on the portfolio, its list, its exports and the API as on a partnership's
dashboard. Those who enter or review scorecards may include the unapproved ones.

In the seeded portfolio, Nairobi maternal health's latest approved scorecard
rates it amber and its October one, in review, red.
"""

import re

import pytest

from dashboards.export_jobs import job_filters
from tests.api.conftest import client_for as client_for  # noqa: F401 (a fixture)
from tests.dashboards.test_portfolio import URL, cold_cache_in_november_2026, rating_tile
from tests.dashboards.test_portfolio import portfolio as portfolio  # noqa: F401 (a fixture)
from tests.dashboards.test_portfolio_exports import csv_rows
from tests.dashboards.test_portfolio_list import titles

pytestmark = pytest.mark.django_db
CHECKBOX = re.compile(r'<input type="checkbox" name="provisional"')


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


def test_the_portfolio_offers_unapproved_scorecards_to_those_who_enter_or_review_them(
    client, alice, rita, erin, portfolio
):
    for reader, offered in ((alice, True), (rita, True), (erin, False)):
        client.force_login(reader)
        html = client.get(URL).content.decode()
        assert bool(CHECKBOX.search(html)) is offered, reader
        assert bool(CHECKBOX.search(client.get("/partnerships/").content.decode())) is offered


def test_an_executive_asking_for_them_sees_the_approved_numbers(client, alice, erin, portfolio):
    """A manager's link, shared: the executive sees what the portfolio shows
    them without it, filters kept, never a rating no reviewer approved."""
    client.force_login(erin)
    approved = client.get(URL, {"region": "AF"})
    asked = client.get(URL, {"region": "AF", "provisional": "1"})
    assert 'id="provisional-note"' not in asked.content.decode()
    assert rating_tile(asked) == rating_tile(approved)
    assert titles(client.get("/partnerships/", {"rating": "red", "provisional": "1"})) == []
    assert titles(client.get("/partnerships/", {"rating": "amber", "provisional": "1"})) == [
        "Boston device trials",
        "Lisbon conference",
        "Nairobi maternal health",
    ]
    rows = csv_rows(client.get("/dashboards/portfolio.csv", {"provisional": "1"}))
    nairobi = next(row for row in rows if row["Partnership"] == "Nairobi maternal health")
    assert (nairobi["Rating"], nairobi["Review"]) == ("Amber", "Approved")

    # The same link, followed by its manager: October's red, labelled provisional.
    client.force_login(alice)
    asked = client.get(URL, {"region": "AF", "provisional": "1"})
    assert 'id="provisional-note"' in asked.content.decode()
    assert rating_tile(asked) != rating_tile(client.get(URL, {"region": "AF"}))
    assert titles(client.get("/partnerships/", {"rating": "red", "provisional": "1"})) == [
        "Nairobi maternal health"
    ]


def test_an_export_job_applies_its_filters_as_its_owner_may_now(alice, erin):
    """A job keeps its GET parameters; the worker reads them as its owner's
    rights stand when it writes the file."""
    assert job_filters({"provisional": "1"}, user=alice)["provisional"] is True
    assert "provisional" not in job_filters({"provisional": "1"}, user=erin)


@pytest.mark.parametrize("url", ["/api/v1/portfolio/", "/api/v1/partnerships/"])
def test_the_api_tells_an_executive_rather_than_answer_other_numbers(client_for, erin, url):
    body = client_for(erin).get(url, {"provisional": "true"}).json()
    assert body["status"] == 400
    assert body["errors"] == {
        "provisional": [
            "Only those who enter or review scorecards see unapproved ones: leave it out."
        ]
    }
    assert client_for(erin).get(url, {"provisional": "false"}).status_code == 200
    assert client_for(erin).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/portfolio/", "/api/v1/partnerships/"])
def test_the_api_gives_a_manager_and_a_reviewer_the_unapproved_ones(
    client_for, alice, rita, url, portfolio
):
    for reader in (alice, rita):
        response = client_for(reader).get(url, {"provisional": "true"})
        assert response.status_code == 200, response.content
    ratings = client_for(alice).get("/api/v1/portfolio/", {"provisional": "true"}).json()
    approved = client_for(alice).get("/api/v1/portfolio/").json()
    assert ratings != approved
