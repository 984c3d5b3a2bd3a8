"""The compute stage: loaded columns -> tidy data, per-cell summaries, ideals and every comparison, once.

Host code.  Everything the report says is derived from :class:`Computed`: one
row per measured repetition, one per cell, each workload's traits as its
files recorded them, what the speed probe saw, and the table of comparisons
(:mod:`bench.report.comparisons`), so the CSV export, the tables and the
sentences can never disagree, and no later stage computes anything again.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bench import verdict
from bench.report import speed_probe, stats
from bench.report.comparisons import Comparisons, round_groups
from bench.report.load import Column
from bench.report.selection import (
    Selection,
    compared_pairs,
    family_pairs,
    one_worker_baseline,
    reference_column,
    select,
)
from bench.report.speed_probe import ProbeSummary
from bench.vocabulary import HOLDS, USES_CPU, WorkloadTraits, unknown_traits

CELL_KEYS = ["interpreter", "workload", "executor", "workers"]


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


Traits = Mapping[str, WorkloadTraits]
"""Each workload (as its cells name it) -> its traits, as its result files recorded them."""


def workload_traits(columns: list[Column]) -> dict[str, WorkloadTraits]:
    """Each workload's recorded traits, under the names its cells use: ``cpu``, or ``cpu=1000`` when a run listed
    the workload twice (the first file that names a workload decides; the merge checks warn if files differ)."""
    found: dict[str, WorkloadTraits] = {}
    for column in columns:
        for workload in column.config.workloads:
            found.setdefault(workload.text, workload.traits)
            found.setdefault(workload.name, workload.traits)
    return found


def holds_gil(traits: WorkloadTraits) -> bool:
    """Some of the workload's tasks use a CPU and hold the GIL while they do (cpu, objects, mixed; a user's that
    declares it): the GIL question applies to it."""
    return any(task.uses == USES_CPU and task.gil == HOLDS for _, task in traits.kinds)


def traits_of(traits: Traits, workload: str) -> WorkloadTraits:
    return traits.get(workload) or unknown_traits(workload)


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
            "gil_forced_on": bool(interpreter.free_threaded_build and column.gil_was_on),
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


def cell_summary(
    runs: pd.DataFrame,
    traits: Traits,
    comparisons: Comparisons,
    drifts: dict[str, dict[int, float]] | None = None,
) -> pd.DataFrame:
    """Per cell: median time and the range of its rounds, spread, status, and speed-up over its baseline.

    Speed-ups compare each cell with the same interpreter's one-worker run of the
    same workload (:func:`bench.report.selection.one_worker_baseline`), through the
    table of comparisons.  ``drifts`` is each column's machine slowness per
    round, from the speed probe (:func:`bench.report.speed_probe.drift_by_round`).
    """
    records = []
    for cell_key, cell in runs.groupby(CELL_KEYS, sort=False):
        ordered = cell.sort_values("repetition").dropna(subset=["wall_s"])
        walls = [float(value) for value in ordered["wall_s"]]
        rounds = [int(value) for value in ordered["round"]] if "round" in ordered else []
        record: dict[str, Any] = dict(zip(CELL_KEYS, cell_key))
        record.update(
            status=cell["status"].iloc[0],
            reason=cell["reason"].iloc[0],
            usable_cpus=cell["usable_cpus"].iloc[0],
            gil_forced_on=bool(cell["gil_forced_on"].iloc[0]) if "gil_forced_on" in cell else False,
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
            cpu_bound = traits_of(traits, str(cell_key[1])).cpu_bound
            factors = [drift.get(r, 1.0) for r in rounds] if drift and rounds and cpu_bound else None
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
    return with_speedups(summary, comparisons)


def with_speedups(summary: pd.DataFrame, comparisons: Comparisons) -> pd.DataFrame:
    """Each cell's speed-up over its one-worker baseline (baseline / cell), its interval and outcome, through the
    table of comparisons (so a pair the answer's family holds carries the family's interval here too)."""
    summary = summary.copy()
    nothing = stats.Comparison(float("nan"), float("nan"), float("nan"), float("nan"), False, 0)
    measured: list[stats.Comparison] = []
    serial_medians = []
    for index in range(len(summary)):
        row = summary.iloc[index]
        baseline = one_worker_baseline(summary, str(row["interpreter"]), str(row["workload"]))
        serial_medians.append(float(np.median(baseline["walls"])) if baseline is not None else float("nan"))
        measured.append(nothing if baseline is None or not row["walls"] else comparisons.add(baseline, row))
    summary["serial_s"] = serial_medians
    summary["speedup"] = [comparison.value for comparison in measured]
    summary["speedup_low"] = [comparison.low for comparison in measured]
    summary["speedup_high"] = [comparison.high for comparison in measured]
    summary["p_vs_serial"] = [comparison.p for comparison in measured]
    summary["speedup_outcome"] = [comparison.outcome for comparison in measured]  # the baseline against the cell
    summary["paired"] = [comparison.paired for comparison in measured]
    return summary


def add_ideals(summary: pd.DataFrame, traits: Traits, capacity: Mapping[str, Callable[[int], float]]) -> pd.DataFrame:
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
        if traits_of(traits, str(workload)).cpu_bound:
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


def quarter_task_s(cell: Any) -> float:
    """The task length at which this cell's pool costs (start-up, shut-down and hand-over gaps) would be a quarter
    of its wall time.  With k tasks per worker and pool costs C per worker, the costs are at most a quarter once
    k·T >= 3·C, so T = 3·C / k; the gaps (one hand-over per task) stay in C as measured.  NaN where a cost was not
    recorded."""
    tasks, workers = float(cell["tasks"]), float(cell["workers"])
    costs = [float(cell[column]) for column in ("pool_startup_s", "shutdown_s", "gaps_s")]
    if math.isnan(tasks) or not tasks or any(math.isnan(cost) for cost in costs):
        return float("nan")
    return 3.0 * sum(costs) / math.ceil(tasks / workers)


def build_flags(config_args: str) -> str:
    """Configure arguments without the install paths, which differ between any two builds."""
    parts = [
        part
        for part in shlex.split(config_args or "")
        if not re.match(r"^(--prefix|--libdir|LDFLAGS|LIBS|CPPFLAGS)=", part)
    ]
    return " ".join(parts)


@dataclass
class Computed:
    """Everything the report says, computed once: the data, the traits, what the probe saw, every comparison."""

    columns: list[Column]
    runs: pd.DataFrame  # one row per measured repetition
    summary: pd.DataFrame  # one row per cell
    traits: dict[str, WorkloadTraits]
    probes: dict[str, ProbeSummary | None]
    comparisons: Comparisons
    reference: Column | None  # the CPython GIL build every interpreter is compared with
    selection: Selection  # every cell the report names, chosen once

    @property
    def one_run(self) -> bool:
        """Every interpreter was measured in the same rounds: comparisons between them are paired too."""
        return len(self.columns) > 1 and len(set(self.comparisons.groups.values())) == 1

    def traits_of(self, workload: str) -> WorkloadTraits:
        return traits_of(self.traits, workload)


def margin_of(columns: list[Column]) -> float:
    """The equivalence margin the runs recorded (the first file's; the merge checks name files that differ)."""
    return columns[0].config.margin if columns else verdict.DEFAULT_MARGIN


def looks_of(columns: list[Column]) -> int:
    """How many looks at the answer's comparisons the runs planned (the most of any file: one that added no rounds
    planned one), which the family's level is divided by."""
    return max((len(column.config.looks) for column in columns), default=1)


def compute(columns: list[Column]) -> Computed:
    """The compute stage: every frame and every comparison the sections will read.  The cells are chosen first
    (their choice reads the times alone), then the answer's family is known, and every comparison is made once,
    the family's at its corrected level."""
    runs = tidy_runs(columns)
    traits = workload_traits(columns)
    probes = {column.name: speed_probe.summarize(column) for column in columns}
    groups, margin = round_groups(columns), margin_of(columns)
    drifts = {column.name: speed_probe.drift_by_round(column) for column in columns}
    summary = cell_summary(runs, traits, Comparisons(groups, margin), drifts)
    capacities = {name: probe.capacity for name, probe in probes.items() if probe is not None}
    summary = add_ideals(summary, traits, capacities)
    selection = select(summary, columns, lambda workload: holds_gil(traits_of(traits, workload)))
    comparisons = Comparisons(groups, margin, family_pairs(selection), looks=looks_of(columns))
    summary = with_speedups(summary, comparisons)
    comparisons.add_all(compared_pairs(summary, selection))
    return Computed(columns, runs, summary, traits, probes, comparisons, reference_column(columns), selection)
