"""The words a comparison allows, in one place: every sentence and table cell that states a verdict reads them.

Host code.  A comparison is ``a / b`` with one outcome of :mod:`bench.verdict` for ``a`` against ``b``.  Said of
``b`` (the subject, given ``a / b``): the subject is faster where ``a`` is slower.  An equivalence names its margin;
a comparison the interval does not settle says its interval as a bound and how the rounds split, never "the same".
"""

from __future__ import annotations

import math

from bench.report.comparisons import ComparisonRow
from bench.report.format import p_text, ratio, ratio_ci
from bench.verdict import EQUIVALENT, FASTER, NOT_SETTLED, SLOWER


def margin_text(comparison: ComparisonRow) -> str:
    return f"±{comparison.margin:.0%}"


def level_text(comparison: ComparisonRow) -> str:
    """``99%`` or ``99.93%``: the interval's level, as many digits as it needs."""
    return level_percent(comparison.level)


def level_percent(level: float) -> str:
    """A level as a percentage with the digits it needs: a family's 99.93% is never rounded to 100%."""
    percent = level * 100
    digits = 0 if abs(percent - round(percent)) < 1e-9 else 2
    return f"{percent:.{digits}f}%"


def tested(comparison: ComparisonRow, inverted: bool = False) -> str:
    """``[1.08-1.33], 99%, 8 rounds, p=0.008``: the interval (of ``b / a`` when ``inverted``, to go with a ratio
    said that way round), its level, the rounds and the test."""
    value, low, high = comparison.value, comparison.low, comparison.high
    if inverted:
        value, low, high = 1 / value, 1 / high, 1 / low
    if math.isclose(low, high, rel_tol=1e-9):
        interval = "the same in every round"
    else:
        interval = ratio_ci(value, low, high).partition(" ")[2] or "no interval"
    counted = f"{comparison.n} rounds" if comparison.paired else f"{comparison.n} runs each"
    return f"{interval}, {level_text(comparison)}, {counted}, {p_text(comparison.p)}"


def unsettled(comparison: ComparisonRow, who: str = "") -> str:
    """``X ran between 3% faster and 8% slower; 5 of 8 rounds slower; p=0.31``: what a reader can still use
    (``who`` is ``a``'s name, when the sentence needs it)."""
    ran = f"{who} ran " if who else ""
    return f"{ran}{comparison.bound}; {comparison.split}; {p_text(comparison.p)}"


def subject_against(comparison: ComparisonRow, other: str = "") -> str:
    """How the subject (``b``) fares against ``a``, given ``a / b``: ``1.20x faster than X ([...], 99%, ...)``,
    ``equivalent with X (within ±5%: ...)``, ``not settled against X (between ... ; 5 of 8 rounds ...)``."""
    than, with_, against = (f" than {other}", f" with {other}", f" against {other}") if other else ("", "", "")
    outcome = comparison.outcome
    if outcome == NOT_SETTLED:
        return f"not settled{against} ({unsettled(comparison, other or 'it')})"
    if outcome == EQUIVALENT:
        return f"equivalent{with_} (within {margin_text(comparison)}: {tested(comparison)})"
    if outcome == SLOWER:  # a slower: the subject faster
        return f"{ratio(comparison.value)} faster{than} ({tested(comparison)})"
    return f"{ratio(1 / comparison.value)} slower{than} ({tested(comparison, inverted=True)})"


def a_against(comparison: ComparisonRow) -> str:
    """How ``a`` fares against ``b``, for a narrow column: ``1.20x slower``, ``equivalent``, ``not settled``."""
    outcome = comparison.outcome
    if outcome in (NOT_SETTLED, EQUIVALENT):
        return outcome
    size = comparison.value if outcome == SLOWER else 1 / comparison.value
    return f"{ratio(size)} {outcome}"


def gain(comparison: ComparisonRow | None, same: str) -> str:
    """A gain ``base / cell`` with its interval, and the outcome's word where it is not a difference."""
    if comparison is None:
        return same
    text = ratio_ci(comparison.value, comparison.low, comparison.high)
    if comparison.outcome == NOT_SETTLED:
        return f"{text}, not settled"
    if comparison.outcome == EQUIVALENT:
        return f"{text}, equivalent"
    return text


def differs(comparison: ComparisonRow, subject_faster: bool) -> bool:
    """Given ``a / subject``: the interval settles that the subject is faster (or, with False, slower)."""
    return comparison.outcome == (SLOWER if subject_faster else FASTER)


def of_subject(comparison: ComparisonRow) -> str:
    """The outcome said of the subject (``b``), given ``a / b``: faster where ``a`` is slower, and so on."""
    return {SLOWER: FASTER, FASTER: SLOWER}.get(comparison.outcome, comparison.outcome)
