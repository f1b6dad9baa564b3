"""The contract other apps read health through."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.template import Context, Template

from health import selectors, services
from tests.factories import PartnershipFactory
from tests.health.builders import closed_round, open_round, shipped_instrument

pytestmark = pytest.mark.django_db


def test_latest_factor_means_take_the_latest_round_shown_and_only_its_sides_shown(alice):
    older = PartnershipFactory(owner=alice)
    closed_round(older, by=alice, ours=[5, 5, 5], partner=[5, 5, 5], opened_on=dt.date(2025, 6, 2))
    closed_round(
        older,
        by=alice,
        ours=[{"trust": 4}, {"trust": 4}, {"trust": 5}],
        partner=[1, 1],  # two people: not shown, not counted
        opened_on=dt.date(2025, 11, 3),
    )
    both = PartnershipFactory(owner=alice)
    closed_round(both, by=alice, ours=[4, 4, 4], partner=[2, 2, 3], opened_on=dt.date(2025, 11, 3))
    # Below the threshold on both sides: nothing to report.
    hidden = PartnershipFactory(owner=alice)
    closed_round(hidden, by=alice, ours=[1, 1], opened_on=dt.date(2025, 11, 3))
    # Open rounds are not results.
    open_round(PartnershipFactory(owner=alice), by=alice, ours=3)

    means = selectors.latest_factor_means()

    assert set(means) == {older.pk, both.pk}
    assert means[older.pk]["trust"] == D("4.33")
    assert means[older.pk]["roles"] == D("3.00")
    # Both sides count with the same weight: (4.00 + 2.33) / 2 = 3.165 → 3.17.
    assert means[both.pk]["trust"] == D("3.17")
    assert len(means[both.pk]) == 9
    assert selectors.latest_factor_means([both.pk]) == {both.pk: means[both.pk]}
    assert selectors.latest_factor_means([]) == {}


@pytest.mark.parametrize("size", [1, 5])
def test_latest_factor_means_is_one_query_whatever_the_portfolio(
    alice, size, django_assert_num_queries
):
    ids = []
    for _ in range(size):
        partnership = PartnershipFactory(owner=alice)
        closed_round(partnership, by=alice, ours=[3, 4, 5], partner=[2, 3, 4])
        ids.append(partnership.pk)
    # the grouped sums of the answers of closed rounds
    with django_assert_num_queries(1):
        assert len(selectors.latest_factor_means(ids)) == size
    with django_assert_num_queries(1):
        assert len(selectors.latest_factor_means()) == size


def test_factor_names_come_from_the_latest_published_instrument():
    names = selectors.factor_names()
    assert list(names)[:2] == ["trust", "communication"]
    assert names["roles"] == "Clarity of roles and responsibilities"
    draft = services.instrument_new_version(instrument=shipped_instrument())
    draft.factors.filter(code="trust").update(name="Mutual trust")
    assert selectors.factor_names()["trust"] == "Trust"
    services.instrument_publish(instrument=draft)
    assert selectors.factor_names()["trust"] == "Mutual trust"


def test_the_partnership_panel_shows_the_latest_results_strongest_first(alice):
    partnership = PartnershipFactory(owner=alice)
    closed_round(partnership, by=alice, ours=[{"trust": 5}] * 3, partner=[{"trust": 5}] * 3)
    html = Template('{% include "health/_partnership_panel.html" %}').render(
        Context({"partnership": partnership})
    )
    assert "Relationship health" in html
    assert html.index("Trust") < html.index("Logistics")
    assert "5.00" in html and "Strength" in html


def test_the_partnership_panel_names_the_factors_in_the_readers_language(alice):
    from django.utils import translation

    from health.models import Factor

    partnership = PartnershipFactory(owner=alice)
    closed_round(partnership, by=alice, ours=[{"trust": 5}] * 3, partner=[{"trust": 4}] * 3)
    trust = Factor.objects.get(instrument__rounds__partnership=partnership, code="trust")
    french_name = trust.name_in("fr")
    assert french_name != trust.name  # the shipped instrument has it in French
    template = Template('{% include "health/_partnership_panel.html" %}')

    with translation.override("fr"):
        french = template.render(Context({"partnership": partnership}))
    with translation.override("en-gb"):
        english = template.render(Context({"partnership": partnership}))

    assert french_name in french and trust.name not in french
    assert trust.name in english and french_name not in english
