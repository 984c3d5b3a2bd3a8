"""Statistics behind every number and every sentence of the report (scipy, not hand-written).

How the data is taken decides how it is compared:

- Cells of one interpreter's run are measured in interleaved rounds: each
  round measures every cell once, in a shuffled order, so two cells of the
  same round saw the same machine state.  They are compared **paired by
  round**: the ratio of the two cells' times in each round, summarised by the
  median of those ratios and their range (smallest to largest), and tested
  with the two-sided Wilcoxon signed-rank test on the log-ratios (exact).
  With n rounds the smallest p-value that test can give is 2 / 2^n
  (8 rounds: 0.0078), so fewer than 8 rounds can never reach p < 0.01.
- Cells of different interpreters or runs were measured at different times:
  they are compared as **independent samples**: the ratio of the medians with
  a 99% percentile-bootstrap interval (2,000 resamples, fixed seed) and the
  two-sided Mann-Whitney U test (smallest p: 2 / C(n1 + n2, n1)).
- A cell's own time is the median of its rounds with their range.
- A difference is put into words only when p < 0.01 (:data:`ALPHA`).
- A cell is "still getting faster" only when Spearman's rank correlation
  between round and time, after dividing out the machine's own drift measured
  by the speed probe, is negative with p < 0.01 and the last round is at
  least 5% faster than the first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.99
"""The bootstrap interval's level: the test's threshold (p < 0.01), so the interval and the test agree."""
ALPHA = 0.01
RESAMPLES = 2000
SEED = 20201215  # the date of the talk: any fixed seed makes reports reproducible


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """``a / b`` for two cells: the ratio, its interval or range, the test's p-value, and how they were compared."""

    value: float
    low: float
    high: float
    p: float
    paired: bool  # by round (same run) or independent samples
    n: int  # rounds paired, or the smaller sample
    settled: bool = True  # paired: no single round, dropped, turns the median ratio to the other side of 1

    @property
    def p_floor(self) -> float:
        return p_floor_paired(self.n) if self.paired else p_floor_independent(self.n, self.n)

    @property
    def significant(self) -> bool:
        return significant(self.p)

    @property
    def unsettled(self) -> bool:
        """Neither "faster" nor "tied" is true: the test finds a difference but one round decides which way, or
        it finds none while the bracket (every round's ratio, or the interval) lies on one side of 1."""
        return self.unsettled_reason is not None

    @property
    def unsettled_reason(self) -> str | None:
        if self.significant and not self.settled:
            return "one round decides"
        if not self.significant and (self.low > 1 or self.high < 1):
            bracket = "every round" if self.paired else "its interval"
            return f"{bracket} on one side of 1, too few to test"
        return None


NAN = float("nan")


def median_range(values: Sequence[float]) -> Estimate:
    """The median of the rounds and their range (smallest, largest)."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return Estimate(NAN, NAN, NAN)
    return Estimate(float(np.median(data)), float(data.min()), float(data.max()))


def p_floor_paired(rounds: int) -> float:
    """The smallest two-sided p-value an exact Wilcoxon signed-rank test can give with ``rounds`` pairs."""
    return 2.0 / 2**rounds if rounds > 0 else 1.0


def p_floor_independent(n1: int, n2: int) -> float:
    """The smallest two-sided p-value an exact Mann-Whitney U test can give with samples of n1 and n2."""
    return min(1.0, 2.0 / math.comb(n1 + n2, n1)) if n1 > 0 and n2 > 0 else 1.0


def _pairs(
    a: Sequence[float], a_rounds: Sequence[int], b: Sequence[float], b_rounds: Sequence[int]
) -> list[tuple[float, float]]:
    """(a, b) for every round both were measured in; none when either has no round numbers (older files)."""
    if not a_rounds or not b_rounds or 0 in a_rounds or 0 in b_rounds:
        return []
    by_round = dict(zip(b_rounds, b))
    return [(x, by_round[r]) for x, r in zip(a, a_rounds) if r in by_round]


def compare(
    a: Sequence[float], a_rounds: Sequence[int], b: Sequence[float], b_rounds: Sequence[int], paired: bool
) -> Comparison:
    """``a / b``, paired by round when ``paired`` (same run) and both carry rounds, else as independent samples."""
    pairs = _pairs(a, a_rounds, b, b_rounds) if paired else []
    if len(pairs) >= 2:
        ratios = np.asarray([x / y for x, y in pairs], dtype=float)
        logs = np.log(ratios)
        p = 1.0 if np.all(logs == 0) else float(stats.wilcoxon(logs, alternative="two-sided").pvalue)
        median = float(np.median(ratios))
        return Comparison(
            median, float(ratios.min()), float(ratios.max()), p, True, len(pairs), settled_without_any_round(ratios)
        )
    estimate = ratio_ci(a, b)
    return Comparison(estimate.value, estimate.low, estimate.high, difference_p(a, b), False, min(len(a), len(b)))


def settled_without_any_round(ratios: np.ndarray) -> bool:
    """Whether the median ratio stays on its side of 1 whichever single round is left out."""
    side = np.sign(np.log(np.median(ratios)))
    if side == 0:
        return False
    return all(np.sign(np.log(np.median(np.delete(ratios, index)))) == side for index in range(ratios.size))


def _ratio_of_medians(first: np.ndarray, second: np.ndarray, axis: int = -1) -> np.ndarray:
    ratio: np.ndarray = np.median(first, axis=axis) / np.median(second, axis=axis)
    return ratio


def ratio_ci(first_values: Sequence[float], second_values: Sequence[float]) -> Estimate:
    """median(first) / median(second) with a 99% percentile-bootstrap interval (independent resampling)."""
    first, second = np.asarray(first_values, dtype=float), np.asarray(second_values, dtype=float)
    if first.size == 0 or second.size == 0:
        return Estimate(NAN, NAN, NAN)
    point = float(np.median(first) / np.median(second))
    if first.size < 2 or second.size < 2:
        return Estimate(point, point, point)
    result = stats.bootstrap(
        (first, second),
        _ratio_of_medians,
        confidence_level=CONFIDENCE,
        n_resamples=RESAMPLES,
        method="percentile",
        vectorized=True,
        paired=False,
        random_state=np.random.default_rng(SEED),
    )
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    if np.isnan(low) or np.isnan(high):
        return Estimate(point, point, point)
    return Estimate(point, low, high)


def difference_p(first: Sequence[float], second: Sequence[float]) -> float:
    """Two-sided Mann-Whitney U p-value for independent samples (1.0 when there is too little data)."""
    if len(first) < 2 or len(second) < 2:
        return 1.0
    if len(set(first) | set(second)) == 1:
        return 1.0
    return float(stats.mannwhitneyu(first, second, alternative="two-sided").pvalue)


def significant(p: float) -> bool:
    return p < ALPHA


def still_warming(walls: Sequence[float], drift: Sequence[float] | None = None) -> bool:
    """True when the rounds keep getting faster beyond what the machine's own drift explains (a supported trend).

    ``drift`` is the machine's relative slowness in each round (the speed
    probe's time over its median), divided out before testing.
    """
    if len(walls) < 4:
        return False
    values = np.asarray(walls, dtype=float)
    if drift is not None and len(drift) == len(walls):
        values = values / np.asarray(drift, dtype=float)
    if np.all(values == values[0]):
        return False  # no change at all (also: no correlation is defined)
    result = stats.spearmanr(range(len(values)), values)
    return bool(result.statistic < 0 and result.pvalue < ALPHA and values[-1] <= 0.95 * values[0])
