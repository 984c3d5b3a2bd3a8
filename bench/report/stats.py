"""Statistics behind every number and every sentence of the report (scipy, not hand-written).

- A time is the median of the measured repetitions with a 95% confidence
  interval from a percentile bootstrap (``scipy.stats.bootstrap``, 2,000
  resamples, fixed seed so a report is reproducible).  With five repetitions
  the interval is necessarily coarse; more ``--repeat`` narrows it.
- A speed-up is median(serial) / median(parallel), with a bootstrap interval
  that resamples the repetitions *paired* (repetition i of one cell with
  repetition i of the other) when both cells have the same count.
- A difference is called out in words only when a two-sided Mann-Whitney U test
  gives p < 0.01; otherwise the report says "no significant difference".  With
  five repetitions a side, that needs the two samples not to overlap at all.
- A cell is "still warming up" (PyPy's JIT) when its repetitions keep getting
  faster: Spearman's rho between repetition index and time <= -0.8 and the last
  repetition at least 5% faster than the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
ALPHA = 0.01
RESAMPLES = 2000
SEED = 20201215  # the date of the talk: any fixed seed makes reports reproducible


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


def _median(sample: np.ndarray, axis: int = -1) -> np.ndarray:
    median: np.ndarray = np.median(sample, axis=axis)
    return median


def median_ci(values: Sequence[float]) -> Estimate:
    """Median with a 95% percentile-bootstrap interval (a single value is its own interval)."""
    data = np.asarray(values, dtype=float)
    point = float(np.median(data))
    if data.size < 2 or np.all(data == data[0]):
        return Estimate(point, point, point)
    result = stats.bootstrap(
        (data,),
        _median,
        confidence_level=CONFIDENCE,
        n_resamples=RESAMPLES,
        method="percentile",
        vectorized=True,
        random_state=np.random.default_rng(SEED),
    )
    interval = result.confidence_interval
    return Estimate(point, float(interval.low), float(interval.high))


def _ratio_of_medians(first: np.ndarray, second: np.ndarray, axis: int = -1) -> np.ndarray:
    ratio: np.ndarray = np.median(first, axis=axis) / np.median(second, axis=axis)
    return ratio


def speedup_ci(baseline: Sequence[float], other: Sequence[float]) -> Estimate:
    """median(baseline) / median(other), with a bootstrap interval (paired when the counts match)."""
    first, second = np.asarray(baseline, dtype=float), np.asarray(other, dtype=float)
    point = float(np.median(first) / np.median(second))
    if first.size < 2 or second.size < 2:
        return Estimate(point, point, point)
    paired = first.size == second.size
    result = stats.bootstrap(
        (first, second),
        _ratio_of_medians,
        confidence_level=CONFIDENCE,
        n_resamples=RESAMPLES,
        method="percentile",
        vectorized=True,
        paired=paired,
        random_state=np.random.default_rng(SEED),
    )
    interval = result.confidence_interval
    low, high = float(interval.low), float(interval.high)
    if np.isnan(low) or np.isnan(high):
        return Estimate(point, point, point)
    return Estimate(point, low, high)


def difference_p(first: Sequence[float], second: Sequence[float]) -> float:
    """Two-sided Mann-Whitney U p-value (1.0 when there is too little data to test)."""
    if len(first) < 2 or len(second) < 2:
        return 1.0
    if np.all(np.asarray(first) == np.asarray(first)[0]) and list(first) == list(second):
        return 1.0
    result = stats.mannwhitneyu(first, second, alternative="two-sided")
    return float(result.pvalue)


def significant(p: float) -> bool:
    return p < ALPHA


def still_warming(values: Sequence[float]) -> bool:
    """True when repetitions keep getting faster (a JIT still compiling)."""
    if len(values) < 4:
        return False
    rho = stats.spearmanr(range(len(values)), values).statistic
    return bool(rho <= -0.8 and values[-1] <= 0.95 * values[0])
