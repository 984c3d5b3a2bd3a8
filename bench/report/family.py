"""The answer's family while a run is going: which comparisons the answer settles on, and which of them are not
settled yet, read from the run's folder with the report's own choices.

Host code.  The conductor reads it after the base rounds (the family, then fixed) and after each look, to decide
which cells the next rounds measure (:mod:`bench.host.conductor`).  It is the report's compute stage, so the
run adds rounds for exactly the comparisons the answer will print, at the level the report will use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bench.report.comparisons import Comparisons
from bench.report.compute import compute, looks_of
from bench.report.load import load_paths
from bench.report.selection import CellKey, family_pairs, key
from bench.verdict import SETTLED
from bench.vocabulary import cell_label


@dataclass(frozen=True)
class Member:
    """One comparison of the family: ``a / b``, its outcome so far and the rounds it was paired over."""

    a: CellKey
    b: CellKey
    outcome: str
    rounds: int

    @property
    def settled(self) -> bool:
        return self.outcome in SETTLED

    def steps(self) -> set[tuple[str, str]]:
        """The (interpreter, cell name) pairs measuring this comparison needs, as the runners name their cells."""
        return {
            (interpreter, cell_label(workload, executor, workers))
            for interpreter, workload, executor, workers in (self.a, self.b)
        }

    def words(self) -> str:
        return f"{' '.join(map(str, self.a))} / {' '.join(map(str, self.b))}: {self.outcome} ({self.rounds} rounds)"


def family_of(folder: Path, fixed: Sequence[tuple[CellKey, CellKey]] = ()) -> list[Member]:
    """The answer's family in ``folder`` (or the ``fixed`` pairs, the family chosen after the base rounds), each
    at the family's level: the run's level over K comparisons and the looks the run planned."""
    loaded = load_paths([folder])
    computed = compute(loaded.results)
    pairs = list(fixed) or family_pairs(computed.selection)
    comparisons = Comparisons(
        computed.comparisons.groups, computed.comparisons.margin, pairs, looks=looks_of(computed.columns)
    )
    cells = {key(row): row for _, row in computed.summary.iterrows()}
    members = []
    for a, b in pairs:
        if a not in cells or b not in cells:  # a cell that failed since: nothing to settle
            continue
        row = comparisons.add(cells[a], cells[b])
        members.append(Member(a, b, row.outcome, row.n))
    return members
