"""The scorecard's relationship-health component and flags, worked by hand."""

import datetime as dt
from decimal import Decimal as D

from evaluation.scoring import (
    HealthFactorInput,
    HealthInput,
    Policy,
    ScorecardInput,
    assess,
    health_flags,
    health_score,
)


def factor(code, name, ours, partner, overall, previous=None):
    return HealthFactorInput(code, name, ours, partner, overall, previous)


def test_the_score_maps_the_mean_of_the_factors_from_1_5_to_0_100():
    # Factors at 4.10, 2.80 and 3.60: mean 3.50, (3.50 − 1) / 4 × 100 = 62.50.
    health = HealthInput(
        round_id=1,
        factors=[
            factor("trust", "Trust", D("4.10"), D("4.10"), D("4.10")),
            factor("roles", "Clarity of roles", D("3.55"), D("2.05"), D("2.80")),
            factor("logistics", "Logistics", D("3.60"), None, D("3.60")),
        ],
    )
    assert health_score(health) == D("62.50")
    assert health_score(HealthInput(1, [factor("trust", "Trust", None, None, None)])) is None
    assert health_score(None) is None
    ends = [factor("t", "T", D(1), D(1), D(1))], [factor("t", "T", D(5), D(5), D(5))]
    assert [health_score(HealthInput(1, f)) for f in ends] == [D("0.00"), D("100.00")]


def test_a_factor_that_fell_a_point_and_sides_a_point_apart_are_flagged():
    health = HealthInput(
        round_id=7,
        factors=[
            factor("trust", "Trust", D("2.80"), D("2.80"), D("2.80"), previous=D("4.10")),
            factor(
                "roles",
                "Clarity of roles and responsibilities",
                D("4.00"),
                D("2.50"),
                D("3.25"),
                previous=D("3.50"),
            ),
            # 0.99 down and 0.99 apart: within what one respondent shifts.
            factor("logistics", "Logistics", D("3.50"), D("2.51"), D("3.00"), previous=D("3.99")),
        ],
    )
    flags = health_flags(health)
    assert [f.message for f in flags] == [
        "Trust fell from 4.1 to 2.8.",
        "The sides disagree on clarity of roles and responsibilities by 1.5.",
    ]
    assert {(f.code, f.severity, f.model, f.object_id) for f in flags} == {
        ("health_fell", "warning", "health.round", 7),
        ("health_gap", "warning", "health.round", 7),
    }


def test_the_health_component_counts_in_the_overall_with_the_policys_weight():
    data = ScorecardInput(
        partnership_id=1,
        period_end=dt.date(2026, 1, 31),
        health=HealthInput(1, [factor("trust", "Trust", D("2.00"), D("2.00"), D("2.00"))]),
    )
    result = assess(data, Policy())
    # No agreement (0, weight 20), no metrics or objectives; health 25 (weight 20):
    # (0·20 + 25·20) / 40 = 12.50.
    assert result.health == D("25.00")
    assert result.overall == D("12.50")
    without = assess(ScorecardInput(partnership_id=1, period_end=dt.date(2026, 1, 31)), Policy())
    assert without.health is None and without.overall == D("0.00")
