"""The portfolio dashboard shows what the database holds, under any filter.

The seeded portfolio below is small enough to check by eye; each test counts
what it expects from the rows themselves, never through dashboards/portfolio.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.formatting import short_month
from dashboards.models import ExchangeRate
from evaluation.models import Scorecard, ScoringPolicy
from partnerships.geography import continent_of
from partnerships.models import AgreementParty, Partnership
from tests.factories import AgreementFactory, MemberFactory, PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC)
URL = "/dashboards/"


def cold_cache_in_november_2026():
    # Redis outlives each test's rolled-back database: every test starts cold.
    cache.clear()
    with time_machine.travel(TODAY, tick=False):
        yield
    cache.clear()


@pytest.fixture(autouse=True)
def cold_cache_today():
    yield from cold_cache_in_november_2026()


def month(year, number) -> tuple[dt.date, dt.date]:
    start = dt.date(year, number, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def add_card(partnership, when, *, score, rating, state="approved", reviewer=None, **fields):
    start, end = month(*when)
    return Scorecard.objects.create(
        partnership=partnership,
        period_start=start,
        period_end=end,
        policy=ScoringPolicy.objects.get(is_active=True),
        overall_score=Decimal(score),
        rating=rating,
        review_state=state,
        reviewer=reviewer if state in ("approved", "returned") else None,
        reviewed_at=timezone.now() if state in ("approved", "returned") else None,
        computed_at=timezone.now(),
        **fields,
    )


def metrics(*statuses):
    return [{"id": n, "status": status} for n, status in enumerate(statuses)]


def add_money(partnership, *, status, contributions, expiry=dt.date(2027, 12, 31)):
    agreement = AgreementFactory(
        partnership=partnership,
        status=status,
        effective_date=dt.date(2025, 1, 1),
        expiry_date=expiry,
    )
    for n, (amount, currency) in enumerate(contributions):
        AgreementParty.objects.create(
            agreement=agreement,
            is_our_organisation=n == 0,
            partner=None if n == 0 else partnership.members.first().partner,
            contribution_kind="financial",
            contribution_amount=Decimal(amount),
            contribution_currency=currency,
        )
    return agreement


@transaction.atomic  # each partnership is written with its members, as the services do
def seed_portfolio(alice, bob, rita, *, trials_flags=()):
    """Six partnerships at every stage, in five countries on four continents.
    `trials_flags`: the flags the trials' approved scorecard was computed with."""
    kenya = PartnerFactory(name="Kenyatta Hospital", country="KE", sector="government")
    london = PartnerFactory(name="London College", country="GB", sector="academic")
    boston = PartnerFactory(name="Boston Devices", country="US", sector="industry")
    paris = PartnerFactory(name="Paris Santé", country="FR", sector="nonprofit")
    sao_paulo = PartnerFactory(name="São Paulo Pharma", country="BR", sector="industry")

    nairobi = PartnershipFactory(
        title="Nairobi maternal health",
        owner=alice,
        stage="active",
        purpose="clinical_exchange",
        benefits_sought=["patient_outcomes"],
        member=False,
    )
    MemberFactory(partnership=nairobi, partner=kenya, role="lead")
    MemberFactory(partnership=nairobi, partner=london)
    add_card(nairobi, (2026, 8), score="82", rating="green", reviewer=rita, trend="new")
    add_card(
        nairobi,
        (2026, 9),
        score="70",
        rating="amber",
        reviewer=rita,
        trend="down",
        metric_results=metrics("on_track", "behind", "no_target"),
    )
    add_card(nairobi, (2026, 10), score="40", rating="red", state="in_review", trend="down")
    add_money(
        nairobi,
        status="active",
        contributions=[("100000", "EUR"), ("50000", "USD")],
        expiry=dt.date(2026, 12, 31),
    )

    trials = PartnershipFactory(
        title="Boston device trials",
        owner=bob,
        stage="struggling",
        purpose="joint_research",
        benefits_sought=["research_capability", "innovation"],
        member=False,
    )
    MemberFactory(partnership=trials, partner=boston, role="lead")
    add_card(
        trials,
        (2026, 9),
        score="35",
        rating="red",
        reviewer=rita,
        override_rating="amber",
        override_justification="Recovery plan agreed.",
        metric_results=metrics("off_track", "off_track"),
        flags=list(trials_flags),
    )

    exchange = PartnershipFactory(
        title="Paris nurse exchange",
        owner=alice,
        stage="active",
        purpose="exchange_programme",
        benefits_sought=["knowledge_exchange", "patient_outcomes"],
        member=False,
    )
    for partner in (paris, boston, sao_paulo):
        MemberFactory(partnership=exchange, partner=partner)
    add_card(
        exchange,
        (2026, 10),
        score="90",
        rating="green",
        reviewer=rita,
        trend="up",
        metric_results=metrics("on_track", "on_track", "no_data"),
    )
    add_money(
        exchange,
        status="signed",
        contributions=[("2000000", "NGN")],
        expiry=dt.date(2027, 1, 20),
    )
    AgreementFactory(
        partnership=exchange, status="draft", effective_date=None, expiry_date=dt.date(2026, 12, 1)
    )

    tokyo = PartnershipFactory(
        title="Tokyo imaging",
        owner=bob,
        stage="negotiating",
        purpose="technology_access",
        member=False,
    )
    MemberFactory(partnership=tokyo, partner=PartnerFactory(country="JP", sector="academic"))

    ended = PartnershipFactory(
        title="Lisbon conference",
        owner=alice,
        stage="completed",
        purpose="conferences",
        end_date=dt.date(2026, 9, 30),
        member=False,
    )
    MemberFactory(partnership=ended, partner=london)
    add_card(ended, (2026, 8), score="55", rating="amber", reviewer=rita, trend="flat")

    returned = PartnershipFactory(
        title="Shared procurement",
        owner=bob,
        stage="active",
        purpose="shared_services",
        member=False,
    )
    MemberFactory(partnership=returned, partner=kenya)
    add_card(returned, (2026, 10), score="80", rating="green", state="returned", reviewer=rita)

    ExchangeRate.objects.create(
        currency="USD", rate_to_base=Decimal("0.9"), valid_from=dt.date(2026, 1, 1)
    )
    # Not valid yet: today's conversion must not use it.
    ExchangeRate.objects.create(
        currency="USD", rate_to_base=Decimal("5"), valid_from=dt.date(2027, 1, 1)
    )


