"""Each filter narrows every tile and chart alike, and the list a mark links to
holds the very partnerships the mark counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from dashboards.forms import PartnershipFilterForm
from evaluation.models import Scorecard
from partnerships.geography import continent_of
from partnerships.models import Agreement, Partnership
from tests.dashboards.test_portfolio import (
    URL,
    cold_cache_in_november_2026,
    rating_tile,
    seed_portfolio,
    series,
    spec,
    tile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


@pytest.fixture
def portfolio(alice, bob, rita):
    seed_portfolio(alice, bob, rita)


TODAY = dt.date(2026, 11, 15)


def countries_of(p) -> set[str]:
    return {m.partner.country.code for m in p.members.all()}


# Each filter as the GET parameter and the test of a partnership it keeps,
# written here from the rows, not from the code under test.
FILTERS = {
    "region": ("EU", lambda p: any(continent_of(c) == "EU" for c in countries_of(p))),
    "country": ("US", lambda p: "US" in countries_of(p)),
    "sector": ("industry", lambda p: any(m.partner.sector == "industry" for m in p.members.all())),
    "purpose": ("joint_research", lambda p: p.purpose == "joint_research"),
    "stage": ("active", lambda p: p.stage == "active"),
    "owner": (None, lambda p: p.owner.username == "bob"),
    "period": (
        "2026-09",
        lambda p: (
            (p.start_date is None or p.start_date <= dt.date(2026, 9, 30))
            and (p.end_date is None or p.end_date >= dt.date(2026, 9, 1))
        ),
    ),
}


def total(table: dict) -> int:
    return int(sum(sum(values.values()) for values in table.values()))


@pytest.mark.parametrize("name", list(FILTERS))
def test_a_filter_narrows_every_tile_and_chart_alike(client, erin, bob, portfolio, name):
    value, keeps = FILTERS[name]
    value = bob.pk if name == "owner" else value
    everyone = list(
        Partnership.objects.select_related("owner").prefetch_related("members__partner")
    )
    kept = [p for p in everyone if keeps(p)]
    assert 0 < len(kept) < len(everyone) or name == "period"
    ids = {p.pk for p in kept}

    client.force_login(erin)
    response = client.get(URL, {name: value})
    html = response.content.decode()
    assert f"{len(kept)} partnership" in html

    families = [
        int(n) for n in re.findall(r'id="tile-\w+">.*?class="display-6">(\d+)<', html, re.S)
    ]
    assert sum(families) == len(kept)

    ratings = rating_tile(response)
    assert sum(ratings.values()) == len(kept)
    assert total(series(response, "by-purpose")) == len(kept)
    assert sum(spec(response, "ratings")["datasets"][0]["data"]) == len(kept)
    mapped = {row["code"]: row["value"] for row in spec(response, "partner-map")["countries"]}
    expected_map = {}
    for p in kept:
        for code in countries_of(p):
            expected_map[code] = expected_map.get(code, 0) + 1
    assert mapped == expected_map

    expiring = sum(
        a.partnership_id in ids
        and a.status in ("signed", "active")
        and TODAY <= a.expiry_date <= TODAY + dt.timedelta(days=90)
        for a in Agreement.objects.exclude(expiry_date=None)
    )
    assert int(tile(response, "data-count")) == expiring

    # The list behind the purpose bars holds the same partnerships.
    listed = client.get("/partnerships/", {name: value})
    assert {p.pk for p in listed.context["page"]} == ids


def test_the_month_shows_the_ratings_as_of_then(client, erin, portfolio):
    client.force_login(erin)
    response = client.get(URL, {"period": "2026-09"})
    # September: the Paris exchange had no approved scorecard yet; Nairobi was
    # amber (its October card is not approved), the Boston trials amber by override.
    latest = {}
    for card in Scorecard.objects.filter(
        review_state="approved", period_start__lte=dt.date(2026, 9, 1)
    ).order_by("period_start"):
        latest[card.partnership_id] = card.override_rating or card.rating
    expected = {}
    for rating in latest.values():
        expected[rating] = expected.get(rating, 0) + 1
    expected["none"] = Partnership.objects.count() - len(latest)
    assert rating_tile(response) == {
        rating: expected.get(rating, 0) for rating in ("green", "amber", "red", "none")
    }


def test_every_mark_links_to_the_list_narrowed_the_same_way(client, erin, bob, portfolio):
    client.force_login(erin)
    response = client.get(URL, {"owner": bob.pk, "region": "AF"})
    chart = spec(response, "by-purpose")
    assert chart["links"]
    for label, link in zip(chart["labels"], chart["links"], strict=True):
        assert f"owner={bob.pk}" in link and "region=AF" in link, label
        listed = client.get(link)
        purposes = {p.get_purpose_display() for p in listed.context["page"]}
        counted = sum(ds["data"][chart["labels"].index(label)] for ds in chart["datasets"])
        assert purposes == {label}
        assert listed.context["page"].paginator.count == counted


def _marks(chart: dict) -> list[tuple[str, int, str]]:
    """(value, count, link) of each mark of a map or a stacked breakdown."""
    if chart["kind"] == "map":
        return [(row["code"], row["value"], row["link"]) for row in chart["countries"]]
    return [
        (label, sum(ds["data"][index] for ds in chart["datasets"]), chart["links"][index])
        for index, label in enumerate(chart["labels"])
    ]


@pytest.mark.parametrize(
    "key, chart_id",
    [("country", "partner-map"), ("region", "by-region"), ("sector", "by-sector")],
)
def test_a_mark_a_members_filter_cannot_list_leads_nowhere(client, erin, portfolio, key, chart_id):
    """Filtered to partnerships with a member in the United States, the map's
    Kenya counts those with members in both: a link to ?country=KE listed every
    partnership in Kenya. Only the filter's own mark leads on, to exactly its
    partnerships."""
    value = FILTERS[key][0]
    client.force_login(erin)
    response = client.get(URL, {key: value})
    marks = _marks(spec(response, chart_id))
    assert len(marks) > 1
    for _mark, count, link in marks:
        if link:
            assert f"{key}={value}" in link
            assert client.get(link).context["page"].paginator.count == count
    linked = [mark for mark, _count, link in marks if link]
    assert len(linked) == 1  # the filter's own value


def test_marks_of_another_members_dimension_keep_both_filters(client, erin, portfolio):
    client.force_login(erin)
    response = client.get(URL, {"region": "EU"})
    marks = _marks(spec(response, "partner-map"))
    assert len(marks) > 1
    for code, count, link in marks:
        assert "region=EU" in link and f"country={code}" in link
        assert client.get(link).context["page"].paginator.count == count, code


def assert_each_bar_lists_what_it_counts(client, params: dict) -> bool:
    """Every bar of "Ratings by month" against the list it links to, rating by
    rating; whether some month's plain list (without "scored") is longer."""
    chart = spec(client.get(URL, params), "rating-trend")
    assert chart["links"]
    wider = False
    for index, link in enumerate(chart["links"]):
        counted = sum(ds["data"][index] for ds in chart["datasets"])
        listed = client.get(link)
        assert listed.context["page"].paginator.count == counted, chart["labels"][index]
        # Each rating's share of the bar is the list narrowed to that rating.
        for dataset, rating in zip(chart["datasets"], ("green", "amber", "red"), strict=True):
            narrowed = client.get(f"{link}&rating={rating}")
            assert narrowed.context["page"].paginator.count == dataset["data"][index]
        running = client.get("/partnerships/", {"period": link.split("period=")[1][:7]})
        wider |= running.context["page"].paginator.count > counted
    return wider


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"provisional": "1"},
        # The portfolio of October, which the Lisbon conference (ended in
        # September, scored in August) was no longer running: August's bar
        # still counts its scorecard, as August's list holds it.
        {"period": "2026-10"},
        {"period": "2026-10", "provisional": "1"},
        {"period": "2026-10", "region": "EU"},
    ],
)
def test_each_month_of_ratings_by_month_links_to_the_partnerships_it_counts(
    client, erin, alice, portfolio, params
):
    """A bar counts the scorecards of its month; its list holds the
    partnerships those scorecards rate, not every partnership running then
    (rated by an earlier month's scorecard, or not at all)."""
    # Unapproved scorecards are for those who enter or review them.
    client.force_login(alice if "provisional" in params else erin)
    wider = assert_each_bar_lists_what_it_counts(client, params)
    assert wider  # without "scored", some month lists more than its bar counts


