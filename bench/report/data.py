"""Result documents -> tidy pandas data: one row per measured repetition, and per-cell summaries.

Host code.  Everything the report says is derived from these two frames, so
the CSV export and the tables can never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.report import stats

CELL_KEYS = ["interpreter", "workload", "executor", "workers"]


def interpreter_names(results: list[tuple[Path, dict[str, Any]]]) -> list[str]:
    """Each result's column name: its label, plus the machine when the results come from several."""
    several = len({document["machine"].get("hostname") for _, document in results}) > 1
    return [
        f"{document['interpreter']['label']} @ {document['machine'].get('hostname', '?')}"
        if several
        else str(document["interpreter"]["label"])
        for _, document in results
    ]


def tidy_runs(results: list[tuple[Path, dict[str, Any]]]) -> pd.DataFrame:
    """One row per measured repetition (a cell that measured nothing keeps one row without times)."""
    rows: list[dict[str, Any]] = []
    for (path, document), name in zip(results, interpreter_names(results)):
        interpreter = document["interpreter"]
        machine = document["machine"]
        base = {
            "run_id": document["run_id"],
            "machine": machine.get("hostname"),
            "cpu_model": machine.get("cpu_model"),
            "usable_cpus": machine.get("usable_cpus"),
            "interpreter": name,
            "label": interpreter["label"],
            "implementation": interpreter["implementation"],
            "version": interpreter["version"],
            "free_threaded_build": bool(interpreter["free_threaded_build"]),
            "gil_enabled": bool(interpreter["gil_enabled"]),
            "preset": document["config"].get("preset"),
            "file": str(path),
        }
        for cell in document["cells"]:
            cell_row = {
                **base,
                "workload": cell["workload"],
                "executor": cell["executor"],
                "workers": int(cell["workers"]),
                "status": cell["status"],
                "reason": cell.get("reason"),
            }
            runs = cell.get("runs") or []
            if not runs:
                rows.append({**cell_row, "repetition": None, "wall_s": None, "pool_startup_s": None})
            for index, run in enumerate(runs):
                rows.append(
                    {
                        **cell_row,
                        "repetition": index + 1,
                        "wall_s": float(run["wall_s"]),
                        "pool_startup_s": float(run.get("pool_startup_s", 0.0)),
                    }
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


def interpreters_table(results: list[tuple[Path, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One record per interpreter with the facts the report shows and warns about."""
    records = []
    for (path, document), name in zip(results, interpreter_names(results)):
        interpreter = document["interpreter"]
        build = interpreter.get("build", {})
        gilbench_build = build.get("gilbench_build") or {}
        records.append(
            {
                "interpreter": name,
                "label": interpreter["label"],
                "implementation": interpreter["implementation"],
                "version": interpreter["version"],
                "free_threaded_build": bool(interpreter["free_threaded_build"]),
                "gil_enabled": bool(interpreter["gil_enabled"]),
                "gil_enabled_cells": any(cell.get("gil_enabled") for cell in document["cells"]),
                "python_gil_env": interpreter.get("python_gil_env"),
                "jit": interpreter.get("jit", ""),
                "config_args": build.get("config_args", ""),
                "cflags": build.get("cflags", ""),
                "compiler": build.get("compiler", ""),
                "source": gilbench_build.get("source_origin")
                or interpreter.get("base_executable")
                or interpreter.get("executable", ""),
                "source_sha256": gilbench_build.get("source_sha256"),
                "complete": bool(document["complete"]),
                "interrupted": bool(document.get("interrupted")),
                "machine": document["machine"],
                "config": document["config"],
                "started_at": document.get("started_at"),
                "run_warnings": list(document.get("warnings", [])),
                "pin": document["config"].get("pin"),
                "file": str(path),
            }
        )
    return records
