"""From rounds to words: a comparison's interval at its level, and the one outcome that interval supports.

Ground floor, shared by the report (which words every comparison) and the conductor (which may add rounds until
the answer's comparisons are settled): standard library only, Python >= 3.9.

A comparison of two cells is ``a / b`` over the rounds both were measured in.  Its interval is a Student-t
interval on the mean of the per-round log-ratios (paired by round), or, for cells of different runs, a Welch
interval on the difference of their mean log-times (independent samples); exponentiated, it bounds the ratio of
geometric means.  Then, for ``a`` against ``b``:

- **faster** / **slower**: the interval excludes 1 and does not lie inside the margin;
- **equivalent**: the interval lies inside the margin (``1/(1+m)`` to ``1+m``), even if it excludes 1;
- **not settled**: anything else.  No word says "the same" for a difference the rounds did not rule out.

A run that may add rounds looks at its comparisons more than once.  The looks are planned before the first one
(the base rounds, then every ``step`` rounds up to ``max_rounds``), and each look's intervals are taken at
``alpha / looks``: a spending function that spends the level evenly over the planned looks.  By the union bound,
the chance that any look's interval misses the true ratio stays at most ``alpha``, whatever the rule that decides
when to stop; so the verdicts at the end, from all rounds, keep their level.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Sequence

FASTER = "faster"
SLOWER = "slower"
EQUIVALENT = "equivalent"
NOT_SETTLED = "not settled"
OUTCOMES = (FASTER, SLOWER, EQUIVALENT, NOT_SETTLED)
SETTLED = (FASTER, SLOWER, EQUIVALENT)

DEFAULT_ALPHA = 0.01
"""The run's level: a descriptive comparison's interval is a 99% one; the answer's family shares this level."""
DEFAULT_MARGIN = 0.05
"""Two cells within 5% of each other (their whole interval) are equivalent."""
LOOK_STEP = 4
"""Rounds a run adds between two looks at its comparisons: few looks (8, 12, 16 rounds: three) keep each look's
level from being split thin, and four rounds of a few cells take a minute here."""


# --- Student's t, from the regularized incomplete beta function -------------------------------------


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz), for x < (a + 1) / (a + b + 2)."""
    tiny, epsilon = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < epsilon:
            break
    return result


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1.0 - x, b, a) / b


def t_cdf(value: float, df: float) -> float:
    """P(T <= value) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / (df + value * value), df / 2.0, 0.5)
    return 1.0 - tail if value > 0 else tail


@functools.lru_cache(maxsize=256)
def t_quantile(probability: float, df: float) -> float:
    """The value below which Student's t falls with ``probability`` (0 < probability < 1), by bisection."""
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability {probability!r}: expected a number between 0 and 1")
    if probability < 0.5:
        return -t_quantile(1.0 - probability, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < probability:
        high *= 2.0
        if high > 1e12:
            return math.inf
    for _ in range(200):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < probability:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


# --- intervals and outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """``a / b``: the ratio of geometric means and its interval at ``level``, from ``n`` rounds (or samples)."""

    ratio: float
    low: float
    high: float
    level: float  # e.g. 0.99
    n: int
    paired: bool

    def outcome(self, margin: float = DEFAULT_MARGIN) -> str:
        """What ``a`` is against ``b``, as the interval allows (see the module's rules)."""
        return outcome(self.low, self.high, margin)


def _exp(value: float) -> float:
    """``exp``, reaching infinity instead of raising where a few rounds at a small level give a vast interval."""
    return math.exp(value) if value < 700 else math.inf


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    spread = sum((value - mean) ** 2 for value in values) / (len(values) - 1) if len(values) > 1 else 0.0
    return mean, math.sqrt(spread)


def paired_interval(ratios: Sequence[float], alpha: float = DEFAULT_ALPHA) -> Interval:
    """The interval of ``a / b`` from its per-round ratios: a t-interval on their mean log, exponentiated."""
    logs = [math.log(ratio) for ratio in ratios]
    n = len(logs)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 1 - alpha, 0, True)
    mean, sd = _mean_sd(logs)
    if n < 2:
        return Interval(math.exp(mean), 0.0, math.inf, 1 - alpha, n, True)
    half = t_quantile(1 - alpha / 2, n - 1) * sd / math.sqrt(n)
    return Interval(math.exp(mean), _exp(mean - half), _exp(mean + half), 1 - alpha, n, True)


