"""The scoring functions: properties that hold for any input, and worked examples."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from evaluation.scoring import (
    AgreementInput,
    MetricInput,
    ObjectiveInput,
    ObligationInput,
    Policy,
    ScorecardInput,
    agreement_score,
    assess,
    assess_metric,
    objectives_score,
    outcomes_score,
    overall_score,
    rating_for,
    trend_for,
)
from partnerships.progress import planned_progress, progress

POLICY = Policy()
ON = dt.date(2026, 6, 30)

values = st.decimals(
    min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


def metric(**fields) -> MetricInput:
    defaults = {
        "id": 1,
        "name": "Fellows trained",
        "weight": D(1),
        "baseline": D(0),
        "target": D(20),
        "baseline_date": dt.date(2026, 1, 1),
        "target_date": dt.date(2026, 12, 31),
        "aggregation": "latest",
        "total": None,
        "latest": None,
    }
    return MetricInput(**(defaults | fields))


# --- properties --------------------------------------------------------------------


@given(baseline=values, target=values, actual=values, on=days)
def test_a_metric_score_is_bounded(baseline, target, actual, on):
    assume(baseline != target)
    direction_ok = metric(baseline=baseline, target=target, latest=actual)
    result = assess_metric(direction_ok, on=on, policy=POLICY)
    if result.attainment is not None:
        assert D(0) <= result.attainment <= POLICY.attainment_cap
    score = outcomes_score([result], {1: D(1)})
    assert score is None or D(0) <= score <= D(100)


@given(baseline=values, target=values, low=values, high=values)
def test_more_progress_never_scores_less(baseline, target, low, high):
    assume(baseline < target and low <= high)
    worse = assess_metric(
        metric(baseline=baseline, target=target, latest=low), on=ON, policy=POLICY
    )
    better = assess_metric(
        metric(baseline=baseline, target=target, latest=high), on=ON, policy=POLICY
    )
    assert better.attainment >= worse.attainment


@given(baseline=values, target=values, actual=values)
def test_lower_is_better_mirrors_higher_is_better(baseline, target, actual):
    assume(baseline < target)
    higher = assess_metric(
        metric(baseline=baseline, target=target, latest=actual), on=ON, policy=POLICY
    )
    lower = assess_metric(
        metric(baseline=-baseline, target=-target, latest=-actual), on=ON, policy=POLICY
    )
    assert higher.attainment == lower.attainment
    assert higher.status == lower.status


@given(baseline=values, target=values, on=days, start=days, end=days)
def test_no_input_divides_by_zero(baseline, target, on, start, end):
    assume(end > start)
    m = metric(baseline=baseline, target=target, baseline_date=start, target_date=end, latest=D(0))
    if baseline == target:
        with pytest.raises(ValueError):
            progress(baseline=baseline, target=target, actual=D(0))
    else:
        assess_metric(m, on=on, policy=POLICY)  # must not raise
    assert D(0) <= planned_progress(baseline_date=start, target_date=end, on=on) <= D(1)


@given(baseline=values, target=values)
def test_missing_data_gives_no_rating_not_zero(baseline, target):
    assume(baseline != target)
    result = assess_metric(metric(baseline=baseline, target=target), on=ON, policy=POLICY)
    assert result.status == "no_data"
    assert outcomes_score([result], {1: D(1)}) is None


def attainment_status(attainment: str, policy: Policy = POLICY) -> str:
    """The status of a metric whose attainment is exactly `attainment`: on its
    target date the plan is the whole target, so attainment is the progress."""
    on_target_date = metric(baseline=D(0), target=D(1), latest=D(attainment))
    return assess_metric(on_target_date, on=dt.date(2026, 12, 31), policy=policy).status


@pytest.mark.parametrize(
    ("attainment", "status"),
    [
        # On track from 1 - tolerance = 0.85, the edge included.
        ("0.8501", "on_track"),
        ("0.85", "on_track"),
        ("0.8499", "behind"),
        # Behind from half of that, 0.425, the edge included; off track below.
        ("0.4251", "behind"),
        ("0.425", "behind"),
        ("0.4249", "off_track"),
    ],
)
def test_each_band_starts_exactly_at_its_edge(attainment, status):
    assert attainment_status(attainment) == status


def test_the_band_edges_move_with_the_policys_tolerance():
    strict = Policy(on_track_tolerance=D("0.05"))  # on track from 0.95, behind from 0.475
    assert [attainment_status(a, strict) for a in ("0.95", "0.9499", "0.475", "0.4749")] == [
        "on_track",
        "behind",
        "behind",
        "off_track",
    ]


def test_a_metric_without_a_target_gives_no_rating():
    result = assess_metric(metric(target=None, latest=D(5)), on=ON, policy=POLICY)
    assert (result.status, result.attainment) == ("no_target", None)


@given(st.lists(st.one_of(st.none(), st.decimals(0, 100, places=2)), min_size=4, max_size=4))
def test_overall_is_within_the_components_present(parts):
    components = dict(zip(["outcomes", "objectives", "health", "agreement"], parts, strict=True))
    weights = {"outcomes": D(40), "objectives": D(20), "health": D(20), "agreement": D(20)}
    score = overall_score(components, weights)
    present = [p for p in parts if p is not None]
    if not present:
        assert score is None
        assert rating_for(score, POLICY) == ""
    else:
        assert min(present) - D("0.01") <= score <= max(present) + D("0.01")


# --- worked examples, by hand ------------------------------------------------------


def test_worked_example_outcomes():
    # Half way through the year (30 Jun: 180 of 364 days → planned 0.4945).
    # Readmissions, lower is better: 12% → 8%, now 10%: progress 0.5.
    #   attainment 0.5 / 0.4945 = 1.0111 → on track.
    # Fellows trained, summed: 0 → 20, 4 so far: progress 0.2.
    #   attainment 0.2 / 0.4945 = 0.4044 → behind (below 0.85, above 0.425? no: off track).
    # Weighted 2:1 → (1.0111·2 + 0.4044·1) / 3 = 0.8089 → 80.89.
    readmissions = metric(
        id=1, name="Readmissions", weight=D(2), baseline=D(12), target=D(8), latest=D(10)
    )
    fellows = metric(id=2, weight=D(1), aggregation="sum", total=D(4))
    results = [assess_metric(m, on=ON, policy=POLICY) for m in (readmissions, fellows)]

    assert results[0].planned == D(180) / D(364)
    assert results[0].progress == D("0.5")
    assert results[0].status == "on_track"
    assert results[1].progress == D("0.2")
    assert results[1].status == "off_track"
    assert outcomes_score(results, {1: D(2), 2: D(1)}) == D("80.89")


def test_worked_example_objectives():
    # achieved 100×1, at risk 50×2, overdue off track → 0×1, abandoned left out:
    # (100 + 100 + 0) / 4 = 50.
    objectives = [
        ObjectiveInput(1, "Joint protocol", "achieved", D(1), dt.date(2026, 3, 31)),
        ObjectiveInput(2, "Ten fellows a year", "at_risk", D(2), dt.date(2026, 12, 31)),
        ObjectiveInput(3, "Shared registry", "off_track", D(1), dt.date(2026, 5, 31)),
        ObjectiveInput(4, "Conference", "abandoned", D(5), None),
    ]
    assert objectives_score(objectives, on=ON) == D("50.00")


def test_worked_example_agreement():
    # Expires 31 Aug 2026, 90 days' notice → notice from 2 Jun: inside it on 30 Jun (−30);
    # one overdue obligation (−15); 4 metrics due, 3 reported (−30 × 1/4 = −7.5) → 47.50.
    agreement = AgreementInput(7, "MoU", dt.date(2026, 8, 31), 90, auto_renewal=False)
    overdue = [ObligationInput(3, "Annual report", dt.date(2026, 3, 31))]
    score = agreement_score(
        agreement,
        overdue_obligations=overdue,
        metrics_due=4,
        metrics_reported=3,
        on=ON,
        policy=POLICY,
    )
    assert score == D("47.50")


def test_an_auto_renewing_agreement_is_not_penalised_for_its_expiry():
    agreement = AgreementInput(7, "MoU", dt.date(2026, 8, 31), 90, auto_renewal=True)
    score = agreement_score(
        agreement, overdue_obligations=[], metrics_due=0, metrics_reported=0, on=ON, policy=POLICY
    )
    assert score == D(100)


def test_no_agreement_in_force_scores_zero():
    assert agreement_score(
        None, overdue_obligations=[], metrics_due=0, metrics_reported=0, on=ON, policy=POLICY
    ) == D(0)


def test_worked_example_overall_renormalises_without_health():
    # outcomes 80 (×40), objectives 50 (×20), agreement 100 (×20), no health:
    # (3200 + 1000 + 2000) / 80 = 77.5 → green (≥ 75).
    components = {"outcomes": D(80), "objectives": D(50), "health": None, "agreement": D(100)}
    weights = {"outcomes": D(40), "objectives": D(20), "health": D(20), "agreement": D(20)}
    score = overall_score(components, weights)
    assert score == D("77.50")
    assert rating_for(score, POLICY) == "green"
    assert rating_for(D("74.99"), POLICY) == "amber"
    assert rating_for(D("49.99"), POLICY) == "red"


def test_trend_needs_the_minimum_change():
    assert trend_for(D(70), D(68), POLICY) == "flat"
    assert trend_for(D(71), D(68), POLICY) == "up"
    assert trend_for(D(60), D(68), POLICY) == "down"
    assert trend_for(D(60), None, POLICY) == "new"


def test_a_whole_scorecard_with_its_flags():
    data = ScorecardInput(
        partnership_id=1,
        period_end=ON,
        metrics=[
            metric(
                id=1, name="Readmissions", weight=D(2), baseline=D(12), target=D(8), latest=D(10)
            ),
            metric(id=2, weight=D(1), aggregation="sum", total=D(4), periods_missing=2),
            metric(id=3, name="Patient satisfaction", target=None, baseline=None, latest=D(4)),
        ],
        objectives=[ObjectiveInput(1, "Joint protocol", "on_track", D(1), None)],
        agreement=AgreementInput(7, "MoU 2024", dt.date(2026, 8, 31), 90, auto_renewal=False),
        previous_overall=D(85),
    )
    result = assess(data, POLICY)

    # outcomes 80.89; objectives 90; agreement 100 − 30 (notice) − 30·1/3 (missed) = 60.
    assert (result.outcomes, result.objectives, result.agreement) == (
        D("80.89"),
        D("90.00"),
        D("60.00"),
    )
    # (80.89·40 + 90·20 + 60·20) / 80 = 77.9450 → 77.95, green, down from 85.
    assert result.overall == D("77.95")
    assert (result.rating, result.trend) == ("green", "down")
    messages = [f.message for f in result.flags]
    assert "“MoU 2024” expires in 62 days: its 90-day notice period has begun." in messages
    assert "“Fellows trained” not reported for the last 2 periods." in messages
    assert "“Patient satisfaction” has no target, so it is not rated." in messages
    assert "“Fellows trained” is at 20% of its target where 49% was planned by now." in messages
    notice = next(f for f in result.flags if f.code == "agreement_notice")
    assert notice.as_json()["ref"] == {"model": "partnerships.agreement", "id": 7}


def test_the_same_inputs_give_the_same_numbers():
    data = ScorecardInput(partnership_id=1, period_end=ON, metrics=[metric(latest=D(7))])
    assert assess(data, POLICY) == assess(data, POLICY)
