"""The portfolio's read model shows the figures the source tables give, and
follows every change the moment it commits.

Each test compares `readmodel.whole_portfolio_summary` (the pre-aggregated
rows) with `portfolio.source_summary` (computed from the partnerships,
agreements and scorecards themselves), for both readings of the scorecards.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dashboards import cache, readmodel
from dashboards.models import PortfolioFact, PortfolioTally
from dashboards.portfolio import portfolio_summary, source_summary
from dashboards.tasks import rebuild_read_model
from evaluation import review
from evaluation import services as evaluation_services
from evaluation.models import Scorecard
from ops.models import OutboxMessage
from partnerships import services as partnership_services
from partnerships.models import Agreement, Partner, Partnership
from tests.dashboards.test_portfolio import (
    URL,
    add_card,
    add_money,
    cold_cache_in_november_2026,
    seed_portfolio,
)
from tests.dashboards.test_portfolio_queries import seed
from tests.factories import MemberFactory, PartnerFactory, PartnershipFactory, partnership_with_data

pytestmark = pytest.mark.django_db

# session, user, a savepoint and its release (ATOMIC_REQUESTS), user and group
# permissions; the summary: the tallies, the active policy's expiry window,
# the first agreements to expire, exchange rates, the best five and the worst
# five; owners for the filter form; unread notifications.
COLD = 14


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


def today():
    return timezone.localdate()


def both_readings():
    """{provisional: (read model's summary, source tables' summary)}."""
    return {
        provisional: (
            readmodel.whole_portfolio_summary(provisional=provisional, today=today()),
            source_summary(data={"provisional": provisional}, today=today()),
        )
        for provisional in (False, True)
    }


def assert_same_as_source():
    for provisional, (from_tallies, from_source) in both_readings().items():
        assert from_tallies == from_source, f"provisional={provisional}"


@pytest.fixture
def portfolio(alice, bob, rita):
    """The portfolio dashboard tests' six partnerships (no scorecard, a returned
    one, one in review, an override, a completed partnership, expiring and draft
    agreements, money in three currencies), plus a withdrawn partnership whose
    agreement expired and a partnership without members."""
    seed_portfolio(alice, bob, rita)
    withdrawn = PartnershipFactory(
        title="Withdrawn outreach",
        owner=alice,
        stage="withdrawn",
        purpose="conferences",
        end_date=dt.date(2026, 10, 31),
        member=False,
    )
    MemberFactory(partnership=withdrawn, partner=PartnerFactory(country="DE", sector="government"))
    add_card(withdrawn, (2026, 6), score="61.25", rating="amber", reviewer=rita, trend="new")
    add_money(
        withdrawn,
        status="expired",
        contributions=[("7000", "EUR")],
        expiry=dt.date(2026, 12, 15),
    )
    PartnershipFactory(title="Nobody yet", owner=bob, stage="identified", purpose="conferences")
    readmodel.rebuild()


def test_it_shows_the_figures_of_the_source_tables(portfolio):
    assert_same_as_source()
    summary = readmodel.whole_portfolio_summary(provisional=False, today=today())
    # Not vacuous: the edge cases are in it.
    assert summary["count"] == 8
    assert summary["ratings"]["none"] == 3  # no scorecard, only a returned one, no members
    assert summary["families"]["ended"] == 2  # completed and withdrawn
    assert summary["expiring"]["count"] == 2  # the expired agreement is not in force
    assert summary["countries"]["DE"] == {"count": 1, "score": Decimal("61.2")}


def test_the_portfolio_page_reads_the_read_model_once_built(client, erin, portfolio):
    Partnership.objects.filter(title="Tokyo imaging").update(stage="active")  # behind its back
    client.force_login(erin)
    stale = portfolio_summary(data={}, today=today())
    assert stale == readmodel.whole_portfolio_summary(provisional=False, today=today())
    assert stale != source_summary(data={}, today=today())
    # A narrowed portfolio is computed from the source tables.
    narrowed = portfolio_summary(data={"stage": "active"}, today=today())
    assert narrowed == source_summary(data={"stage": "active"}, today=today())
    assert client.get(URL).status_code == 200


def test_until_built_the_portfolio_is_computed_from_the_source_tables(alice, bob, rita):
    seed_portfolio(alice, bob, rita)
    assert readmodel.whole_portfolio_summary(provisional=False, today=today()) is None
    assert portfolio_summary(data={}, today=today()) == source_summary(data={}, today=today())
    # A change does not build it half way: only a rebuild does.
    partnership_services.partnership_change_stage(
        partnership=Partnership.objects.get(title="Tokyo imaging"),
        stage="active",
        reason="Signed.",
        by=alice,
    )
    readmodel.refresh(partnership_ids=[Partnership.objects.get(title="Tokyo imaging").pk])
    assert not PortfolioFact.objects.exists()


def rows() -> tuple[list, list]:
    facts = list(
        PortfolioFact.objects.order_by("partnership_id", "provisional").values_list().distinct()
    )
    tallies = list(
        PortfolioTally.objects.order_by("provisional", "dimension", "key", "rating").values_list(
            "provisional",
            "dimension",
            "key",
            "rating",
            "partnerships",
            "scored",
            "score_sum",
            "on_track",
            "assessed",
            "pending",
            "amount",
        )
    )
    return [fact[1:] for fact in facts], tallies


def test_the_rebuild_command_gives_the_same_rows_again(portfolio):
    before = rows()
    out = StringIO()
    call_command("rebuild_dashboards", stdout=out)
    call_command("rebuild_dashboards", stdout=out)
    assert rows() == before
    assert "16 facts" in out.getvalue()  # eight partnerships, two readings each


# --- each change, on commit ------------------------------------------------------------


def in_review_card():
    return Scorecard.objects.get(review_state="in_review")


def test_an_approval_moves_the_rows_on_commit(portfolio, rita, django_capture_on_commit_callbacks):
    card = in_review_card()
    with django_capture_on_commit_callbacks(execute=True):
        review.scorecard_approve(scorecard_id=card.pk, reviewer=rita)
        assert (
            PortfolioFact.objects.get(partnership=card.partnership, provisional=False).rating
            != "red"
        )
    assert (
        PortfolioFact.objects.get(partnership=card.partnership, provisional=False).rating == "red"
    )
    assert_same_as_source()


def test_a_return_moves_the_rows_on_commit(portfolio, rita, django_capture_on_commit_callbacks):
    card = in_review_card()
    provisional = PortfolioFact.objects.filter(partnership=card.partnership, provisional=True)
    assert provisional.get().rating == "red"
    with django_capture_on_commit_callbacks(execute=True):
        review.scorecard_return(scorecard_id=card.pk, reviewer=rita, comment="Check the data.")
    assert provisional.get().rating == "amber"  # the approved September one again
    assert_same_as_source()


def test_a_stage_change_moves_the_rows_on_commit(
    portfolio, alice, django_capture_on_commit_callbacks
):
    tokyo = Partnership.objects.get(title="Tokyo imaging")
    with django_capture_on_commit_callbacks(execute=True):
        partnership_services.partnership_change_stage(
            partnership=tokyo,
            stage="withdrawn",
            reason="They chose another partner.",
            by=alice,
            end_date=dt.date(2026, 11, 10),
        )
    summary = readmodel.whole_portfolio_summary(provisional=False, today=today())
    assert summary["families"]["ended"] == 3
    assert summary["families"]["potential"] == 1
    assert_same_as_source()


def test_an_agreement_change_moves_the_rows_on_commit(
    portfolio, django_capture_on_commit_callbacks
):
    agreement = Agreement.objects.get(partnership__title="Nairobi maternal health")
    with django_capture_on_commit_callbacks(execute=True):
        partnership_services.agreement_update(agreement=agreement, fields={"status": "terminated"})
    summary = readmodel.whole_portfolio_summary(provisional=False, today=today())
    assert summary["expiring"]["count"] == 1  # the Paris one
    assert "USD" not in {row["currency"] for row in summary["funding"]["not_converted"]}
    assert_same_as_source()


def test_a_new_member_moves_the_rows_on_commit(portfolio, django_capture_on_commit_callbacks):
    tokyo = Partnership.objects.get(title="Tokyo imaging")
    with django_capture_on_commit_callbacks(execute=True):
        partnership_services.partnership_member_add(
            partnership=tokyo, partner=Partner.objects.get(name="Paris Santé")
        )
    summary = readmodel.whole_portfolio_summary(provisional=False, today=today())
    assert summary["countries"]["FR"]["count"] == 2
    assert summary["by_spanned"]["2"]["none"] == 1
    assert_same_as_source()


def facts_written() -> dict[tuple[int, bool], str]:
    """Each fact row's transaction id (PostgreSQL's `xmin`): a row written
    again since has another."""
    return {
        (row["partnership_id"], row["provisional"]): row["xmin"]
        for row in PortfolioFact.objects.extra(select={"xmin": "xmin::text"}).values(
            "partnership_id", "provisional", "xmin"
        )
    }


@pytest.mark.parametrize("change", ["role", "removal"])
def test_a_members_change_moves_the_rows_of_its_partnership_alone(
    portfolio, django_capture_on_commit_callbacks, change
):
    """Not a rebuild of the whole portfolio (seconds at 100,000 partnerships,
    in the manager's request): the other partnerships' facts stay as written."""
    exchange = Partnership.objects.get(title="Paris nurse exchange")
    before = facts_written()
    member = exchange.members.get(partner__name="São Paulo Pharma")
    with django_capture_on_commit_callbacks(execute=True):
        if change == "role":
            partnership_services.partnership_member_update(member=member, role="lead")
        else:
            partnership_services.partnership_member_remove(member=member)
    after = facts_written()
    assert {key for key in after if after[key] != before.get(key)} == {
        (exchange.pk, False),
        (exchange.pk, True),
    }
    if change == "removal":
        summary = readmodel.whole_portfolio_summary(provisional=False, today=today())
        assert "BR" not in summary["countries"]
    assert_same_as_source()


def test_a_partner_change_moves_the_rows_of_its_partnerships(
    portfolio, django_capture_on_commit_callbacks
):
    paris = Partner.objects.get(name="Paris Santé")
    with django_capture_on_commit_callbacks(execute=True):
        partnership_services.partner_update(partner=paris, country="SN")
    summary = readmodel.whole_portfolio_summary(provisional=False, today=today())
    assert "FR" not in summary["countries"] and summary["countries"]["SN"]["count"] == 1
    assert_same_as_source()


def test_an_assessment_run_has_the_worker_rebuild_the_rows(
    alice, rita, django_capture_on_commit_callbacks
):
    """The run's last chunk asks the worker for a rebuild (through the outbox,
    on commit) rather than spending seconds on it itself; the rebuild leaves
    the cached portfolios behind, computed as they were from the old rows."""
    partnership = partnership_with_data(owner=alice)
    readmodel.rebuild()
    assert readmodel.whole_portfolio_summary(provisional=True, today=today())["ratings"] == {
        "none": 1
    }
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluation_services.assessment_run_start(period_start=dt.date(2026, 10, 1))
        for chunk_id in evaluation_services.assessment_run_pending_chunks(run=run):
            evaluation_services.assessment_chunk_execute(chunk_id=chunk_id)
    asked = OutboxMessage.objects.filter(task_name=rebuild_read_model.name)
    assert asked.count() == 1 and asked.get().kwargs == {}
    generation = cache.generation()

    rebuild_read_model(**asked.get().kwargs)  # what the worker does
    card = Scorecard.objects.get(partnership=partnership)
    ratings = readmodel.whole_portfolio_summary(provisional=True, today=today())["ratings"]
    assert ratings == {card.rating: 1}
    assert cache.generation() > generation
    assert_same_as_source()


def test_until_built_a_run_asks_for_no_rebuild(alice, django_capture_on_commit_callbacks):
    partnership_with_data(owner=alice)
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluation_services.assessment_run_start(period_start=dt.date(2026, 10, 1))
        for chunk_id in evaluation_services.assessment_run_pending_chunks(run=run):
            evaluation_services.assessment_chunk_execute(chunk_id=chunk_id)
    assert not OutboxMessage.objects.filter(task_name=rebuild_read_model.name).exists()
    rebuild_read_model()  # a rebuild asked for before, say: builds nothing
    assert not readmodel.is_built()


# --- cost -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_cold_portfolio_costs_the_same_queries_at_any_size(
    client, erin, alice, rita, size, django_assert_max_num_queries
):
    seed(size, alice, rita)
    readmodel.rebuild()
    client.force_login(erin)
    with django_assert_max_num_queries(COLD):
        response = client.get(URL)
    assert response.status_code == 200
    assert f"{size} partnerships" in response.content.decode()
