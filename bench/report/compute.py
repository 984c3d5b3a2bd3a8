"""Loaded columns -> tidy pandas data: one row per measured repetition, one per cell, ideals, build facts.

Host code.  Everything the report says is derived from these frames, so the
CSV export and the tables can never disagree.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from bench.report import stats
from bench.report.load import Column

CELL_KEYS = ["interpreter", "workload", "executor", "workers"]

STRATEGIES = ("threads", "processes", "interpreters")
"""The parallel strategies, in the order the report shows them (subinterpreters: PEP 684/734)."""
CPU_BOUND = ("cpu", "objects", "hash")
"""Workloads whose tasks keep a CPU busy all along: N workers can at best use min(N, usable CPUs)."""
WAITING = ("io", "sleep")
"""Workloads whose tasks mostly wait: N workers can overlap N waits whatever the CPUs."""


OVERHEAD_COLUMNS = (
    "tasks",
    "task_s",
    "pool_startup_s",
    "gaps_s",
    "shutdown_s",
    "overhead_share",
    "cpu_per_task_s",
    "peak_rss_bytes",
)
"""Per-repetition facts whose median over the rounds each cell summary carries."""


def cpu_bound(workload: str) -> bool:
    """``cpu``, or ``cpu=1000`` when a run listed the workload twice."""
    return workload.split("=", maxsplit=1)[0] in CPU_BOUND


def tidy_runs(results: list[Column]) -> pd.DataFrame:
    """One row per measured repetition (a cell that measured nothing keeps one row without times)."""
    rows: list[dict[str, Any]] = []
    for column in results:
        document, interpreter, machine = column.document, column.interpreter, column.machine
        base = {
            "run_id": document.run_id,
            "machine": machine.hostname,
            "cpu_model": machine.cpu_model,
            "usable_cpus": machine.usable_cpus,
            "interpreter": column.name,
            "label": interpreter.label,
            "implementation": interpreter.implementation,
            "version": interpreter.version,
            "free_threaded_build": interpreter.free_threaded_build,
            "gil_enabled": interpreter.gil_enabled,
            "preset": document.config.preset,
            "file": str(column.path),
        }
        for cell in document.cells:
            cell_row = {
                **base,
                "workload": cell.workload,
                "executor": cell.executor,
                "workers": cell.workers,
                "status": cell.status,
                "reason": cell.reason,
            }
            if not cell.runs:
                rows.append({**cell_row, "repetition": None, "round": None, "wall_s": None, "pool_startup_s": None})
            for index, run in enumerate(cell.runs):
                durations = sorted(task.duration_s for task in run.tasks)
                overheads = (run.pool_startup_s, run.gaps_s, run.shutdown_s)
                rows.append(
                    {
                        **cell_row,
                        "repetition": index + 1,
                        "round": run.round,
                        "wall_s": run.wall_s,
                        "tasks": len(run.tasks),
                        "task_s": float(np.median(durations)) if durations else None,
                        "pool_startup_s": run.pool_startup_s,
                        "gaps_s": run.gaps_s,
                        "shutdown_s": run.shutdown_s,
                        "overhead_share": (
                            sum(overheads) / run.wall_s  # type: ignore[arg-type]
                            if None not in overheads and run.wall_s > 0
                            else None
                        ),
                        "cpu_s": run.cpu_s,
                        "cpu_per_task_s": run.cpu_s / len(run.tasks) if run.cpu_s is not None and run.tasks else None,
                        "peak_rss_bytes": run.peak_rss_bytes,
                        "on_cpu": run.on_cpu,
                    }
                )
    frame: pd.DataFrame = pd.DataFrame(rows)
    if not frame.empty:
        frame["workers"] = frame["workers"].astype(int)
    return frame


def cell_summary(runs: pd.DataFrame, drifts: dict[str, dict[int, float]] | None = None) -> pd.DataFrame:
    """Per cell: median time and the range of its rounds, spread, status, and speed-up over serial.

    Speed-ups compare each cell with the same interpreter's one-worker run of the
    same workload (the serial cell, else one thread, as in the talk), paired by
    round (:func:`bench.report.stats.compare`).  ``drifts`` is each column's
    machine slowness per round, from the speed probe (:func:`probe_drift`).
    """
    records = []
    for key, cell in runs.groupby(CELL_KEYS, sort=False):
        ordered = cell.sort_values("repetition").dropna(subset=["wall_s"])
        walls = [float(value) for value in ordered["wall_s"]]
        rounds = [int(value) for value in ordered["round"]] if "round" in ordered else []
        record: dict[str, Any] = dict(zip(CELL_KEYS, key))
        record.update(
            status=cell["status"].iloc[0],
            reason=cell["reason"].iloc[0],
            usable_cpus=cell["usable_cpus"].iloc[0],
            walls=walls,
            rounds=rounds,
            n=len(walls),
        )
        for column in OVERHEAD_COLUMNS:
            values = ordered[column].dropna() if column in ordered else []
            record[column] = float(np.median(values)) if len(values) else float("nan")
        if walls:
            estimate = stats.median_range(walls)
            mean = sum(walls) / len(walls)
            spread = pd.Series(walls).std() if len(walls) > 1 else 0.0
            drift = (drifts or {}).get(str(record["interpreter"]), {})
            # Only a CPU-bound cell slows down with the CPUs: dividing a waiting one by their drift invents a trend.
            factors = [drift.get(r, 1.0) for r in rounds] if drift and rounds and cpu_bound(str(key[1])) else None
            record.update(
                median=estimate.value,
                range_low=estimate.low,
                range_high=estimate.high,
                cv=float(spread) / mean if mean else 0.0,
                warming=stats.still_warming(walls, factors),
            )
        records.append(record)
    summary: pd.DataFrame = pd.DataFrame(records)
    for column in ("median", "range_low", "range_high", "cv"):
        if column not in summary:
            summary[column] = float("nan")
    if "warming" not in summary:
        summary["warming"] = False
    summary["warming"] = summary["warming"].fillna(False).astype(bool)
    baselines = serial_walls(summary)
    speedups, lows, highs, serial_medians, p_values, paired = [], [], [], [], [], []
    for row in summary.itertuples():
        serial = baselines.get((str(row.interpreter), str(row.workload)))
        serial_medians.append(float(np.median(serial[0])) if serial else float("nan"))
        if serial is None or not row.walls:
            comparison = stats.Comparison(float("nan"), float("nan"), float("nan"), float("nan"), False, 0)
        else:
            comparison = stats.compare(serial[0], serial[1], list(row.walls), list(row.rounds), paired=True)  # type: ignore[arg-type]
        speedups.append(comparison.value)
        lows.append(comparison.low)
        highs.append(comparison.high)
        p_values.append(comparison.p)
        paired.append(comparison.paired)
    summary["serial_s"] = serial_medians
    summary["speedup"] = speedups
    summary["speedup_low"] = lows
    summary["speedup_high"] = highs
    summary["p_vs_serial"] = p_values
    summary["paired"] = paired
    return summary


def add_ideals(summary: pd.DataFrame, capacity: Mapping[str, Callable[[int], float]]) -> pd.DataFrame:
    """The ideal speed-up of each cell, and the efficiency against it.

    CPU-bound workloads: min(workers, usable CPUs), and, where the speed probe
    ran, what those CPUs together delivered relative to the CPU the serial run
    used (``ideal``; ``ideal_cpus`` keeps the plain count).  Waiting and mixed
    workloads (and users' own): the number of workers, since waits overlap.
    """
    cpus, ideals = [], []
    for name, workload, workers, usable in zip(
        summary["interpreter"], summary["workload"], summary["workers"].astype(int), summary["usable_cpus"].astype(int)
    ):
        if cpu_bound(str(workload)):
            count = min(int(workers), int(usable))
            measured = capacity.get(str(name))
            cpus.append(float(count))
            ideals.append(measured(count) if measured is not None else float(count))
        else:
            cpus.append(float(workers))
            ideals.append(float(workers))
    summary["ideal_cpus"] = cpus
    summary["ideal"] = ideals
    summary["efficiency"] = summary["speedup"] / summary["ideal"]
    return summary


def serial_walls(summary: pd.DataFrame) -> dict[tuple[str, str], tuple[list[float], list[int]]]:
    """Each interpreter's one-worker times and rounds per workload: the serial cell, else 1 thread (the talk's)."""
    baselines: dict[tuple[str, str], tuple[list[float], list[int]]] = {}
    for executor in ("threads", "serial"):  # serial wins when both exist
        rows = summary[(summary["executor"] == executor) & (summary["workers"] == 1)]
        for row in rows.itertuples():
            if row.walls:
                baselines[(str(row.interpreter), str(row.workload))] = (list(row.walls), list(row.rounds))
    return baselines


def build_flags(config_args: str) -> str:
    """Configure arguments without the install paths, which differ between any two builds."""
    parts = [
        part
        for part in shlex.split(config_args or "")
        if not re.match(r"^(--prefix|--libdir|LDFLAGS|LIBS|CPPFLAGS)=", part)
    ]
    return " ".join(parts)


def twin_of(column: Column, results: list[Column]) -> Column | None:
    """The GIL build a free-threaded build should be compared with: same tarball, else same version."""
    version = column.interpreter.version
    candidates = [
        other
        for other in results
        if other.interpreter.implementation == "cpython" and not other.interpreter.free_threaded_build
    ]
    same_source = [
        other for other in candidates if column.source_sha256 and other.source_sha256 == column.source_sha256
    ]
    same_version = [other for other in candidates if other.interpreter.version == version]
    same_minor = [other for other in candidates if other.interpreter.version.split(".")[:2] == version.split(".")[:2]]
    for group in (same_source, same_version, same_minor):
        if group:
            return group[0]
    return None
