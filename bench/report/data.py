"""Result documents -> tidy pandas data: one row per measured repetition, and per-cell summaries.

Host code.  Everything the report says is derived from these two frames, so
the CSV export and the tables can never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

CELL_KEYS = ["interpreter", "workload", "executor", "workers"]


def interpreter_name(document: dict[str, Any], several_machines: bool) -> str:
    """The column name of an interpreter: its label, plus the machine when runs come from several."""
    label = str(document["interpreter"]["label"])
    if several_machines:
        return f"{label} @ {document['machine'].get('hostname', '?')}"
    return label


def tidy_runs(results: list[tuple[Path, dict[str, Any]]]) -> pd.DataFrame:
    """One row per measured repetition (a cell that measured nothing keeps one row without times)."""
    hosts = {document["machine"].get("hostname") for _, document in results}
    several = len(hosts) > 1
    rows: list[dict[str, Any]] = []
    for path, document in results:
        interpreter = document["interpreter"]
        machine = document["machine"]
        base = {
            "run_id": document["run_id"],
            "machine": machine.get("hostname"),
            "cpu_model": machine.get("cpu_model"),
            "usable_cpus": machine.get("usable_cpus"),
            "interpreter": interpreter_name(document, several),
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
    """Per cell: median wall time, its coefficient of variation, repetitions, status."""
    measured = runs.dropna(subset=["wall_s"])
    grouped = measured.groupby(CELL_KEYS, sort=False)["wall_s"]
    summary: pd.DataFrame = grouped.agg(median="median", mean="mean", std="std", n="count").reset_index()
    summary["cv"] = (summary["std"] / summary["mean"]).fillna(0.0)
    status = runs.groupby(CELL_KEYS, sort=False)["status"].first().reset_index()
    summary = status.merge(summary, on=CELL_KEYS, how="left")
    usable = runs.groupby("interpreter")["usable_cpus"].first()
    summary["usable_cpus"] = summary["interpreter"].map(usable)
    baselines = serial_baselines(summary)
    summary["serial_s"] = [
        baselines.get((str(interpreter), str(workload)))
        for interpreter, workload in zip(summary["interpreter"], summary["workload"])
    ]
    summary["speedup"] = summary["serial_s"] / summary["median"]
    summary["efficiency"] = summary["speedup"] / summary[["workers", "usable_cpus"]].min(axis=1)
    return summary


def serial_baselines(summary: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Each interpreter's one-worker time per workload: the serial cell, else 1 thread (the talk's)."""
    baselines: dict[tuple[str, str], float] = {}
    for executor in ("threads", "serial"):  # serial wins when both exist
        rows = summary[(summary["executor"] == executor) & (summary["workers"] == 1) & summary["median"].notna()]
        for row in rows.itertuples():
            baselines[(str(row.interpreter), str(row.workload))] = float(row.median)
    return baselines


def interpreters_table(results: list[tuple[Path, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One record per interpreter with the facts the report shows and warns about."""
    hosts = {document["machine"].get("hostname") for _, document in results}
    records = []
    for path, document in results:
        interpreter = document["interpreter"]
        build = interpreter.get("build", {})
        gilbench_build = build.get("gilbench_build") or {}
        records.append(
            {
                "interpreter": interpreter_name(document, len(hosts) > 1),
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
                "source": gilbench_build.get("source_origin") or interpreter.get("executable", ""),
                "source_sha256": gilbench_build.get("source_sha256"),
                "complete": bool(document["complete"]),
                "interrupted": bool(document.get("interrupted")),
                "machine": document["machine"],
                "config": document["config"],
                "started_at": document.get("started_at"),
                "file": str(path),
            }
        )
    return records
