"""The partner dashboard: "how is our relationship with this hospital going"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.numbers import score_text
from evaluation.models import Scorecard
from partnerships.models import AgreementParty
from tests.dashboards.test_partnership_dashboard import (
    MONTHS_2025,
    approve,
    assess,
    chart_spec,
    january_2026,  # noqa: F401 (an autouse fixture: the clock)
)
from tests.factories import (
    AgreementFactory,
    MemberFactory,
    PartnerFactory,
    UserFactory,
    partnership_with_data,
)


@pytest.fixture
def dakar(db):
    return PartnerFactory(
        name="Hôpital Université de Dakar",
        country="SN",
        city="Dakar",
        languages=["fr", "wo"],
        time_zone="Africa/Dakar",
    )


def partnerships_with(partner, count, owner):
    partnerships = []
    for index in range(count):
        partnership = partnership_with_data(owner=owner, metrics=1, title=f"Dakar {index}")
        MemberFactory(partnership=partnership, partner=partner, role="implementer")
        partnerships.append(partnership)
    return partnerships


def url(partner):
    return reverse("dashboards:partner", args=[partner.pk])


def party(agreement, *, partner=None, amount=None, currency=""):
    return AgreementParty.objects.create(
        agreement=agreement,
        partner=partner,
        is_our_organisation=partner is None,
        contribution_kind="financial" if amount is not None else "none",
        contribution_amount=amount,
        contribution_currency=currency,
    )


@pytest.mark.django_db
class TestWhatItShows:
    def test_it_lists_every_partnership_with_its_latest_rating_and_trend(
        self, client, alice, dakar
    ):
        first, second = partnerships_with(dakar, 2, alice)
        partnership_with_data(owner=alice, title="Not with Dakar")
        assess(MONTHS_2025[-2:])
        client.force_login(alice)
        response = client.get(url(dakar))
        html = response.content.decode()
        shown = [m.partnership for m in response.context["memberships"]]
        assert shown == [first, second]
        assert "Not with Dakar" not in html
        for partnership in (first, second):
            latest = Scorecard.objects.get(partnership=partnership, period_start=MONTHS_2025[-1])
            row = html.split(f'data-partnership="{partnership.pk}"')[1].split("</tr>")[0]
            score = score_text(latest.overall_score)
            assert f'<td class="text-end" data-score>{score}</td>' in row
            assert f"rating-{latest.effective_rating}" in row
            assert "Dec 2025" in row and "provisional" in row

    def test_its_relationship_history_has_each_partnership_by_period(self, client, alice, dakar):
        partnerships = partnerships_with(dakar, 2, alice)
        assess(MONTHS_2025[-3:])
        client.force_login(alice)
        spec = chart_spec(client.get(url(dakar)), "relationship-history")
        assert spec["labels"] == ["Oct 2025", "Nov 2025", "Dec 2025"]
        for partnership, series in zip(partnerships, spec["datasets"], strict=True):
            scores = Scorecard.objects.filter(partnership=partnership).order_by("period_start")
            assert series["label"] == partnership.title
            assert series["data"] == [
                float(s) for s in scores.values_list("overall_score", flat=True)
            ]

    def test_it_shows_where_the_partner_is_and_the_hours_we_share(self, client, alice, dakar):
        client.force_login(alice)
        response = client.get(url(dakar))
        html = response.content.decode()
        countries = chart_spec(response, "partner-map")["countries"]
        assert [(c["code"], c["value"]) for c in countries] == [("SN", 1)]
        assert "Senegal" in html and "Dakar" in html
        assert "French, Wolof" in html
        assert "Senegal — Dakar, now 09:00" in html  # Dakar keeps UTC all year
        assert "8 h, 09:00–17:00 our time" in html  # London in winter, too
        assert "From 29 Mar 2026 a clock change" in html and "7 h, 10:00–17:00 our time" in html

    def test_it_sums_the_funding_each_side_commits_per_currency(self, client, alice, dakar):
        """Counted by hand: signed and active agreements count, a draft does not."""
        (partnership,) = partnerships_with(dakar, 1, alice)
        other = PartnerFactory(name="Fondation Lumière", country="FR", time_zone="Europe/Paris")
        active = AgreementFactory(partnership=partnership, status="active")
        party(active, partner=dakar, amount=Decimal("100000"), currency="XOF")
        party(active, amount=Decimal("50000"), currency="EUR")
        party(active, partner=other, amount=Decimal("2000.50"), currency="EUR")
        signed = AgreementFactory(partnership=partnership, status="signed")
        party(signed, partner=dakar, amount=Decimal("25000"), currency="XOF")
        party(signed, partner=None, amount=Decimal("1000"), currency="EUR")
        draft = AgreementFactory(partnership=partnership, status="draft")
        party(draft, partner=dakar, amount=Decimal("999"), currency="EUR")
        party(draft, amount=Decimal("999"), currency="USD")
        client.force_login(alice)
        response = client.get(url(dakar))
        assert response.context["funding"] == [
            {
                "currency": "EUR",
                "partner": None,
                "us": Decimal("51000"),
                "others": Decimal("2000.50"),
            },  # noqa: E501
            {"currency": "XOF", "partner": Decimal("125000"), "us": None, "others": None},
        ]
        html = response.content.decode()
        assert '<td class="text-end" data-side="partner">125,000.00</td>' in html
        assert "Expires" in html and active.title in html and draft.title in html


@pytest.mark.django_db
class TestWhoSeesWhat:
    def test_an_executive_sees_the_latest_approved_scorecard(
        self, client, alice, erin, rita, dakar
    ):  # noqa: E501
        (partnership,) = partnerships_with(dakar, 1, alice)
        assess(MONTHS_2025[-2:])
        approve(partnership, MONTHS_2025[-2:-1], rita)
        client.force_login(erin)
        response = client.get(url(dakar))
        (membership,) = response.context["memberships"]
        assert membership.latest.period_start == MONTHS_2025[-2]
        assert "data-provisional" not in response.content.decode()
        assert chart_spec(response, "relationship-history")["labels"] == ["Nov 2025"]

    def test_a_manager_sees_the_newer_scorecard_labelled_provisional(self, client, alice, dakar):
        partnerships_with(dakar, 1, alice)
        assess(MONTHS_2025[-1:])
        client.force_login(alice)
        response = client.get(url(dakar))
        assert "data-provisional" in response.content.decode()

    def test_a_user_without_a_role_is_asked_to_get_one(self, client, dakar):
        client.force_login(UserFactory(username="charlie"))
        response = client.get(url(dakar))
        assert response.status_code == 403
        assert b"You have no role in Accord yet" in response.content
        assert dakar.name not in response.content.decode()

    def test_an_unknown_partner_is_404(self, client, erin):
        client.force_login(erin)
        assert client.get(reverse("dashboards:partner", args=[999_999])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["alice", "erin"])
@pytest.mark.parametrize("count, months", [(1, MONTHS_2025[-3:]), (5, MONTHS_2025)])
def test_its_queries_do_not_grow_with_partnerships_or_periods(
    client, request, rita, dakar, django_assert_max_num_queries, viewer, count, months
):
    """1 vs 5 partnerships, 3 vs 12 periods, the same 12 queries: session, user,
    savepoint, user permissions, group permissions, the partner, its memberships
    with their partnerships, their scorecards, its agreements, the funding,
    unread notifications, release."""
    partnerships = partnerships_with(dakar, count, request.getfixturevalue("alice"))
    for partnership in partnerships:
        party(partnership.agreements.get(), partner=dakar, amount=Decimal(10), currency="EUR")
    assess(months)
    for partnership in partnerships:
        approve(partnership, months, rita)
    client.force_login(request.getfixturevalue(viewer))
    with django_assert_max_num_queries(12):
        response = client.get(url(dakar))
    assert len(response.context["memberships"]) == count
    assert all(len(m.scorecards) == len(months) for m in response.context["memberships"])
    assert response.context["funding"][0]["partner"] == Decimal(10 * count)
