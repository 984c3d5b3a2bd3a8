"""The statistics fit how the data was taken: paired by round within a run, independent across runs.

Deterministic data built to tempt each method into a wrong claim: a machine
whose speed drifts between rounds, a trend that is the machine's and not the
cell's, one interrupted probe, CPUs of different speeds.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import pytest

from bench.report import stats
from bench.report.comparisons import ComparisonRow

# The machine's slowness in 16 consecutive time slots: steady, then a slow spell (up to 1.42x) in the second half.
MACHINE_SPEED = [1.00, 1.01, 1.02, 1.00, 1.03, 1.01, 1.02, 1.00, 1.30, 1.35, 1.40, 1.42, 1.38, 1.33, 1.36, 1.41]
ROUNDS = list(range(1, 9))


def test_equal_cells_measured_in_a_burst_look_different_but_interleaved_rounds_do_not() -> None:
    cost = 0.4
    # The old design: cell A's 8 repetitions in the first half of the time, cell B's in the second.
    burst_a, burst_b = [cost * s for s in MACHINE_SPEED[:8]], [cost * s for s in MACHINE_SPEED[8:]]
    burst = stats.compare(burst_a, [], burst_b, [], paired=True)  # no rounds: independent samples
    assert not burst.paired and burst.significant  # the drift becomes a false "difference"
    # Interleaved: round r measures A then B in neighbouring time slots.
    a = [cost * MACHINE_SPEED[2 * i] for i in range(8)]
    b = [cost * MACHINE_SPEED[2 * i + 1] for i in range(8)]
    b_shuffled_order = [cost * MACHINE_SPEED[2 * i + (0 if i % 2 else 1)] for i in range(8)]
    a_shuffled_order = [cost * MACHINE_SPEED[2 * i + (1 if i % 2 else 0)] for i in range(8)]
    for first, second in ((a, b), (a_shuffled_order, b_shuffled_order)):
        paired = stats.compare(first, ROUNDS, second, ROUNDS, paired=True)
        assert paired.paired and paired.n == 8
        assert not paired.significant
        assert 0.9 < paired.value < 1.1


def test_a_real_difference_is_found_paired_and_reported_with_the_range_of_rounds() -> None:
    serial = [0.40 * s for s in MACHINE_SPEED[::2]]
    threads = [0.21 * s for s in MACHINE_SPEED[1::2]]
    speedup = stats.compare(serial, ROUNDS, threads, ROUNDS, paired=True)
    assert speedup.significant and speedup.p == pytest.approx(2 / 2**8)
    ratios = [x / y for x, y in zip(serial, threads)]
    assert (speedup.low, speedup.high) == (min(ratios), max(ratios))
    assert speedup.value == pytest.approx(sorted(ratios)[3] / 2 + sorted(ratios)[4] / 2)


def test_the_smallest_p_value_the_rounds_allow() -> None:
    assert stats.p_floor_paired(8) == 2 / 256 < stats.ALPHA
    assert stats.p_floor_paired(5) == 2 / 32 > stats.ALPHA
    assert stats.p_floor_independent(5, 5) == pytest.approx(2 / math.comb(10, 5))
    always_faster = stats.compare([2.0] * 5, [1, 2, 3, 4, 5], [1.0, 1.01, 0.99, 1.02, 0.98], [1, 2, 3, 4, 5], True)
    assert always_faster.p == pytest.approx(2 / 32) and not always_faster.significant  # 5 rounds cannot reach 0.01


def test_rounds_pair_by_number_not_by_position() -> None:
    a, b = [1.0, 2.0, 3.0], [1.5, 3.0, 4.5]
    by_round = stats.compare(a, [1, 2, 3], list(reversed(b)), [3, 2, 1], paired=True)
    assert by_round.value == pytest.approx(2 / 3) and by_round.low == by_round.high


def test_different_runs_are_compared_as_independent_samples() -> None:
    compared = stats.compare([1.0, 1.1, 0.9, 1.0], [1, 2, 3, 4], [2.0, 2.2, 1.8, 2.1], [1, 2, 3, 4], paired=False)
    assert not compared.paired
    assert compared.value == pytest.approx(1.0 / 2.05)


def test_a_trend_that_is_the_machines_own_is_not_warming() -> None:
    drift = [1.0, 0.97, 0.94, 0.91, 0.88, 0.85, 0.82, 0.80]  # the machine got faster, round after round
    walls = [0.5 * d for d in drift]
    assert stats.still_warming(walls) is True  # without the probe, it looks like warming up
    assert stats.still_warming(walls, drift) is False  # with it, the trend is the machine's


def test_warming_needs_a_supported_trend() -> None:
    assert stats.still_warming([1.0, 0.9, 0.85, 0.8, 0.78, 0.76, 0.75, 0.74]) is True
    assert stats.still_warming([1.0, 0.9, 1.02, 0.88, 0.99, 0.9, 1.01, 0.95]) is False  # noise, not a trend
    assert stats.still_warming([1.0, 0.99, 0.98, 0.97, 0.96, 0.955, 0.952, 0.951]) is False  # under 5% in total


def test_a_difference_one_round_decides_is_not_settled() -> None:
    """Tempting: 40 rounds, half the same and half 1.5x slower: Wilcoxon calls it (p < 0.01), the median is 1.25x,
    but leaving out one slow round puts the median at 1.00: "faster" would be decided by one round."""
    rounds = list(range(1, 41))
    a = [0.99999] * 20 + [1.5] * 20
    compared = stats.compare(a, rounds, [1.0] * 40, rounds, paired=True)
    assert compared.significant and not compared.settled and compared.unsettled
    row = ComparisonRow(**asdict(compared))
    assert row.words == "not settled"
    steady = stats.compare([1.1 + 0.01 * i for i in range(8)], rounds[:8], [1.0] * 8, rounds[:8], paired=True)
    assert steady.significant and steady.settled and ComparisonRow(**asdict(steady)).words == "slower"


def test_every_round_on_one_side_but_too_few_to_test_is_not_called_tied() -> None:
    """Tempting: 3 rounds, all 10% slower: the test cannot reach p < 0.01 with 3, yet "tied" would be false."""
    rounds = [1, 2, 3]
    compared = stats.compare([1.10, 1.11, 1.12], rounds, [1.0, 1.0, 1.0], rounds, paired=True)
    assert not compared.significant and compared.unsettled
    assert compared.unsettled_reason == "every round on one side of 1, too few to test"
    assert ComparisonRow(**asdict(compared)).words == "not settled"
    mixed = stats.compare([1.10, 0.95, 1.02], rounds, [1.0, 1.0, 1.0], rounds, paired=True)
    assert not mixed.unsettled and ComparisonRow(**asdict(mixed)).words == "no significant difference"