def test_a_month_in_which_a_partnership_was_not_running_counts_none_of_its_scorecards(
    client, erin, portfolio
):
    """Its dates corrected after it was scored, the Lisbon conference ended in
    July: August's scorecard is in neither August's bar nor its list, whether
    the portfolio is read from the read model or from the records."""
    Partnership.objects.filter(title="Lisbon conference").update(end_date=dt.date(2026, 7, 31))
    client.force_login(erin)
    august = spec(client.get(URL), "rating-trend")
    from_records = {
        label: sum(ds["data"][i] for ds in august["datasets"])
        for i, label in enumerate(august["labels"])
    }
    assert from_records["Aug 2026"] == 1  # Nairobi's alone
    assert_each_bar_lists_what_it_counts(client, {})
    call_command("rebuild_dashboards", verbosity=0)
    cache.clear()
    chart = spec(client.get(URL), "rating-trend")
    assert chart == august
    assert_each_bar_lists_what_it_counts(client, {})


def test_scored_without_a_month_is_refused_next_to_it(client, erin, portfolio):
    client.force_login(erin)
    response = client.get("/partnerships/", {"scored": "1"})
    assert response.context["filters"].errors == {"scored": ["Choose the month too."]}
    # Shown to the reader, under the box they ticked (a checkbox's refusal was
    # in the form, never on the page).
    box = re.search(r'name="scored".*?</div>', response.content.decode(), re.S).group(0)
    assert "Choose the month too." in box


# Chromium shows a month picker; Firefox and Safari a plain text box, where a
# person types the month as they write one.
@pytest.mark.parametrize("typed", ["2026-09", "09/2026", "9/2026", "09.2026", " 2026-09 "])
def test_a_month_typed_in_a_text_box_is_read(typed, erin):
    form = PartnershipFilterForm({"period": typed}, user=erin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == dt.date(2026, 9, 1)


@pytest.mark.parametrize("typed", ["septembre 2026", "2026-13", "13/2026", "2026-09-01"])
def test_a_month_that_is_no_month_says_how_to_write_one_and_is_kept(typed, erin):
    form = PartnershipFilterForm({"period": typed}, user=erin)
    assert form.errors["period"] == ["Enter a month as YYYY-MM, such as 2026-03."]
    box = str(form["period"])
    assert f'value="{typed}"' in box
    assert 'placeholder="YYYY-MM"' in box
