"""Which cells the report puts side by side: one selection, used to plan the comparisons and to write them.

Host code.  Every rule that picks cells out of the per-cell summary lives
here: a cell by its key, each interpreter's one-worker baseline, the
configurations that can be an answer, each strategy's best cell, and the
pairs each part of the report compares.  :mod:`bench.report.comparisons`
computes every pair listed here once; the sections pick the same cells with
the same functions and only read the results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from bench.report.load import Column
from bench.vocabulary import (
    ONE_WORKER_BASELINES,
    POOLED,
    cell_label,
    configuration_label,
    is_reference,
    strategy_label,
)

CellKey = tuple[str, str, str, int]
"""(interpreter column, workload, executor, workers): one cell of the report."""


def cell_name(interpreter: str, workload: str, executor: str, workers: int) -> str:
    """``3.13t cpu 5 threads``: the interpreter and the cell's own name."""
    return f"{interpreter} {cell_label(workload, executor, workers)}"


def key(cell: pd.Series) -> CellKey:
    return (str(cell["interpreter"]), str(cell["workload"]), str(cell["executor"]), int(cell["workers"]))


def strategy_of(cell: pd.Series) -> str:
    """``serial``, ``2 threads``, ``1 process``: the cell's strategy in words."""
    return strategy_label(str(cell["executor"]), int(cell["workers"]))


def configuration_of(cell: pd.Series) -> str:
    """``pypy3 serial``, ``3.13t with 2 threads``: interpreter and strategy in a sentence."""
    return configuration_label(str(cell["interpreter"]), str(cell["executor"]), int(cell["workers"]))


def short_of(cell: pd.Series) -> str:
    """``pypy3 serial``, ``3.13t 5 threads``: a configuration for a narrow table column."""
    return f"{cell['interpreter']} {strategy_of(cell)}"


def workload_order(summary: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(summary["workload"]))


def rows_of(summary: pd.DataFrame, interpreter: str, workload: str, executor: str | None = None) -> pd.DataFrame:
    """The cells of one interpreter and workload (and executor, when given)."""
    mask = (summary["interpreter"] == interpreter) & (summary["workload"] == workload)
    if executor is not None:
        mask &= summary["executor"] == executor
    rows: pd.DataFrame = summary[mask]
    return rows


def cell_of(summary: pd.DataFrame, interpreter: str, workload: str, executor: str, workers: int) -> pd.Series | None:
    rows = rows_of(summary, interpreter, workload, executor)
    rows = rows[rows["workers"] == workers]
    return None if rows.empty else rows.iloc[0]


def one_worker_baseline(summary: pd.DataFrame, interpreter: str, workload: str) -> pd.Series | None:
    """The interpreter's serial cell of the workload, else its pool of one thread (the vocabulary's rule)."""
    for executor, workers in ONE_WORKER_BASELINES:
        cell = cell_of(summary, interpreter, workload, executor, workers)
        if cell is not None and cell["walls"]:
            return cell
    return None


def reference_column(columns: list[Column]) -> Column | None:
    """The CPython GIL build users start from (the first one given): every interpreter is compared with it."""
    for column in columns:
        if is_reference(column.interpreter.implementation, column.interpreter.free_threaded_build):
            return column
    return None


def candidates(summary: pd.DataFrame, workload: str, interpreters: list[str] | None = None) -> pd.DataFrame:
    """Complete cells of ``workload`` that could be an answer, fastest first (no 1-worker pools: a pool of one
    worker is the serial run plus the pool's overhead)."""
    rows = summary[(summary["workload"] == workload) & (summary["status"] == "ok") & summary["median"].notna()]
    rows = rows[(rows["executor"] == "serial") | (rows["workers"] > 1)]
    if interpreters is not None:
        rows = rows[rows["interpreter"].isin(interpreters)]
    ordered: pd.DataFrame = rows.sort_values("median", kind="stable")
    return ordered


def best_parallel(summary: pd.DataFrame, interpreter: str, workload: str, executor: str) -> pd.Series | None:
    """The cell of ``executor`` with two or more workers and the best speed-up over the serial run."""
    rows = rows_of(summary, interpreter, workload, executor)
    rows = rows[(rows["workers"] > 1) & rows["speedup"].notna() & (rows["status"] == "ok")]
    if rows.empty:
        return None
    top: pd.Series = rows.loc[rows["speedup"].idxmax()]
    return top


