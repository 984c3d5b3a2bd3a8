"""Which cells the report puts side by side: one selection, used to plan the comparisons and to write them.

Host code.  Every rule that picks cells out of the per-cell summary lives
here: a cell by its key, each interpreter's one-worker baseline, the
configurations that can be an answer, each strategy's best cell, and the
pairs each part of the report compares.  :mod:`bench.report.comparisons`
computes every pair listed here once; the sections pick the same cells with
the same functions and only read the results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from bench.report.load import Column
from bench.vocabulary import (
    ONE_WORKER_BASELINES,
    PER_WORKER,
    POOLED,
    TALK_CELLS,
    TALK_WORKLOADS,
    WITHOUT_GIL,
    can_be_answer,
    cell_label,
    configuration_label,
    is_reference,
    strategy,
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


GIL_ON_MARK = " (GIL on!)"
"""After a free-threaded interpreter's name wherever the answer names it, when its GIL was on (an extension
without ``Py_mod_gil`` switched it back on, or ``PYTHON_GIL=1``): its numbers are not free-threaded numbers."""


def interpreter_of(cell: pd.Series) -> str:
    """The cell's interpreter as the answer names it: its column, marked when a free-threaded build ran with the
    GIL on."""
    return str(cell["interpreter"]) + (GIL_ON_MARK if bool(cell.get("gil_forced_on", False)) else "")


def configuration_of(cell: pd.Series) -> str:
    """``pypy3 serial``, ``3.13t with 2 threads``: interpreter and strategy in a sentence."""
    return configuration_label(interpreter_of(cell), str(cell["executor"]), int(cell["workers"]))


def short_of(cell: pd.Series) -> str:
    """``pypy3 serial``, ``3.13t 5 threads``: a configuration for a narrow table column."""
    return f"{interpreter_of(cell)} {strategy_of(cell)}"


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


def answerable(rows: pd.DataFrame) -> pd.Series:
    """Which of ``rows`` could be an answer (a boolean mask; a pool of one worker never is)."""
    mask = [can_be_answer(str(e), int(w)) for e, w in zip(rows["executor"], rows["workers"])]
    found: pd.Series = pd.Series(mask, index=rows.index, dtype=bool)
    return found


def candidates(summary: pd.DataFrame, workload: str, interpreters: list[str] | None = None) -> pd.DataFrame:
    """Complete cells of ``workload`` that could be an answer, fastest first: no 1-worker pool (the serial run plus
    the pool's overhead), unless it is its interpreter's baseline (a seed run's 1-thread pool: the talk's "single
    thread", measured where no serial run was)."""
    rows = summary[(summary["workload"] == workload) & (summary["status"] == "ok") & summary["median"].notna()]
    baselines = {
        key(cell)
        for name in dict.fromkeys(rows["interpreter"])
        if (cell := one_worker_baseline(summary, str(name), workload)) is not None
    }
    is_baseline = pd.Series([key(row) in baselines for _, row in rows.iterrows()], index=rows.index, dtype=bool)
    rows = rows[answerable(rows) | is_baseline]
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


@dataclass(frozen=True)
class GilQuestion:
    """The choice a CPython user makes for work that holds the GIL: the GIL build with a GIL per worker
    (processes, subinterpreters) or the free-threaded build with threads.  Each side's fastest such cell."""

    workload: str
    gil_build: pd.Series
    free_threaded: pd.Series


def _fastest_of(
    summary: pd.DataFrame, workload: str, interpreter: str, wanted: Callable[[str], bool]
) -> pd.Series | None:
    ranked = candidates(summary, workload, [interpreter])
    ranked = ranked[[wanted(str(executor)) for executor in ranked["executor"]]]
    return None if ranked.empty else ranked.iloc[0]


def gil_questions(
    summary: pd.DataFrame, pairs: tuple[tuple[Column, Column], ...], holds_gil: Callable[[str], bool]
) -> Iterator[GilQuestion]:
    """For every workload whose traits hold the GIL, each free-threaded build's fastest threads cell against its
    GIL twin's fastest cell with a GIL per worker."""
    for workload in workload_order(summary):
        if not holds_gil(workload):
            continue
        for free, twin in pairs:
            gil_side = _fastest_of(
                summary, workload, twin.name, lambda e: strategy(e).pooled and strategy(e).gil == PER_WORKER
            )
            threads = _fastest_of(
                summary,
                workload,
                free.name,
                lambda e: strategy(e).parallel == WITHOUT_GIL and not strategy(e).event_loop,
            )
            if gil_side is not None and threads is not None:
                yield GilQuestion(workload, gil_side, threads)


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


def talk_pairs(found: tuple[TalkCells, ...]) -> Iterator[tuple[pd.Series, pd.Series]]:
    """What the talk's questions compare: each pool against the 1-thread pool (the cells' baseline in a seed
    run, but not where a serial run was measured too), and threads against processes."""
    for cells in found:
        yield from _both(cells.one, cells.threads)
        yield from _both(cells.one, cells.processes)
        yield from _both(cells.threads, cells.processes)


Pair = tuple[pd.Series, pd.Series]


@dataclass(frozen=True)
class Selection:
    """Every choice of cells the report makes, made once in the compute stage: each workload's answer, each
    interpreter's strategy bests per workload (with the fastest other configuration of each), the free-threaded
    builds with their twins, the rows of "interpreters against each other" and the talk's cells.  The
    comparisons are planned from it and the sections read it; nothing after it chooses a cell again."""

    answers: tuple[WorkloadAnswer, ...]
    strategy_bests: Mapping[tuple[str, str], tuple[pd.Series, ...]]  # (interpreter, workload) -> fastest first
    fastest_others: Mapping[CellKey, pd.Series | None]  # each strategy best -> the fastest other configuration
    twins: tuple[tuple[Column, Column], ...]
    interpreter_cells: tuple[InterpreterCells, ...]
    talk_cells: tuple[TalkCells, ...]
    gil_questions: tuple[GilQuestion, ...] = ()

    def bests_of(self, interpreter: str, workload: str) -> tuple[pd.Series, ...]:
        return self.strategy_bests.get((interpreter, workload), ())

    def best_of(self, interpreter: str, workload: str, executor: str) -> pd.Series | None:
        """``executor``'s best cell with two or more workers (see :func:`best_parallel`)."""
        found = (cell for cell in self.bests_of(interpreter, workload) if cell["executor"] == executor)
        return next(found, None)

    def fastest_other(self, cell: pd.Series) -> pd.Series | None:
        return self.fastest_others.get(key(cell))


def select(
    summary: pd.DataFrame, columns: list[Column], holds_gil: Callable[[str], bool] = lambda workload: False
) -> Selection:
    """The compute stage's one pass over the per-cell summary that chooses every cell the report names
    (``holds_gil``: whether a workload's traits say it uses a CPU holding the GIL)."""
    reference = reference_column(columns)
    workloads = workload_order(summary)
    found = (workload_answer(summary, workload, reference.name if reference else None) for workload in workloads)
    bests = {
        (column.name, workload): tuple(strategy_bests(summary, column.name, workload))
        for workload in workloads
        for column in columns
    }
    others = {key(best): fastest_other(summary, best) for cells in bests.values() for best in cells}
    rows = interpreter_cells(summary, columns, reference.name) if reference is not None else iter(())
    pairs = tuple(twins(columns))
    return Selection(
        answers=tuple(chosen for chosen in found if chosen is not None),
        strategy_bests=bests,
        fastest_others=others,
        twins=pairs,
        interpreter_cells=tuple(rows),
        talk_cells=tuple(talk_cells(summary, [column.name for column in columns])),
        gil_questions=tuple(gil_questions(summary, pairs, holds_gil)),
    )


def family_pairs(selection: Selection) -> list[tuple[CellKey, CellKey]]:
    """The answer's family: each workload's runner-ups against its fastest (the comparisons the answer settles
    on), whose level is corrected for how many there are."""
    runner_ups = [
        (key(other), key(chosen.first))
        for chosen in selection.answers
        for other in (chosen.other_interpreter, chosen.other_strategy)
        if other is not None and key(other) != key(chosen.first)
    ]
    return runner_ups + [(key(q.gil_build), key(q.free_threaded)) for q in selection.gil_questions]


def compared_pairs(summary: pd.DataFrame, selection: Selection) -> Iterator[Pair]:
    """Every (a, b) the report states a/b of, beyond each cell against its baseline: the answer's, the
    verdicts', the free-threading cost's and the interpreters'.  The sections read the same selection."""
    answers = {chosen.workload: chosen for chosen in selection.answers}
    for workload in workload_order(summary):
        yield from _answer_pairs(answers.get(workload))
        for (_, of), bests in selection.strategy_bests.items():
            if of == workload:
                yield from _verdict_pairs(selection, bests)
        for free_threaded, twin in selection.twins:
            yield from _both(
                one_worker_baseline(summary, free_threaded.name, workload),
                one_worker_baseline(summary, twin.name, workload),
            )
    for question in selection.gil_questions:
        yield from _both(question.gil_build, question.free_threaded)
    for row in selection.interpreter_cells:
        yield from _both(row.reference, row.serial)
        yield from _both(row.reference, row.fastest)
    yield from talk_pairs(selection.talk_cells)


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


def _verdict_pairs(selection: Selection, bests: tuple[pd.Series, ...]) -> Iterator[Pair]:
    """Each strategy's best against the fastest other configuration, and against the best strategy."""
    for best in bests:
        yield from _both(best, selection.fastest_other(best))
    for other in bests[1:]:
        yield other, bests[0]
