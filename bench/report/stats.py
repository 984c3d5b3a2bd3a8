"""Statistics behind every number and every sentence of the report (scipy where it has the test).

How the data is taken decides how it is compared:

- Cells of one run (of one interpreter, or of several measured in the same rounds) are compared **paired by
  round**: the ratio of the two cells' times in each round; the ratio of geometric means with a Student-t interval
  on the mean log-ratio (:mod:`bench.verdict`), how the rounds split, and the two-sided Wilcoxon signed-rank test's
  p-value (exact; with n rounds its smallest is 2 / 2^n, 0.0078 for 8 rounds).
- Cells of different runs were measured at different times: they are compared as **independent samples**: the
  ratio of geometric means with Welch's interval on the log-times, and the two-sided Mann-Whitney U test's p-value.
- The interval decides the words (:mod:`bench.verdict`): faster, slower, equivalent within the margin, or not
  settled.  A descriptive comparison's interval is at :data:`CONFIDENCE`; the answer's family shares that level
  (Bonferroni over its size).
- A cell's own time is the median of its rounds with their range.
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

from bench import verdict

ALPHA = verdict.DEFAULT_ALPHA
CONFIDENCE = 1 - ALPHA
"""A descriptive comparison's interval level."""


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """``a / b`` for two cells: the ratio of geometric means and its interval at ``level``, how the rounds split,
    the test's p-value, and the one outcome the interval supports (:mod:`bench.verdict`)."""

    value: float
    low: float  # the interval, at ``level``
    high: float
    p: float
    paired: bool  # by round (same run) or independent samples
    n: int  # rounds paired, or the smaller sample
    level: float = CONFIDENCE
    margin: float = verdict.DEFAULT_MARGIN
    slower_rounds: int = 0  # paired: rounds in which a took longer than b
    faster_rounds: int = 0

    @property
    def outcome(self) -> str:
        """``a`` against ``b``: faster, slower, equivalent (its interval inside the margin) or not settled."""
        return verdict.outcome(self.low, self.high, self.margin)

    @property
    def differs(self) -> bool:
        """The interval calls a difference: faster or slower."""
        return self.outcome in (verdict.FASTER, verdict.SLOWER)

    @property
    def bound(self) -> str:
        """``between 3% faster and 8% slower``: the interval as a reader can use it."""
        return verdict.bound_text(self.low, self.high)

    @property
    def split(self) -> str:
        """``6 of 8 rounds slower``: how the rounds split (paired), for a comparison the interval does not settle."""
        if not self.paired or not self.n:
            return f"{self.n} runs each, independent samples"
        slower = self.slower_rounds >= self.faster_rounds
        most, word = (self.slower_rounds, "slower") if slower else (self.faster_rounds, "faster")
        return f"{most} of {self.n} rounds {word}"


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
    a: Sequence[float],
    a_rounds: Sequence[int],
    b: Sequence[float],
    b_rounds: Sequence[int],
    paired: bool,
    *,
    alpha: float = ALPHA,
    margin: float = verdict.DEFAULT_MARGIN,
) -> Comparison:
    """``a / b``, paired by round when ``paired`` (same run) and both carry rounds, else as independent samples;
    its interval at ``1 - alpha`` (:mod:`bench.verdict`)."""
    pairs = _pairs(a, a_rounds, b, b_rounds) if paired else []
    if len(pairs) >= 2:
        ratios = np.asarray([x / y for x, y in pairs], dtype=float)
        logs = np.log(ratios)
        p = 1.0 if np.all(logs == 0) else float(stats.wilcoxon(logs, alternative="two-sided").pvalue)
        interval = verdict.paired_interval([float(ratio) for ratio in ratios], alpha)
        return Comparison(
            interval.ratio,
            interval.low,
            interval.high,
            p,
            True,
            len(pairs),
            interval.level,
            margin,
            int(np.sum(ratios > 1)),
            int(np.sum(ratios < 1)),
        )
    interval = verdict.independent_interval(list(a), list(b), alpha)
    return Comparison(
        interval.ratio, interval.low, interval.high, difference_p(a, b), False, interval.n, interval.level, margin
    )


def difference_p(first: Sequence[float], second: Sequence[float]) -> float:
    """Two-sided Mann-Whitney U p-value for independent samples (1.0 when there is too little data)."""
    if len(first) < 2 or len(second) < 2:
        return 1.0
    if len(set(first) | set(second)) == 1:
        return 1.0
    return float(stats.mannwhitneyu(first, second, alternative="two-sided").pvalue)


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
