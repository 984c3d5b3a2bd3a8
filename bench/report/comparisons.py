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
from scipy.stats import false_discovery_control

from bench import verdict
from bench.report import stats
from bench.report.load import Column
from bench.report.selection import CellKey, key

PAIRED = "paired by round (ratio of geometric means, t-interval on the per-round log-ratios, Wilcoxon signed-rank p)"
INDEPENDENT = "independent samples (ratio of geometric means, Welch t-interval on the log-times, Mann-Whitney U p)"
FAMILY = "answer"
DESCRIPTIVE = "descriptive"
"""What a comparison's level is: the answer's family (corrected for the family's size) or descriptive (uncorrected,
at the run's level)."""


@dataclass(frozen=True)
class ComparisonRow(stats.Comparison):
    """``a / b`` for two cells: the estimate, its interval, the test, the outcome, and whose level it has."""

    a: CellKey = ("", "", "", 0)
    b: CellKey = ("", "", "", 0)
    role: str = DESCRIPTIVE
    p_adjusted: float = float("nan")

    @property
    def method(self) -> str:
        return PAIRED if self.paired else INDEPENDENT

    @property
    def words(self) -> str:
        """What may be said of ``a`` against ``b``: faster, slower, equivalent, or not settled."""
        return self.outcome

    def record(self) -> dict[str, object]:
        """One row of ``comparisons.csv``."""
        names = ("interpreter", "workload", "executor", "workers")
        return {
            **{f"a_{name}": value for name, value in zip(names, self.a)},
            **{f"b_{name}": value for name, value in zip(names, self.b)},
            "ratio": self.value,
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "verdict": self.outcome,
            "p": self.p,
            "p_adjusted": self.p_adjusted,
            "rounds": self.n,
            "family": self.role,
            "method": self.method,
        }


def compare_cells(a: pd.Series, b: pd.Series, same_rounds: bool, alpha: float, margin: float) -> stats.Comparison:
    """``a / b``: paired by round when both cells were measured in the same rounds, else independent samples."""
    return stats.compare(
        list(a["walls"]),
        list(a["rounds"]),
        list(b["walls"]),
        list(b["rounds"]),
        same_rounds,
        alpha=alpha,
        margin=margin,
    )


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
    """The table: filled once by the compute stage, read by everything after it.

    The answer's family (the pairs it settles on: each workload's fastest against its runner-ups, and the GIL
    question) is tested at the run's level divided by the family's size, K (Bonferroni), and by the looks a run
    that may add rounds planned, L (each look spends an equal share: :mod:`bench.verdict`); every other comparison is
    descriptive, at the run's level, uncorrected (its ``p_adjusted`` is Benjamini-Hochberg's, for reference)."""

    def __init__(
        self,
        groups: dict[str, tuple[str, ...]] | None = None,
        margin: float = verdict.DEFAULT_MARGIN,
        family: Iterable[tuple[CellKey, CellKey]] = (),
        alpha: float = stats.ALPHA,
        looks: int = 1,
    ) -> None:
        self.rows: dict[tuple[CellKey, CellKey], ComparisonRow] = {}
        self.groups = groups or {}
        self.margin = margin
        self.alpha = alpha
        self.looks = max(1, looks)
        self.family = {frozenset(pair) for pair in family if pair[0] != pair[1]}
        self.family_alpha = alpha / (max(1, len(self.family)) * self.looks)

    def same_rounds(self, a: pd.Series, b: pd.Series) -> bool:
        first, second = str(a["interpreter"]), str(b["interpreter"])
        return first == second or self.groups.get(first, (first,)) == self.groups.get(second, (second,))

    def add(self, a: pd.Series, b: pd.Series) -> ComparisonRow:
        pair = (key(a), key(b))
        if pair[0] == pair[1]:  # a cell against itself: the same times, no row of the table
            rounds = list(a["rounds"])
            paired = bool(rounds) and 0 not in rounds
            return ComparisonRow(1.0, 1.0, 1.0, 1.0, paired, len(a["walls"]), margin=self.margin, a=pair[0], b=pair[1])
        if pair not in self.rows:
            in_family = frozenset(pair) in self.family
            alpha = self.family_alpha if in_family else self.alpha
            compared = compare_cells(a, b, self.same_rounds(a, b), alpha, self.margin)
            adjusted = min(1.0, compared.p * len(self.family) * self.looks) if in_family else compared.p
            role = FAMILY if in_family else DESCRIPTIVE
            self.rows[pair] = ComparisonRow(**asdict(compared), a=pair[0], b=pair[1], role=role, p_adjusted=adjusted)
        return self.rows[pair]

    def add_all(self, pairs: Iterable[tuple[pd.Series, pd.Series]]) -> None:
        for a, b in pairs:
            self.add(a, b)

    def of(self, a: pd.Series, b: pd.Series) -> ComparisonRow:
        """The comparison of ``a / b``, as computed by the compute stage."""
        pair = (key(a), key(b))
        if pair[0] == pair[1]:
            return self.add(a, b)
        if pair not in self.rows:
            raise KeyError(f"{pair[0]} / {pair[1]} was not planned by bench.report.selection.compared_pairs")
        return self.rows[pair]

    @property
    def family_size(self) -> int:
        return len(self.family)

    def unique(self) -> list[ComparisonRow]:
        """One row per unordered pair (the first way round it was planned)."""
        seen: set[frozenset[CellKey]] = set()
        rows = []
        for pair, row in self.rows.items():
            if frozenset(pair) not in seen:
                seen.add(frozenset(pair))
                rows.append(row)
        return rows

    def frame(self) -> pd.DataFrame:
        """``comparisons.csv``: one row per unordered pair, never a cell against itself; descriptive rows get
        Benjamini-Hochberg adjusted p-values, the family's Bonferroni's."""
        rows = self.unique()
        descriptive = [index for index, row in enumerate(rows) if row.role == DESCRIPTIVE]
        records = [row.record() for row in rows]
        if descriptive:
            adjusted = false_discovery_control([rows[index].p for index in descriptive])
            for index, value in zip(descriptive, adjusted):
                records[index]["p_adjusted"] = float(value)
        table: pd.DataFrame = pd.DataFrame(records)
        return table