def strategy_bests(summary: pd.DataFrame, interpreter: str, workload: str) -> list[pd.Series]:
    """Each pooled strategy's best cell for this interpreter and workload, fastest first."""
    bests = [
        cell for executor in POOLED if (cell := best_parallel(summary, interpreter, workload, executor)) is not None
    ]
    return sorted(bests, key=lambda cell: float(cell["median"]))


def fastest_other(summary: pd.DataFrame, cell: pd.Series) -> pd.Series | None:
    """The fastest configuration of any interpreter other than ``cell``'s own strategy on its own interpreter."""
    others = candidates(summary, str(cell["workload"]))
    others = others[~((others["interpreter"] == cell["interpreter"]) & (others["executor"] == cell["executor"]))]
    return None if others.empty else others.iloc[0]


@dataclass(frozen=True)
class InterpreterBest:
    """One interpreter's part of a workload's answer: its fastest configuration, its own one-worker baseline (what
    the strategy gained over) and its best configuration of another strategy (the choice a reader faces there;
    never the same strategy with another worker count)."""

    best: pd.Series
    baseline: pd.Series | None
    other_strategy: pd.Series | None


@dataclass(frozen=True)
class WorkloadAnswer:
    """A workload's answer: each interpreter's fastest configuration, fastest first, the reference's baseline
    (the CPython GIL build's serial run: what "N x faster" is relative to), and the two runner-ups of the fastest
    a reader chooses between: the best on another interpreter and the best of another strategy."""

    workload: str
    bests: tuple[InterpreterBest, ...]
    reference: pd.Series | None
    other_strategy: pd.Series | None  # the fastest configuration, on any interpreter, of another strategy

    @property
    def first(self) -> pd.Series:
        return self.bests[0].best

    @property
    def other_interpreter(self) -> pd.Series | None:
        return self.bests[1].best if len(self.bests) > 1 else None


def _other_strategy(ranked: pd.DataFrame, best: pd.Series) -> pd.Series | None:
    others = ranked[ranked["executor"] != best["executor"]]
    return None if others.empty else others.iloc[0]


def workload_answer(summary: pd.DataFrame, workload: str, reference: str | None) -> WorkloadAnswer | None:
    ranked = candidates(summary, workload)
    if ranked.empty:
        return None
    bests = []
    for interpreter in dict.fromkeys(ranked["interpreter"]):  # fastest interpreter first
        own = ranked[ranked["interpreter"] == interpreter]
        best = own.iloc[0]
        baseline = one_worker_baseline(summary, str(interpreter), workload)
        bests.append(InterpreterBest(best, baseline, _other_strategy(own, best)))
    return WorkloadAnswer(
        workload=workload,
        bests=tuple(bests),
        reference=one_worker_baseline(summary, reference, workload) if reference else None,
        other_strategy=_other_strategy(ranked, ranked.iloc[0]),
    )


def twin_of(column: Column, results: list[Column]) -> Column | None:
    """The GIL build a free-threaded build should be compared with: same tarball, else same version."""
    version = column.interpreter.version
    builds = [
        other
        for other in results
        if is_reference(other.interpreter.implementation, other.interpreter.free_threaded_build)
    ]
    same_source = [other for other in builds if column.source_sha256 and other.source_sha256 == column.source_sha256]
    same_version = [other for other in builds if other.interpreter.version == version]
    same_minor = [other for other in builds if other.interpreter.version.split(".")[:2] == version.split(".")[:2]]
    for group in (same_source, same_version, same_minor):
        if group:
            return group[0]
    return None


def twins(columns: list[Column]) -> list[tuple[Column, Column]]:
    """Each free-threaded build with its GIL twin."""
    return [
        (column, twin)
        for column in columns
        if column.interpreter.free_threaded_build and (twin := twin_of(column, columns)) is not None
    ]


@dataclass(frozen=True)
class InterpreterCells:
    """One interpreter's row of "interpreters against each other": its serial run and its fastest configuration."""

    workload: str
    interpreter: str
    serial: pd.Series | None
    fastest: pd.Series | None
    reference: pd.Series | None  # the reference interpreter's serial run of the workload


