"""Loaded results -> tidy pandas data and one :class:`Column` per interpreter.

Host code.  Everything the report says is derived from these frames, so the
CSV export and the tables can never disagree.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.report import stats
from bench.report.load import Source
from bench.result import Config, Document, Interpreter, Machine

CELL_KEYS = ["interpreter", "workload", "executor", "workers"]


@dataclass(frozen=True)
class Column:
    """One interpreter's result as the report shows it: its column name and its typed document."""

    name: str
    path: Path
    document: Document

    @property
    def interpreter(self) -> Interpreter:
        return self.document.interpreter

    @property
    def machine(self) -> Machine:
        return self.document.machine

    @property
    def config(self) -> Config:
        return self.document.config

    @property
    def free_threaded(self) -> bool:
        """A free-threaded build that really ran without the GIL (in the parent and every cell)."""
        return self.interpreter.free_threaded_build and not self.gil_was_on

    @property
    def gil_was_on(self) -> bool:
        return self.interpreter.gil_enabled or any(cell.gil_enabled for cell in self.document.cells)

    @property
    def origin(self) -> str:
        """Where the interpreter came from: gilbench's build (and its source), or its executable."""
        return str(
            self.interpreter.source.get("source_origin")
            or self.interpreter.base_executable
            or self.interpreter.executable
        )

    @property
    def source_sha256(self) -> str | None:
        value = self.interpreter.source.get("source_sha256")
        return str(value) if value else None


def columns(results: list[Source]) -> list[Column]:
    return [Column(source.name, source.path, source.document) for source in results]


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
                rows.append({**cell_row, "repetition": None, "wall_s": None, "pool_startup_s": None})
            for index, run in enumerate(cell.runs):
                rows.append(
                    {**cell_row, "repetition": index + 1, "wall_s": run.wall_s, "pool_startup_s": run.pool_startup_s}
                )
    frame: pd.DataFrame = pd.DataFrame(rows)
    if not frame.empty:
        frame["workers"] = frame["workers"].astype(int)
    return frame


def cell_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per cell: median wall time with its interval, spread, status, and speed-up over serial.

    Speed-ups compare each cell with the same interpreter's one-worker run of the
    same workload (the serial cell, else one thread, as in the talk).
    """
    records = []
    for key, cell in runs.groupby(CELL_KEYS, sort=False):
        walls = [float(value) for value in cell.sort_values("repetition")["wall_s"].dropna()]
        record: dict[str, Any] = dict(zip(CELL_KEYS, key))
        record.update(status=cell["status"].iloc[0], usable_cpus=cell["usable_cpus"].iloc[0], walls=walls, n=len(walls))
        if walls:
            estimate = stats.median_ci(walls)
            mean = sum(walls) / len(walls)
            spread = pd.Series(walls).std() if len(walls) > 1 else 0.0
            record.update(
                median=estimate.value,
                ci_low=estimate.low,
                ci_high=estimate.high,
                cv=float(spread) / mean if mean else 0.0,
                warming=stats.still_warming(walls),
            )
        records.append(record)
    summary: pd.DataFrame = pd.DataFrame(records)
    for column in ("median", "ci_low", "ci_high", "cv"):
        if column not in summary:
            summary[column] = float("nan")
    if "warming" not in summary:
        summary["warming"] = False
    summary["warming"] = summary["warming"].fillna(False).astype(bool)
    baselines = serial_walls(summary)
    speedups, lows, highs, serial_medians, p_values = [], [], [], [], []
    for row in summary.itertuples():
        serial = baselines.get((str(row.interpreter), str(row.workload)))
        serial_medians.append(float(np.median(serial)) if serial else float("nan"))
        if serial is None or not row.walls:
            estimate, p = stats.Estimate(float("nan"), float("nan"), float("nan")), float("nan")
        else:
            walls = list(row.walls)  # type: ignore[arg-type]
            estimate, p = stats.speedup_ci(serial, walls), stats.difference_p(serial, walls)
        speedups.append(estimate.value)
        lows.append(estimate.low)
        highs.append(estimate.high)
        p_values.append(p)
    summary["serial_s"] = serial_medians
    summary["speedup"] = speedups
    summary["speedup_low"] = lows
    summary["speedup_high"] = highs
    summary["p_vs_serial"] = p_values
    summary["efficiency"] = summary["speedup"] / summary[["workers", "usable_cpus"]].min(axis=1)
    return summary


def serial_walls(summary: pd.DataFrame) -> dict[tuple[str, str], list[float]]:
    """Each interpreter's one-worker repetitions per workload: the serial cell, else 1 thread (the talk's)."""
    baselines: dict[tuple[str, str], list[float]] = {}
    for executor in ("threads", "serial"):  # serial wins when both exist
        rows = summary[(summary["executor"] == executor) & (summary["workers"] == 1)]
        for row in rows.itertuples():
            if row.walls:
                baselines[(str(row.interpreter), str(row.workload))] = list(row.walls)
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