def independent_interval(a: Sequence[float], b: Sequence[float], alpha: float = DEFAULT_ALPHA) -> Interval:
    """The interval of ``a / b`` for samples of different runs: Welch's interval on the mean log-times."""
    first, second = [math.log(value) for value in a], [math.log(value) for value in b]
    n = min(len(first), len(second))
    if not first or not second:
        return Interval(math.nan, math.nan, math.nan, 1 - alpha, 0, False)
    (mean_a, sd_a), (mean_b, sd_b) = _mean_sd(first), _mean_sd(second)
    center = math.exp(mean_a - mean_b)
    if len(first) < 2 or len(second) < 2:
        return Interval(center, 0.0, math.inf, 1 - alpha, n, False)
    var_a, var_b = sd_a**2 / len(first), sd_b**2 / len(second)
    spread = var_a + var_b
    if spread == 0:
        return Interval(center, center, center, 1 - alpha, n, False)
    df = spread**2 / (var_a**2 / (len(first) - 1) + var_b**2 / (len(second) - 1))
    half = t_quantile(1 - alpha / 2, df) * math.sqrt(spread)
    return Interval(center, _exp(mean_a - mean_b - half), _exp(mean_a - mean_b + half), 1 - alpha, n, False)


def outcome(low: float, high: float, margin: float = DEFAULT_MARGIN) -> str:
    """``a`` against ``b`` from the interval of ``a / b``: equivalent inside the margin, else slower or faster
    where it excludes 1, else not settled (also where the interval is unknown)."""
    if math.isnan(low) or math.isnan(high):
        return NOT_SETTLED
    if 1 / (1 + margin) <= low and high <= 1 + margin:
        return EQUIVALENT
    if low > 1:
        return SLOWER
    if high < 1:
        return FASTER
    return NOT_SETTLED


def _percent(ratio: float) -> str:
    """How much slower (ratio > 1) or faster (< 1) ``a`` is than ``b``, in words: ``8% slower``, ``1.5x slower``."""
    word, size = ("slower", ratio) if ratio >= 1 else ("faster", 1 / ratio)
    if size >= 2:
        return f"{size:.1f}x {word}"
    percent = (size - 1) * 100
    return f"{percent:.{1 if percent < 1 else 0}f}% {word}"


def bound_text(low: float, high: float) -> str:
    """The interval as a bound a reader can use: ``between 3% faster and 8% slower`` (``a`` against ``b``)."""
    if math.isnan(low) or math.isnan(high):
        return "unknown"
    if math.isinf(high) or low <= 0:
        return "unbounded (too few rounds)"
    return (
        f"between {_percent(high)} and {_percent(low)}"
        if high < 1
        else (f"between {_percent(low)} and {_percent(high)}")
    )


# --- looks: when a run may add rounds ---------------------------------------------------------------


def planned_looks(base: int, max_rounds: int, step: int) -> list[int]:
    """The rounds after which a run looks at its comparisons: the base rounds, then every ``step`` up to
    ``max_rounds`` (fixed before the first look, as the spending function needs)."""
    looks = [base]
    while looks[-1] < max_rounds:
        looks.append(min(looks[-1] + max(1, step), max_rounds))
    return looks


def look_alpha(alpha: float, looks: int) -> float:
    """The level of each look's intervals: ``alpha`` spent evenly over the planned looks (union bound)."""
    return alpha / max(1, looks)


def sequential_outcome(
    ratios: Sequence[float], looks: Sequence[int], alpha: float = DEFAULT_ALPHA, margin: float = DEFAULT_MARGIN
) -> tuple[str, int]:
    """The stopping rule, on one comparison's per-round ratios in the order they were measured: look after each
    planned look's rounds, stop at the first settled outcome (or at the last look); the outcome and the rounds it
    took.  Each look's interval is at ``alpha / len(looks)`` (:func:`look_alpha`)."""
    level = look_alpha(alpha, len(looks))
    found = NOT_SETTLED
    for rounds in looks:
        if rounds > len(ratios):
            break
        found = paired_interval(ratios[:rounds], level).outcome(margin)
        if found in SETTLED:
            return found, rounds
    return found, min(looks[-1], len(ratios))
