"""Means, gaps, changes and bands, against examples worked by hand."""

from decimal import Decimal as D

from health import results
from health.results import SideTotal


def test_a_sides_mean_is_its_ratings_over_their_number():
    # Three people rate trust's three statements: 4+5+4, 3+4+4, 5+5+4 = 38 over 9 = 4.222…
    assert results.mean_of(38, 9) == D("4.22")
    assert results.mean_of(0, 0) is None


def test_a_side_is_shown_from_three_respondents():
    assert not results.shown(2)
    assert results.shown(3)


def test_it_works_the_gap_the_overall_and_the_change():
    # Our side 4.20, partner 2.70: apart by 1.50; both sides weigh the same, so
    # (4.20 + 2.70) / 2 = 3.45; last round 4.10, so the change is −0.65.
    assert results.gap(D("4.20"), D("2.70")) == D("1.50")
    assert results.gap(D("2.70"), D("4.20")) == D("1.50")
    assert results.overall(D("4.20"), D("2.70")) == D("3.45")
    assert results.change(D("3.45"), D("4.10")) == D("-0.65")
    assert results.overall(None, D("2.70")) == D("2.70")
    assert results.gap(None, D("2.70")) is None
    assert results.change(D("3.45"), None) is None


def test_it_bands_by_the_instruments_thresholds():
    bands = {"strength_from": D("4.00"), "concern_below": D("3.00")}
    assert results.band(D("4.00"), **bands) == "strength"
    assert results.band(D("3.99"), **bands) == "borderline"
    assert results.band(D("3.00"), **bands) == "borderline"
    assert results.band(D("2.99"), **bands) == "concern"
    assert results.band(D("3.50"), strength_from=D("3.50"), concern_below=D("2.00")) == "strength"


def test_a_side_below_the_threshold_contributes_nothing():
    totals = [
        SideTotal("ours", "trust", 38, 9),  # three people: 4.22
        SideTotal("partner", "trust", 12, 6),  # two people: hidden
    ]
    means = results.side_means(totals, {"ours": 3, "partner": 2})
    assert means == {("ours", "trust"): D("4.22")}


def test_factor_results_put_it_together_in_the_instruments_order():
    means = {
        ("ours", "trust"): D("4.20"),
        ("partner", "trust"): D("2.70"),
        ("ours", "roles"): D("3.00"),
    }
    rows = results.factor_results(
        [("trust", "Trust"), ("roles", "Clarity of roles")],
        means,
        {"trust": D("4.10")},
        strength_from=D("4.00"),
        concern_below=D("3.00"),
    )
    trust, roles = rows
    assert (trust.ours, trust.partner, trust.gap, trust.overall) == (
        D("4.20"),
        D("2.70"),
        D("1.50"),
        D("3.45"),
    )
    assert (trust.previous, trust.change, trust.band) == (D("4.10"), D("-0.65"), "borderline")
    assert (roles.partner, roles.gap, roles.overall, roles.change) == (None, None, D("3.00"), None)
