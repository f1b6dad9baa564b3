"""The early-warning rule, worked by hand: no database."""

import datetime as dt
from decimal import Decimal

from core.phrases import number
from evaluation.codes import FLAG_WORDING
from lifecycle.rules import Evidence, Policy, at_risk, evidence_key, signals

TODAY = dt.date(2026, 11, 20)
TRUST_FELL = FLAG_WORDING.phrase(
    "health_fell", factor="Trust", previous=number(4.1, 1), now=number(2.8, 1)
)


def quoted(message: str) -> dict:
    """A flag as a scorecard stored it before flags kept their values: its text only."""
    return {"code": "not_reported", "message": message}


def codes(evidence, **kwargs):
    return [signal.code for signal in signals(evidence, today=TODAY, **kwargs)]


def test_it_finds_nothing_in_a_steady_partnership():
    steady = Evidence(
        period_start=dt.date(2026, 10, 1),
        health=Decimal(70),
        previous_health=Decimal(72),
        outcomes=Decimal(65),
        previous_outcomes=Decimal(66),
    )
    assert codes(steady) == []
    assert not at_risk([])


def test_health_falling_by_the_threshold_counts_and_by_less_does_not():
    # 72 → 62 is a fall of exactly 10 points, the default threshold; 72 → 63 is 9.
    assert codes(Evidence(health=Decimal(62), previous_health=Decimal(72))) == ["falling_health"]
    assert codes(Evidence(health=Decimal(63), previous_health=Decimal(72))) == []


def test_a_health_flag_counts_without_a_fall():
    found = signals(Evidence(health_flags=(TRUST_FELL,)), today=TODAY)
    assert [(s.code, s.evidence) for s in found] == [
        ("falling_health", "Trust fell from 4.1 to 2.8.")
    ]


def test_the_evidence_says_both_numbers_in_words():
    found = signals(Evidence(health=Decimal(55), previous_health=Decimal(72)), today=TODAY)
    assert found[0].evidence == "Relationship health fell from 72 to 55."


def test_missed_targets_count_from_an_off_track_metric_or_a_falling_outcomes_score():
    assert codes(Evidence(off_track=(quoted("“Referrals” is off track."),))) == ["missed_targets"]
    # 80 → 69: 11 points.
    assert codes(Evidence(outcomes=Decimal(69), previous_outcomes=Decimal(80))) == [
        "missed_targets"
    ]
    assert codes(Evidence(outcomes=Decimal(71), previous_outcomes=Decimal(80))) == []


def test_no_previous_scorecard_is_no_fall():
    assert codes(Evidence(health=Decimal(10), outcomes=Decimal(10))) == []


def test_an_agreement_counts_within_the_expiry_window_only():
    # 20 Nov + 90 days = 18 Feb 2027.
    inside = Evidence(expiring=(("MoU", dt.date(2027, 2, 18)),))
    outside = Evidence(expiring=(("MoU", dt.date(2027, 2, 19)),))
    assert codes(inside) == ["agreement_expiring"]
    assert signals(inside, today=TODAY)[0].evidence == (
        "“MoU” expires on 18 February 2027, in 90 days."
    )
    assert codes(outside) == []


def test_one_signal_is_not_a_warning_and_two_are():
    one = signals(Evidence(not_reported=(quoted("“Referrals” not reported."),)), today=TODAY)
    two = signals(
        Evidence(
            not_reported=(quoted("“Referrals” not reported."),), off_track=(quoted("off track"),)
        ),
        today=TODAY,
    )
    assert not at_risk(one)
    assert at_risk(two)


def test_the_number_of_signals_needed_is_policy():
    two = signals(Evidence(not_reported=(quoted("x"),), off_track=(quoted("y"),)), today=TODAY)
    assert not at_risk(two, policy=Policy(signals_needed=3))


def test_the_evidence_key_names_the_period_and_the_signals_in_a_fixed_order():
    evidence = Evidence(
        period_start=dt.date(2026, 10, 1), not_reported=(quoted("x"),), off_track=(quoted("y"),)
    )
    found = signals(evidence, today=TODAY)
    assert evidence_key(evidence, found) == "2026-10:missed_targets,unreported_metrics"
