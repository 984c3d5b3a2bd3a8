"""Every comparison the report makes, computed once into one typed table (in the spirit of pyperf's CompareResult).

Host code.  The compute stage fills a :class:`Comparisons` with each cell
against its one-worker baseline and every pair :func:`bench.report.selection.
compared_pairs` lists; the answer, the verdicts and the sections only read it
(:meth:`Comparisons.of`), so one pair is never tested twice, or two ways.  A
pair that was not planned is a programming error, raised at once.

How a pair is compared is decided here, in one place: paired by round when
both cells were measured in the same rounds (one interpreter's run, or one
run conducted across interpreters: :func:`round_groups`), otherwise as
independent samples (:func:`compare_cells`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

from bench.report import stats
from bench.report.load import Column
from bench.report.selection import CellKey, key

PAIRED = "paired by round (median of per-round ratios, their range, Wilcoxon signed-rank test)"
INDEPENDENT = "independent samples (ratio of medians, 99% bootstrap interval, Mann-Whitney U test)"


@dataclass(frozen=True)
class ComparisonRow(stats.Comparison):
    """``a / b`` for two cells: the estimate, its interval or range, the test, and the words the test allows."""

    a: CellKey = ("", "", "", 0)
    b: CellKey = ("", "", "", 0)

    @property
    def method(self) -> str:
        return PAIRED if self.paired else INDEPENDENT

    @property
    def words(self) -> str:
        """What may be said of ``a`` against ``b``: "slower", "faster" (a took less time), or no difference."""
        if self.unsettled:
            return "not settled"
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
            "n": self.n,
            "settled": self.settled,
            "method": self.method,
            "a_is": self.words,
        }


def compare_cells(a: pd.Series, b: pd.Series, same_rounds: bool) -> stats.Comparison:
    """``a / b``: paired by round when both cells were measured in the same rounds, else independent samples."""
    return stats.compare(list(a["walls"]), list(a["rounds"]), list(b["walls"]), list(b["rounds"]), paired=same_rounds)


def round_groups(columns: list[Column]) -> dict[str, tuple[str, ...]]:
    """Each column's rounds: files of one conducted run that list each other share them; any other file has its
    own (its cells were interleaved with each other only)."""
    groups = {}
    for column in columns:
        shared = column.config.shared_rounds
        if column.interpreter.label in shared:
            groups[column.name] = (column.document.run_id, column.machine.hostname, *sorted(shared))
        else:
            groups[column.name] = ("alone", column.name)
    return groups


class Comparisons:
    """The table: filled once by the compute stage, read by everything after it."""

    def __init__(self, groups: dict[str, tuple[str, ...]] | None = None) -> None:
        self.rows: dict[tuple[CellKey, CellKey], ComparisonRow] = {}
        self.groups = groups or {}

    def same_rounds(self, a: pd.Series, b: pd.Series) -> bool:
        first, second = str(a["interpreter"]), str(b["interpreter"])
        return first == second or self.groups.get(first, (first,)) == self.groups.get(second, (second,))

    def add(self, a: pd.Series, b: pd.Series) -> ComparisonRow:
        pair = (key(a), key(b))
        if pair not in self.rows:
            compared = compare_cells(a, b, self.same_rounds(a, b))
            self.rows[pair] = ComparisonRow(**asdict(compared), a=pair[0], b=pair[1])
        return self.rows[pair]

    def add_all(self, pairs: Iterable[tuple[pd.Series, pd.Series]]) -> None:
        for a, b in pairs:
            self.add(a, b)

    def of(self, a: pd.Series, b: pd.Series) -> ComparisonRow:
        """The comparison of ``a / b``, as computed by the compute stage."""
        pair = (key(a), key(b))
        if pair not in self.rows:
            raise KeyError(f"{pair[0]} / {pair[1]} was not planned by bench.report.selection.compared_pairs")
        return self.rows[pair]

    def frame(self) -> pd.DataFrame:
        table: pd.DataFrame = pd.DataFrame([row.record() for row in self.rows.values()])
        return table
