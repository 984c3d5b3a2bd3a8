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
class AnswerCells:
    """One workload's answer: the fastest and the runner-up, the reference's serial run, and among CPythons."""

    first: pd.Series
    second: pd.Series | None
    reference: pd.Series | None  # the CPython GIL build's serial run (what "N x faster" is relative to)
    cpython_first: pd.Series | None  # set only when the fastest overall is not a CPython
    cpython_second: pd.Series | None


def answer_cells(
    summary: pd.DataFrame, workload: str, reference: str | None, cpythons: list[str]
) -> AnswerCells | None:
    ranked = candidates(summary, workload)
    if ranked.empty:
        return None
    first = ranked.iloc[0]
    own = pd.DataFrame()
    if cpythons and str(first["interpreter"]) not in cpythons:
        own = candidates(summary, workload, cpythons)
    return AnswerCells(
        first=first,
        second=ranked.iloc[1] if len(ranked) > 1 else None,
        reference=one_worker_baseline(summary, reference, workload) if reference else None,
        cpython_first=own.iloc[0] if not own.empty else None,
        cpython_second=own.iloc[1] if len(own) > 1 else None,
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


Pair = tuple[pd.Series, pd.Series]


def compared_pairs(summary: pd.DataFrame, columns: list[Column]) -> Iterator[Pair]:
    """Every (a, b) the report states a/b of, beyond each cell against its baseline: the answer's, the
    verdicts', the free-threading cost's and the interpreters'.  The sections pick the same pairs."""
    reference = reference_column(columns)
    cpythons = [c.name for c in columns if c.interpreter.implementation == "cpython"]
    for workload in workload_order(summary):
        yield from _answer_pairs(answer_cells(summary, workload, reference.name if reference else None, cpythons))
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


def _both(a: pd.Series | None, b: pd.Series | None) -> Iterator[Pair]:
    if a is not None and b is not None:
        yield a, b


def _answer_pairs(chosen: AnswerCells | None) -> Iterator[Pair]:
    """The runner-up against the fastest, the reference against the fastest, and the same among CPythons."""
    if chosen is not None:
        yield from _both(chosen.second, chosen.first)
        yield from _both(chosen.reference, chosen.first)
        yield from _both(chosen.cpython_second, chosen.cpython_first)


def _verdict_pairs(summary: pd.DataFrame, bests: list[pd.Series]) -> Iterator[Pair]:
    """Each strategy's best against the fastest other configuration, and against the best strategy."""
    for best in bests:
        yield from _both(best, fastest_other(summary, best))
    for other in bests[1:]:
        yield other, bests[0]