def interpreter_cells(summary: pd.DataFrame, columns: list[Column], reference: str) -> Iterator[InterpreterCells]:
    for workload in workload_order(summary):
        reference_serial = one_worker_baseline(summary, reference, workload)
        for column in columns:
            ranked = candidates(summary, workload, [column.name])
            fastest = None if ranked.empty else ranked.iloc[0]
            serial = one_worker_baseline(summary, column.name, workload)
            yield InterpreterCells(workload, column.name, serial, fastest, reference_serial)


# --- the talk's cells (bench.report.talk) ---

TALK_WORKLOADS = (("cpu", "cpu_work_load"), ("io", "io_work_load"), ("mixed", "io_and_cpu_work_load"))
"""Each workload with the name the talk's script gave it."""
TALK_CELLS = (("threads", 1), ("threads", 5), ("processes", 5))
"""The talk's three columns: a pool of one thread (its "single thread"), 5 threads, 5 processes."""


@dataclass(frozen=True)
class TalkCells:
    """One interpreter's three cells of one workload (any may be missing)."""

    interpreter: str
    workload: str
    one: pd.Series | None
    threads: pd.Series | None
    processes: pd.Series | None


def talk_cells(summary: pd.DataFrame, interpreters: list[str]) -> Iterator[TalkCells]:
    for workload, _ in TALK_WORKLOADS:
        for name in interpreters:
            one, threads, processes = (cell_of(summary, name, workload, e, w) for e, w in TALK_CELLS)
            yield TalkCells(name, workload, *(_measured(cell) for cell in (one, threads, processes)))


def _measured(cell: pd.Series | None) -> pd.Series | None:
    return cell if cell is not None and cell["status"] == "ok" and cell["walls"] else None


def talk_pairs(summary: pd.DataFrame, interpreters: list[str]) -> Iterator[tuple[pd.Series, pd.Series]]:
    """What the talk's questions compare: each pool against the 1-thread pool (the cells' baseline in a seed
    run, but not where a serial run was measured too), and threads against processes."""
    for cells in talk_cells(summary, interpreters):
        yield from _both(cells.one, cells.threads)
        yield from _both(cells.one, cells.processes)
        yield from _both(cells.threads, cells.processes)


Pair = tuple[pd.Series, pd.Series]


def compared_pairs(summary: pd.DataFrame, columns: list[Column]) -> Iterator[Pair]:
    """Every (a, b) the report states a/b of, beyond each cell against its baseline: the answer's, the
    verdicts', the free-threading cost's and the interpreters'.  The sections pick the same pairs."""
    reference = reference_column(columns)
    for workload in workload_order(summary):
        yield from _answer_pairs(workload_answer(summary, workload, reference.name if reference else None))
        for column in columns:
            yield from _verdict_pairs(summary, strategy_bests(summary, column.name, workload))
        for free_threaded, twin in twins(columns):
            yield from _both(
                one_worker_baseline(summary, free_threaded.name, workload),
                one_worker_baseline(summary, twin.name, workload),
            )
    if reference is not None:
        for row in interpreter_cells(summary, columns, reference.name):
            yield from _both(row.reference, row.serial)
            yield from _both(row.reference, row.fastest)
    yield from talk_pairs(summary, [column.name for column in columns])


def _both(a: pd.Series | None, b: pd.Series | None) -> Iterator[Pair]:
    """The pair, when both cells exist and are two cells (a cell against itself is no comparison)."""
    if a is not None and b is not None and key(a) != key(b):
        yield a, b


def _answer_pairs(chosen: WorkloadAnswer | None) -> Iterator[Pair]:
    """Per interpreter: the reference against its best (both gains together), its baseline against its best (the
    strategy's) and the reference against its baseline (the interpreter's), its other strategy against its best;
    and the fastest against its two runner-ups."""
    if chosen is None:
        return
    for part in chosen.bests:
        yield from _both(chosen.reference, part.best)
        yield from _both(part.baseline, part.best)
        yield from _both(chosen.reference, part.baseline)
        yield from _both(part.other_strategy, part.best)
    yield from _both(chosen.other_interpreter, chosen.first)
    yield from _both(chosen.other_strategy, chosen.first)


def _verdict_pairs(summary: pd.DataFrame, bests: list[pd.Series]) -> Iterator[Pair]:
    """Each strategy's best against the fastest other configuration, and against the best strategy."""
    for best in bests:
        yield from _both(best, fastest_other(summary, best))
    for other in bests[1:]:
        yield other, bests[0]
