"""The words from the rounds (bench.verdict): Student's t as scipy has it, the outcomes as the interval allows, and
the stopping rule, proved by simulation with noise like this machine's (a per-round log-ratio sd of 7%)."""

from __future__ import annotations

import math
import random

import pytest
from scipy import stats

from bench import verdict
from bench.verdict import EQUIVALENT, FASTER, NOT_SETTLED, SLOWER

NOISE = 0.07
SEQUENCES = 10_000
LOOKS = verdict.planned_looks(base=8, max_rounds=16, step=4)


@pytest.mark.parametrize("df", [1, 2, 4, 7, 15, 40, 500])
def test_student_t_agrees_with_scipy(df: int) -> None:
    for probability in (0.5, 0.9, 0.975, 0.995, 0.99967, 0.99999):
        assert verdict.t_quantile(probability, df) == pytest.approx(stats.t.ppf(probability, df), rel=1e-9)
    for value in (-4.0, -0.5, 0.0, 1.3, 6.0):
        assert verdict.t_cdf(value, df) == pytest.approx(stats.t.cdf(value, df), abs=1e-12)


def test_the_interval_is_scipys_t_interval_on_the_mean_log_ratio() -> None:
    ratios = [0.95, 1.14, 1.20, 1.24, 1.33, 1.11, 1.21, 1.28]
    logs = [math.log(r) for r in ratios]
    low, high = stats.t.interval(0.99, 7, loc=sum(logs) / 8, scale=stats.sem(logs))
    interval = verdict.paired_interval(ratios, 0.01)
    assert (interval.low, interval.high) == (pytest.approx(math.exp(low)), pytest.approx(math.exp(high)))


def test_outcomes_follow_the_interval_and_the_margin() -> None:
    assert verdict.outcome(1.02, 1.30) == SLOWER
    assert verdict.outcome(0.70, 0.90) == FASTER
    assert verdict.outcome(0.97, 1.04) == EQUIVALENT
    assert verdict.outcome(1.01, 1.04) == EQUIVALENT  # settled slower by 1-4%: inside the margin, equivalent
    assert verdict.outcome(0.90, 1.20) == NOT_SETTLED
    assert verdict.outcome(1.01, 1.20) == SLOWER
    assert verdict.outcome(0.99, 1.06) == NOT_SETTLED  # neither excludes 1 nor lies inside the margin
    assert verdict.outcome(math.nan, math.nan) == NOT_SETTLED
    assert verdict.bound_text(0.97, 1.08) == "between 3% faster and 8% slower"


def test_the_planned_looks_and_their_level() -> None:
    assert LOOKS == [8, 12, 16]
    assert verdict.planned_looks(8, 8, 4) == [8]
    assert verdict.look_alpha(0.01, 3) == pytest.approx(0.01 / 3)


def _simulate(true_ratio: float, seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    found = []
    for _ in range(SEQUENCES):
        ratios = [true_ratio * math.exp(rng.gauss(0.0, NOISE)) for _ in range(LOOKS[-1])]
        found.append(verdict.sequential_outcome(ratios, LOOKS))
    return found


def test_a_a_sequences_are_called_different_at_most_at_the_level() -> None:
    """10,000 pairs of equal cells, looked at after 8, 12 and 16 rounds, stopped at the first settled outcome."""
    found = _simulate(1.0, seed=1)
    false_calls = sum(1 for outcome, _ in found if outcome in (FASTER, SLOWER))
    equivalent = sum(1 for outcome, _ in found if outcome == EQUIVALENT)
    print(f"A/A: {false_calls} of {SEQUENCES} called faster or slower; {equivalent} reached equivalent")
    assert false_calls / SEQUENCES <= verdict.DEFAULT_ALPHA


def test_a_difference_of_15_percent_settles_within_16_rounds_nine_times_in_ten() -> None:
    found = _simulate(1.15, seed=2)
    settled = [rounds for outcome, rounds in found if outcome == SLOWER]
    wrong = sum(1 for outcome, _ in found if outcome in (FASTER, EQUIVALENT))
    print(f"1.15x: {len(settled)} of {SEQUENCES} settled slower, median {sorted(settled)[len(settled) // 2]} rounds")
    assert len(settled) >= 0.9 * SEQUENCES and wrong == 0


def test_the_share_of_equal_pairs_that_reach_equivalent_is_reported() -> None:
    """Not a goal, a figure: with 7% noise a ±5% equivalence needs many rounds; with 2% it comes early."""
    noisy = sum(1 for outcome, _ in _simulate(1.0, seed=3) if outcome == EQUIVALENT) / SEQUENCES
    rng = random.Random(4)
    quiet = sum(
        1
        for _ in range(2000)
        if verdict.sequential_outcome([math.exp(rng.gauss(0.0, 0.02)) for _ in range(16)], LOOKS)[0] == EQUIVALENT
    )
    print(f"equal pairs reaching equivalent within 16 rounds: {noisy:.1%} at 7% noise, {quiet / 2000:.1%} at 2%")
    assert 0 <= noisy <= 1 and quiet / 2000 > noisy


def test_two_rounds_at_a_small_level_give_a_vast_interval_not_an_error() -> None:
    """A family of many comparisons over planned looks, after 2 rounds: t's quantile is huge, and so the bound."""
    interval = verdict.paired_interval([0.5, 2.0], alpha=1e-6)
    assert interval.low == 0.0 and interval.high == math.inf
    assert interval.outcome() == verdict.NOT_SETTLED
    apart = verdict.independent_interval([1.0, 3.0], [0.001, 0.01], alpha=1e-9)
    assert apart.high == math.inf and apart.outcome() == verdict.NOT_SETTLED
