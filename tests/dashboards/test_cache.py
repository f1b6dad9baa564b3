"""The portfolio's cached aggregates are left behind the moment what executives
see changes: when an assessment run finishes, when a scorecard is approved or
overridden. Until then the dashboard answers from Redis."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from dashboards.cache import generation
from evaluation import review, services
from evaluation.models import Scorecard
from partnerships import services as partnership_services
from tests.dashboards.test_portfolio import URL, rating_tile
from tests.factories import partnership_with_data

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def november_2025_cold():
    cache.clear()
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield
    cache.clear()


def assess(callbacks):
    with callbacks(execute=True):
        run = services.assessment_run_start(period_start=OCTOBER)
        for chunk_id in services.assessment_run_pending_chunks(run=run):
            services.assessment_chunk_execute(chunk_id=chunk_id)


@pytest.fixture
def card(alice, django_capture_on_commit_callbacks):
    partnership = partnership_with_data(owner=alice)
    assess(django_capture_on_commit_callbacks)
    return Scorecard.objects.get(partnership=partnership)


def test_approving_a_scorecard_shows_on_the_dashboard_right_after(
    client, erin, rita, card, django_capture_on_commit_callbacks
):
    client.force_login(erin)
    assert rating_tile(client.get(URL))["none"] == 1  # in review: not shown, now cached

    with django_capture_on_commit_callbacks(execute=True):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)

    shown = rating_tile(client.get(URL))
    assert shown[card.rating] == 1
    assert shown["none"] == 0


def test_an_override_shows_its_rating_right_after(
    client, erin, rita, card, django_capture_on_commit_callbacks
):
    other = "red" if card.rating != "red" else "green"
    client.force_login(erin)
    client.get(URL)

    with django_capture_on_commit_callbacks(execute=True):
        review.scorecard_override(
            scorecard_id=card.pk, reviewer=rita, rating=other, justification="Board decision."
        )

    assert rating_tile(client.get(URL))[other] == 1


def test_a_finished_run_shows_in_the_provisional_view_right_after(
    client, erin, alice, django_capture_on_commit_callbacks
):
    partnership_with_data(owner=alice)
    client.force_login(alice)  # unapproved scorecards are for those who enter or review them
    before = client.get(URL, {"provisional": "1"})
    assert rating_tile(before)["none"] == 1
    assert "0 scorecards not yet approved" in before.content.decode()

    assess(django_capture_on_commit_callbacks)

    after = client.get(URL, {"provisional": "1"})
    assert rating_tile(after)["none"] == 0
    assert "1 scorecard not yet approved" in after.content.decode()


def test_the_dashboard_answers_from_the_cache_until_then(client, erin, rita, card):
    client.force_login(erin)
    assert rating_tile(client.get(URL))["none"] == 1
    # Written around the services: nothing tells the cache, so the cached
    # numbers stand (what the generation bump exists for).
    Scorecard.objects.filter(pk=card.pk).update(
        review_state="approved", reviewer=rita, reviewed_at=card.computed_at
    )
    assert rating_tile(client.get(URL))["none"] == 1


def test_the_provisional_view_labels_what_is_not_approved(client, alice, card):
    client.force_login(alice)
    approved_only = client.get(URL).content.decode()
    provisional = client.get(URL, {"provisional": "1"}).content.decode()
    badge = re.compile(r'class="badge text-bg-warning[^"]*">provisional<')
    assert 'id="provisional-note"' not in approved_only
    assert not badge.search(approved_only)
    assert 'id="provisional-note"' in provisional
    # The two scorecard tiles and every chart of ratings or scores.
    assert len(badge.findall(provisional)) == 2 + 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_generation_moves_only_once_the_approval_commits(alice, rita):
    partnership_with_data(owner=alice)
    run = services.assessment_run_start(period_start=OCTOBER)
    for chunk_id in services.assessment_run_pending_chunks(run=run):
        services.assessment_chunk_execute(chunk_id=chunk_id)
    card = Scorecard.objects.get()
    before = generation()

    with pytest.raises(RuntimeError), transaction.atomic():
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        raise RuntimeError("the request fails after the approval")
    assert generation() == before  # rolled back: the cached numbers still hold

    review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
    assert generation() == before + 1


def family_tile(response, family: str) -> int:
    html = response.content.decode()
    found = re.search(rf'id="tile-{family}">.*?display-6">(\d+)<', html, re.S)
    assert found, family
    return int(found.group(1))


def test_a_manager_s_stage_change_shows_on_the_dashboard_right_after(
    client, erin, alice, card, django_capture_on_commit_callbacks
):
    client.force_login(erin)
    before = client.get(URL)  # now cached
    assert (family_tile(before, "active"), family_tile(before, "struggling")) == (1, 0)

    with django_capture_on_commit_callbacks(execute=True):
        partnership_services.partnership_change_stage(
            partnership=card.partnership,
            stage="struggling",
            by=alice,
            reason="Funding withdrawn by the ministry",
        )

    after = client.get(URL)
    assert (family_tile(after, "active"), family_tile(after, "struggling")) == (0, 1)


def cached_entries() -> list[str]:
    """The keys of the cached portfolios (Django's own names, without the prefix)."""
    client = cache._cache.get_client(write=True)
    prefix = cache.make_key("dashboards:portfolio:")
    return [
        key.decode().removeprefix(cache.make_key(""))
        for key in client.keys(prefix + "*")
        if not key.decode().endswith("generation")
    ]


HOSTILE_HTML = '<div id="planted"><script src="https://evil.example/x.js"></script></div>'


class TestSignedEntries:
    """Whoever can write to Redis cannot put markup on the executives' page: a
    cached portfolio is shown only if Accord's signature on it holds."""

    def test_an_entry_written_by_someone_else_is_not_rendered(self, client, erin, card, caplog):
        client.force_login(erin)
        client.get(URL)
        [key] = cached_entries()
        cache.set(key, HOSTILE_HTML)

        with caplog.at_level("WARNING", logger="dashboards.cache"):
            response = client.get(URL)

        assert "planted" not in response.content.decode()
        assert rating_tile(response)["none"] == 1  # computed again
        assert "bad signature; recomputed" in caplog.text
        assert "planted" not in cache.get(key)  # and the cache mended

    def test_a_signed_entry_that_was_edited_is_not_rendered(self, client, erin, card):
        client.force_login(erin)
        client.get(URL)
        [key] = cached_entries()
        signed = cache.get(key)
        body, signature = signed.rsplit(":", 1)
        cache.set(key, f"{body}{HOSTILE_HTML}:{signature}")

        assert "planted" not in client.get(URL).content.decode()

    def test_an_entry_signed_for_other_filters_is_not_rendered(self, client, alice, card):
        client.force_login(alice)
        client.get(URL)
        client.get(URL, {"provisional": "1"})
        first, second = cached_entries()
        cache.set(first, cache.get(second))

        client.get(URL)
        client.get(URL, {"provisional": "1"})
        # Each page computed its own again rather than show the other's.
        assert cache.get(first) != cache.get(second)