@pytest.fixture
def portfolio(alice, bob, rita):
    seed_portfolio(alice, bob, rita)


# --- reading the page ---------------------------------------------------------------


def spec(response, chart_id: str) -> dict:
    found = re.search(
        rf'<script id="{chart_id}-spec" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, f"no chart {chart_id}"
    return json.loads(found.group(1))


def series(response, chart_id: str) -> dict[str, dict[str, float]]:
    """{label: {dataset: value}} of a chart, zeros left out."""
    chart = spec(response, chart_id)
    table = {}
    for i, label in enumerate(chart["labels"]):
        values = {ds["label"]: ds["data"][i] for ds in chart["datasets"] if ds["data"][i]}
        table[label] = values
    return table


def tile(response, attribute: str) -> str:
    found = re.search(rf"{attribute}>([^<]*)<", response.content.decode())
    assert found, attribute
    return found.group(1).strip()


def rating_tile(response) -> dict[str, int]:
    html = response.content.decode()
    return {rating: int(count) for rating, count in re.findall(r'data-rating="(\w+)">(\d+)<', html)}


# --- counting independently -----------------------------------------------------------


def shown_cards(*, provisional=False, partnerships=None) -> dict[int, Scorecard]:
    """The latest scorecard each partnership shows, by walking every scorecard."""
    states = {"approved", "in_review", "draft"} if provisional else {"approved"}
    latest = {}
    for card in Scorecard.objects.order_by("period_start"):
        if card.review_state in states:
            latest[card.partnership_id] = card
    if partnerships is not None:
        latest = {pid: card for pid, card in latest.items() if pid in partnerships}
    return latest


def expected_ratings(cards, partnership_ids) -> dict[str, int]:
    counts = {}
    for pid in partnership_ids:
        card = cards.get(pid)
        rating = (card.override_rating or card.rating) if card else "none"
        counts[rating] = counts.get(rating, 0) + 1
    return counts


class TestNumbers:
    def test_the_tiles_equal_the_database(self, client, erin, portfolio):
        client.force_login(erin)
        response = client.get(URL)
        assert response.status_code == 200
        assert "{#" not in response.content.decode()  # no template comment leaks as text

        stages = list(Partnership.objects.values_list("stage", flat=True))
        html = response.content.decode()
        for family, members in {
            "potential": {"identified", "outreach", "negotiating"},
            "active": {"active"},
            "struggling": {"struggling"},
            "ended": {"completed", "failed", "withdrawn"},
        }.items():
            shown = re.search(rf'id="tile-{family}">.*?class="display-6">(\d+)<', html, re.S)
            assert int(shown.group(1)) == sum(stage in members for stage in stages), family

        cards = shown_cards()
        ids = list(Partnership.objects.values_list("pk", flat=True))
        expected = expected_ratings(cards, ids)
        assert rating_tile(response) == {
            r: expected.get(r, 0) for r in ("green", "amber", "red", "none")
        }

        statuses = [m["status"] for card in cards.values() for m in card.metric_results]
        assert int(tile(response, "data-on-track")) == statuses.count("on_track")
        assert int(tile(response, "data-assessed")) == sum(
            s in ("on_track", "behind", "off_track") for s in statuses
        )

    def test_the_expiring_tile_counts_signed_and_active_agreements_of_the_next_90_days(
        self, client, erin, portfolio
    ):
        from partnerships.models import Agreement

        today = dt.date(2026, 11, 15)
        expected = sum(
            a.status in ("signed", "active")
            and a.expiry_date is not None
            and today <= a.expiry_date <= today + dt.timedelta(days=90)
            for a in Agreement.objects.all()
        )
        client.force_login(erin)
        assert int(tile(client.get(URL), "data-count")) == expected == 2

    def test_funding_is_converted_at_todays_rate_and_the_rest_listed_apart(
        self, client, erin, portfolio
    ):
        client.force_login(erin)
        response = client.get(URL)
        total = Decimal(0)
        unconverted = {}
        for party in AgreementParty.objects.filter(
            agreement__status__in=("signed", "active"), contribution_kind="financial"
        ):
            if party.contribution_currency == "EUR":
                total += party.contribution_amount
            elif party.contribution_currency == "USD":
                total += party.contribution_amount * Decimal("0.9")
            else:
                unconverted[party.contribution_currency] = party.contribution_amount
        assert tile(response, "data-total") == f"EUR {total:,.0f}"
        assert list(unconverted) == ["NGN"]
        assert 'data-currency="NGN">NGN 2,000,000<' in response.content.decode()

    def test_the_charts_equal_the_database(self, client, erin, portfolio):
        client.force_login(erin)
        response = client.get(URL)
        cards = shown_cards()
        partnerships = list(Partnership.objects.prefetch_related("members__partner"))

        def rating_of(p):
            card = cards.get(p.pk)
            return (
                {"green": "Green", "amber": "Amber", "red": "Red"}[
                    card.override_rating or card.rating
                ]
                if card
                else "Not rated"
            )

        by_sector, by_region, by_purpose = {}, {}, {}
        for p in partnerships:
            members = [m.partner for m in p.members.all()]
            for sector in {m.get_sector_display() for m in members}:
                by_sector.setdefault(sector, {}).setdefault(rating_of(p), 0)
                by_sector[sector][rating_of(p)] += 1
            for continent in {continent_of(m.country.code).label for m in members}:
                by_region.setdefault(continent, {}).setdefault(rating_of(p), 0)
                by_region[continent][rating_of(p)] += 1
            by_purpose.setdefault(p.get_purpose_display(), {}).setdefault(rating_of(p), 0)
            by_purpose[p.get_purpose_display()][rating_of(p)] += 1
        assert series(response, "by-sector") == by_sector
        assert series(response, "by-region") == by_region
        assert series(response, "by-purpose") == by_purpose

        countries = {}
        for p in partnerships:
            for code in {m.partner.country.code for m in p.members.all()}:
                countries[code] = countries.get(code, 0) + 1
        shown = {row["code"]: row["value"] for row in spec(response, "partner-map")["countries"]}
        assert shown == countries

        trend = {}
        for card in Scorecard.objects.filter(review_state="approved"):
            label = short_month(card.period_start)
            rating = {"green": "Green", "amber": "Amber", "red": "Red"}[
                card.override_rating or card.rating
            ]
            trend.setdefault(label, {}).setdefault(rating, 0)
            trend[label][rating] += 1
        assert series(response, "rating-trend") == trend

        scored = sorted(
            (card.overall_score, Partnership.objects.get(pk=pid).title)
            for pid, card in cards.items()
        )
        ranked = spec(response, "best-worst")
        assert ranked["datasets"][0]["data"][0] == float(scored[-1][0])
        assert ranked["labels"][0].startswith(scored[-1][1])
