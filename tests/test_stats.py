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
from bench.verdict import EQUIVALENT, FASTER, NOT_SETTLED, SLOWER

# The machine's slowness in 16 consecutive time slots: steady, then a slow spell (up to 1.42x) in the second half.
MACHINE_SPEED = [1.00, 1.01, 1.02, 1.00, 1.03, 1.01, 1.02, 1.00, 1.30, 1.35, 1.40, 1.42, 1.38, 1.33, 1.36, 1.41]
ROUNDS = list(range(1, 9))


def test_equal_cells_measured_in_a_burst_look_different_but_interleaved_rounds_do_not() -> None:
    cost = 0.4
    # The old design: cell A's 8 repetitions in the first half of the time, cell B's in the second.
    burst_a, burst_b = [cost * s for s in MACHINE_SPEED[:8]], [cost * s for s in MACHINE_SPEED[8:]]
    burst = stats.compare(burst_a, [], burst_b, [], paired=True)  # no rounds: independent samples
    assert not burst.paired and burst.differs  # the drift becomes a false "difference"
    # Interleaved: round r measures A then B in neighbouring time slots.
    a = [cost * MACHINE_SPEED[2 * i] for i in range(8)]
    b = [cost * MACHINE_SPEED[2 * i + 1] for i in range(8)]
    b_shuffled_order = [cost * MACHINE_SPEED[2 * i + (0 if i % 2 else 1)] for i in range(8)]
    a_shuffled_order = [cost * MACHINE_SPEED[2 * i + (1 if i % 2 else 0)] for i in range(8)]
    for first, second in ((a, b), (a_shuffled_order, b_shuffled_order)):
        paired = stats.compare(first, ROUNDS, second, ROUNDS, paired=True)
        assert paired.paired and paired.n == 8
        assert not paired.differs
        assert 0.9 < paired.value < 1.1


def test_a_real_difference_is_found_paired_with_its_interval_and_how_the_rounds_split() -> None:
    serial = [0.40 * s for s in MACHINE_SPEED[::2]]
    threads = [0.21 * s for s in MACHINE_SPEED[1::2]]
    speedup = stats.compare(serial, ROUNDS, threads, ROUNDS, paired=True)
    assert speedup.outcome == SLOWER and speedup.p == pytest.approx(2 / 2**8)  # serial slower: threads faster
    ratios = [x / y for x, y in zip(serial, threads)]
    assert speedup.value == pytest.approx(math.exp(sum(map(math.log, ratios)) / 8))  # ratio of geometric means
    assert speedup.low < speedup.value < speedup.high and speedup.level == 0.99
    assert (speedup.slower_rounds, speedup.faster_rounds) == (8, 0) and speedup.split == "8 of 8 rounds slower"


def test_the_smallest_p_value_the_rounds_allow_does_not_decide_the_words() -> None:
    assert stats.p_floor_paired(8) == 2 / 256 < stats.ALPHA
    assert stats.p_floor_paired(5) == 2 / 32 > stats.ALPHA
    assert stats.p_floor_independent(5, 5) == pytest.approx(2 / math.comb(10, 5))
    always_slower = stats.compare([2.0] * 5, [1, 2, 3, 4, 5], [1.0, 1.01, 0.99, 1.02, 0.98], [1, 2, 3, 4, 5], True)
    assert always_slower.p == pytest.approx(2 / 32)  # Wilcoxon cannot reach 0.01 with 5 rounds...
    assert always_slower.outcome == SLOWER  # ...but a consistent 2x difference is settled by its interval


def test_rounds_pair_by_number_not_by_position() -> None:
    a, b = [1.0, 2.0, 3.0], [1.5, 3.0, 4.5]
    by_round = stats.compare(a, [1, 2, 3], list(reversed(b)), [3, 2, 1], paired=True)
    assert by_round.value == pytest.approx(2 / 3) and by_round.low == pytest.approx(by_round.high)


def test_different_runs_are_compared_as_independent_samples() -> None:
    a, b = [1.0, 1.1, 0.9, 1.0], [2.0, 2.2, 1.8, 2.1]
    compared = stats.compare(a, [1, 2, 3, 4], b, [1, 2, 3, 4], paired=False)
    assert not compared.paired and compared.outcome == FASTER
    geometric = math.exp(sum(map(math.log, a)) / 4 - sum(map(math.log, b)) / 4)
    assert compared.value == pytest.approx(geometric)


def test_a_consistent_difference_with_one_contrary_round_is_a_difference_not_a_tie() -> None:
    """Tempting (the issue's 3.13 io pair): 7 of 8 rounds 11-33% slower, one 5% faster: Wilcoxon's p is 0.016, above
    0.01, and the old words said "tied"; the interval says slower."""
    ratios = [0.95, 1.14, 1.20, 1.24, 1.33, 1.11, 1.21, 1.28]
    compared = stats.compare(ratios, ROUNDS, [1.0] * 8, ROUNDS, paired=True)
    assert compared.p > 0.01 and compared.outcome == SLOWER
    assert ComparisonRow(**asdict(compared)).words == "slower"


def test_equal_cells_with_large_noise_are_not_settled_never_equivalent() -> None:
    ratios = [0.80, 1.25, 0.90, 1.15, 1.05, 0.85, 1.20, 0.95]  # centred on 1, spread by 20%
    compared = stats.compare(ratios, ROUNDS, [1.0] * 8, ROUNDS, paired=True)
    assert compared.outcome == NOT_SETTLED
    assert compared.bound.startswith("between ") and "faster" in compared.bound and "slower" in compared.bound
    assert compared.split == "4 of 8 rounds slower"


def test_equal_cells_measured_precisely_are_equivalent_within_the_margin() -> None:
    ratios = [0.995, 1.004, 1.001, 0.998, 1.003, 0.999, 1.002, 0.997]
    compared = stats.compare(ratios, ROUNDS, [1.0] * 8, ROUNDS, paired=True)
    assert compared.outcome == EQUIVALENT and compared.low >= 1 / 1.05 and compared.high <= 1.05
    tight = stats.compare(ratios, ROUNDS, [1.0] * 8, ROUNDS, paired=True, margin=0.001)
    assert tight.outcome == NOT_SETTLED  # the same data does not support a 0.1% claim
    slightly = stats.compare([r * 1.02 for r in ratios], ROUNDS, [1.0] * 8, ROUNDS, paired=True)
    assert slightly.outcome == EQUIVALENT  # 2% slower, settled, yet inside the margin: equivalent, as stated


def test_a_trend_that_is_the_machines_own_is_not_warming() -> None:
    drift = [1.0, 0.97, 0.94, 0.91, 0.88, 0.85, 0.82, 0.80]  # the machine got faster, round after round
    walls = [0.5 * d for d in drift]
    assert stats.still_warming(walls) is True  # without the probe, it looks like warming up
    assert stats.still_warming(walls, drift) is False  # with it, the trend is the machine's


def test_warming_needs_a_supported_trend() -> None:
    assert stats.still_warming([1.0, 0.9, 0.85, 0.8, 0.78, 0.76, 0.75, 0.74]) is True
    assert stats.still_warming([1.0, 0.9, 1.02, 0.88, 0.99, 0.9, 1.01, 0.95]) is False  # noise, not a trend
    assert stats.still_warming([1.0, 0.99, 0.98, 0.97, 0.96, 0.955, 0.952, 0.951]) is False  # under 5% in total
