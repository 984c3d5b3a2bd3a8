"""What each pool's per-task records say about its workers: a split that left one worker more to do, and workers
measured cold.

Both read the task rows the runner keeps (start, duration, worker) and the settings each file recorded, never a
strategy's name: a pool here is any cell of more than one worker.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from bench.report.load import Column
from bench.report.selection import cell_name
from bench.result import Cell, Repetition, RunWarning
from bench.vocabulary import chunk_of, strategy

COLD_FACTOR = 1.10
"""A cold pool is named when its workers' first tasks took at least this many times their last ones."""


@dataclass(frozen=True)
class Split:
    """One repetition's split: the tasks of the worker that finished last, and an even share (rounded down)."""

    last_worker_tasks: int
    even_share: int
    chunk: int

    @property
    def uneven(self) -> bool:
        """The last worker to finish ran at least one chunk more than an even share: the split, not the strategy,
        set part of the wall time."""
        return self.last_worker_tasks >= self.even_share + self.chunk


def split_of(run: Repetition, workers: int, chunk: int) -> Split | None:
    """The split of one repetition, or None without task rows."""
    if not run.tasks:
        return None
    counts = Counter(task.worker for task in run.tasks)
    ends: dict[int, float] = {}
    for task in run.tasks:
        ends[task.worker] = max(ends.get(task.worker, 0.0), task.start_s + task.duration_s)
    last = max(ends, key=lambda worker: ends[worker])
    return Split(counts[last], len(run.tasks) // workers, chunk)


def _chunk(column: Column, cell: Cell, tasks: int) -> int:
    """Tasks per hand-over in this cell: the recorded setting for a process pool, else one at a time."""
    if not strategy(cell.executor).chunked:
        return 1
    return chunk_of(column.config.chunksize, tasks, cell.workers)


def uneven_splits(columns: list[Column]) -> list[RunWarning]:
    """Pool cells handing tasks over in chunks whose last worker to finish ran a chunk more than an even share in
    most rounds.  Tasks handed over one at a time are dynamic scheduling, which balances: a worker that ran a task
    more did so because it was free first, so it is not named."""
    shown = []
    for column in columns:
        for cell in column.document.cells:
            if cell.workers < 2 or not cell.runs or not cell.runs[0].tasks:
                continue
            chunk = _chunk(column, cell, len(cell.runs[0].tasks))
            if chunk < 2:
                continue  # one task per hand-over: a worker takes the next task when it is free, which balances
            splits = [split for run in cell.runs if (split := split_of(run, cell.workers, chunk)) is not None]
            uneven = [split for split in splits if split.uneven]
            if splits and len(uneven) * 2 > len(splits):
                typical = statistics.median_low(split.last_worker_tasks for split in uneven)
                shown.append(
                    (
                        cell_name(column.name, cell.workload, cell.executor, cell.workers),
                        f"{typical} of {len(cell.runs[0].tasks)} tasks where an even share is {uneven[0].even_share} "
                        f"({len(uneven)} of {len(splits)} rounds)",
                    )
                )
    if not shown:
        return []
    listed = "; ".join(f"{name}: {what}" for name, what in shown[:5])
    return [
        RunWarning(
            "uneven-split",
            f"{len(shown)} pool cell(s) had their last worker to finish run at least a chunk of tasks more than an "
            f"even share in most rounds ({listed}): part of their time is that uneven split, not the strategy; "
            "a load the worker counts divide, in chunks that split it evenly (--chunksize auto), avoids it.",
            tuple(name for name, _ in shown),
        )
    ]


def first_to_last(cell: Cell) -> float | None:
    """Over the cell's rounds and workers (median): a worker's first task's time / its last task's time."""
    ratios = []
    for run in cell.runs:
        by_worker: dict[int, list[tuple[float, float]]] = {}
        for task in run.tasks:
            by_worker.setdefault(task.worker, []).append((task.start_s, task.duration_s))
        for tasks in by_worker.values():
            if len(tasks) >= 2:
                tasks.sort()
                if tasks[-1][1] > 0:
                    ratios.append(tasks[0][1] / tasks[-1][1])
    return statistics.median(ratios) if ratios else None


def cold_pools(columns: list[Column]) -> list[RunWarning]:
    """Pools whose workers are new in every pass, measured without a warm-up in their pool (--warmup 0, the seed
    preset, or files from before pools were warmed): how much slower a worker's first task ran than its last."""
    shown = []
    for column in columns:
        warmed = column.config.pools_warmed and column.config.warmup != 0
        if warmed:
            continue
        for cell in column.document.cells:
            if strategy(cell.executor).warm_up_carries_over or not cell.runs:
                continue
            factor = first_to_last(cell)
            if factor is not None and factor >= COLD_FACTOR:
                name = cell_name(column.name, cell.workload, cell.executor, cell.workers)
                shown.append((name, factor))
    if not shown:
        return []
    shown.sort(key=lambda item: -item[1])
    listed = "; ".join(f"{name} {factor:.1f}x" for name, factor in shown[:5])
    return [
        RunWarning(
            "cold-pool",
            f"{len(shown)} pool cell(s) were measured cold, their workers new and not warmed up: a worker's first "
            f"task took this many times its last one (median over workers and rounds: {listed}), so their times "
            "include each worker's warming up (a JIT compiling, bytecode specialising, imports).",
            tuple(name for name, _ in shown),
        )
    ]
