"""Every comparison the report makes, computed once into one typed table (in the spirit of pyperf's CompareResult).

Host code.  The compute stage fills a :class:`Comparisons` with each cell
against its one-worker baseline and every pair :func:`bench.report.select.
compared_pairs` lists; the answer, the verdicts and the sections only read it
(:meth:`Comparisons.of`), so one pair is never tested twice, or two ways.  A
pair that was not planned is a programming error, raised at once.

How a pair is compared is decided here, in one place (:func:`compare_cells`):
paired by round when both cells come from one interpreter's run (its rounds
interleave its cells), otherwise as independent samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from bench.report import stats
from bench.report.select import CellKey, key

PAIRED = "paired by round (median of per-round ratios, their range, Wilcoxon signed-rank test)"
INDEPENDENT = "independent samples (ratio of medians, 95% bootstrap interval, Mann-Whitney U test)"


@dataclass(frozen=True)
class ComparisonRow:
    """``a / b`` for two cells: the estimate, its interval or range, the test, and the words the test allows."""

    a: CellKey
    b: CellKey
    comparison: stats.Comparison

    @property
    def value(self) -> float:
        return self.comparison.value

    @property
    def low(self) -> float:
        return self.comparison.low

    @property
    def high(self) -> float:
        return self.comparison.high

    @property
    def p(self) -> float:
        return self.comparison.p

    @property
    def significant(self) -> bool:
        return self.comparison.significant

    @property
    def method(self) -> str:
        return PAIRED if self.comparison.paired else INDEPENDENT

    @property
    def words(self) -> str:
        """What may be said of ``a`` against ``b``: "slower", "faster" (a took less time), or no difference."""
        if not self.significant:
            return "no significant difference"
        return "slower" if self.value > 1 else "faster"

    def record(self) -> dict[str, object]:
        """One row of ``comparisons.csv``."""
        names = ("interpreter", "workload", "executor", "workers")
        return {
            **{f"a_{name}": value for name, value in zip(names, self.a)},
            **{f"b_{name}": value for name, value in zip(names, self.b)},
            "ratio": self.value,
            "low": self.low,
            "high": self.high,
            "p": self.p,
            "n": self.comparison.n,
            "method": self.method,
            "a_is": self.words,
        }


def compare_cells(a: pd.Series, b: pd.Series) -> stats.Comparison:
    """``a / b``: paired by round when both cells come from one interpreter's run, else independent samples."""
    same_run = a["interpreter"] == b["interpreter"]  # one interpreter's file: one run, its rounds interleaved
    return stats.compare(list(a["walls"]), list(a["rounds"]), list(b["walls"]), list(b["rounds"]), paired=same_run)


class Comparisons:
    """The table: filled once by the compute stage, read by everything after it."""

    def __init__(self) -> None:
        self.rows: dict[tuple[CellKey, CellKey], ComparisonRow] = {}

    def add(self, a: pd.Series, b: pd.Series) -> ComparisonRow:
        pair = (key(a), key(b))
        if pair not in self.rows:
            self.rows[pair] = ComparisonRow(pair[0], pair[1], compare_cells(a, b))
        return self.rows[pair]

    def add_all(self, pairs: Iterable[tuple[pd.Series, pd.Series]]) -> None:
        for a, b in pairs:
            self.add(a, b)

    def of(self, a: pd.Series, b: pd.Series) -> ComparisonRow:
        """The comparison of ``a / b``, as computed by the compute stage."""
        pair = (key(a), key(b))
        if pair not in self.rows:
            raise KeyError(f"{pair[0]} / {pair[1]} was not planned by bench.report.select.compared_pairs")
        return self.rows[pair]

    def frame(self) -> pd.DataFrame:
        table: pd.DataFrame = pd.DataFrame([row.record() for row in self.rows.values()])
        return table
