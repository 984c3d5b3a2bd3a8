"""The report's content: tables (headers + rows of strings), verdicts and warnings.

Host code.  Nothing here knows about Markdown or HTML; :mod:`bench.report.render`
turns these sections into both, so the two formats always say the same thing.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

CV_WARNING = 0.10
"""Repetitions varying more than this (coefficient of variation) are flagged."""

SCALES = 1.3
"""A best speed-up at or above this counts as "scales" in the verdicts."""

EXECUTOR_ORDER = {"serial": 0, "threads": 1, "processes": 2}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    align: list[str] | None = None  # "left"/"right" per column


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table)


def seconds(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value >= 10:
        return f"{value:.1f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.3f} s"


def ratio(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.2f}x"


def percent(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.0f}%"


def interpreter_order(interpreters: list[dict[str, Any]]) -> list[str]:
    return [record["interpreter"] for record in interpreters]


def workload_order(summary: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(summary["workload"]))


def _cell(summary: pd.DataFrame, interpreter: str, workload: str, executor: str, workers: int) -> pd.Series | None:
    rows = summary[
        (summary["interpreter"] == interpreter)
        & (summary["workload"] == workload)
        & (summary["executor"] == executor)
        & (summary["workers"] == workers)
    ]
    return None if rows.empty else rows.iloc[0]


def best(summary: pd.DataFrame, interpreter: str, workload: str, executor: str) -> tuple[float, int] | None:
    """The best speed-up of ``executor`` over the interpreter's own serial run, and at how many workers."""
    rows = summary[
        (summary["interpreter"] == interpreter)
        & (summary["workload"] == workload)
        & (summary["executor"] == executor)
        & summary["speedup"].notna()
    ]
    if rows.empty:
        return None
    top = rows.loc[rows["speedup"].idxmax()]
    return float(top["speedup"]), int(top["workers"])


# --- 1. what was measured ---------------------------------------------------------------


def measured_section(interpreters: list[dict[str, Any]], manifests: list[dict[str, Any]]) -> Section:
    first = interpreters[0]
    machine, config = first["machine"], first["config"]
    machines = {
        f"{r['machine'].get('hostname')} — {r['machine'].get('cpu_model')}, "
        f"{r['machine'].get('usable_cpus')} usable of {r['machine'].get('logical_cpus')} logical CPUs": None
        for r in interpreters
    }
    lines = [
        "Machine: " + "; ".join(machines),
        f"Date: {first.get('started_at') or '?'}; OS: {machine.get('platform', machine.get('os'))}",
        f"Preset: `{config.get('preset')}`; load {config.get('load')} tasks per cell, "
        f"{config.get('repeat')} repetitions after {config.get('warmup')} warm-up(s) "
        f"(more on PyPy), timeout {config.get('timeout_s')} s, process start method `{config.get('start_method')}`.",
        "Workloads: "
        + ", ".join(
            f"`{w['name']}`" + (f" ({w['argument']})" if w.get("argument") is not None else "")
            for w in config.get("workloads", [])
        )
        + ".",
    ]
    command = reproduce_command(interpreters, manifests)
    if command:
        lines.append(f"Reproduce with: `{command}`")
    table = Table(
        [
            "interpreter",
            "implementation",
            "version",
            "free-threaded build",
            "GIL at run time",
            "JIT",
            "build flags",
            "source",
        ],
        [
            [
                r["interpreter"],
                r["implementation"],
                r["version"],
                "yes" if r["free_threaded_build"] else "no",
                ("on" if r["gil_enabled"] else "off")
                + (f" (PYTHON_GIL={r['python_gil_env']})" if r["python_gil_env"] else ""),
                r["jit"],
                _flags(r["config_args"]) or "–",
                r["source"],
            ]
            for r in interpreters
        ],
    )
    return Section("What was measured", lines, [("Interpreters", table)])


def _flags(config_args: str) -> str:
    """Configure arguments without the install paths, which differ between any two builds."""
    parts = [
        part
        for part in shlex.split(config_args or "")
        if not re.match(r"^(--prefix|--libdir|LDFLAGS|LIBS|CPPFLAGS)=", part)
    ]
    return " ".join(parts)


def reproduce_command(interpreters: list[dict[str, Any]], manifests: list[dict[str, Any]]) -> str | None:
    for manifest in manifests:
        if manifest.get("command"):
            return str(manifest["command"])
    argv = interpreters[0]["config"].get("argv")
    return " ".join(shlex.quote(str(part)) for part in argv) if argv else None


# --- warnings ----------------------------------------------------------------------------


def warnings_list(
    interpreters: list[dict[str, Any]], summary: pd.DataFrame, manifests: list[dict[str, Any]], problems: list[str]
) -> list[str]:
    found: list[str] = list(problems)
    present = {r["label"] for r in interpreters}
    for manifest in manifests:
        for label in manifest.get("interpreters", []):
            if label not in present:
                reason = manifest.get("missing", {}).get(label, "its session did not write a result")
                found.append(f"Interpreter {label} is missing from this run: {reason}.")
    for r in interpreters:
        if r["free_threaded_build"] and (r["gil_enabled"] or r["gil_enabled_cells"]):
            why = (
                f"PYTHON_GIL={r['python_gil_env']} forced it" if r["python_gil_env"] else "a module switched it back on"
            )
            found.append(
                f"{r['interpreter']} is a free-threaded build but ran with the GIL ON ({why}): "
                "its numbers are not free-threaded numbers."
            )
        if r["interrupted"]:
            found.append(f"{r['interpreter']}: the run was interrupted; only the cells measured before are reported.")
        elif not r["complete"]:
            found.append(f"{r['interpreter']}: the run is incomplete (a cell failed or timed out, see below).")
    found.extend(_twin_warnings(interpreters))
    bad = summary[summary["status"] != "ok"]
    for row in bad.itertuples():
        found.append(f"{row.interpreter}: {row.workload} {row.executor} x{row.workers} {row.status}.")
    usable = {r["interpreter"]: r["machine"].get("usable_cpus") or 1 for r in interpreters}
    over = sorted({int(w) for i, w in zip(summary["interpreter"], summary["workers"]) if w > usable.get(i, 1)})
    if over:
        cores = sorted(set(usable.values()))
        found.append(
            f"Worker counts {', '.join(map(str, over))} exceed the {'/'.join(map(str, cores))} usable CPU(s): "
            "beyond that, threads and processes can only wait or time-share, never add speed."
        )
    noisy = summary[summary["cv"] > CV_WARNING]
    if not noisy.empty:
        worst = noisy.sort_values("cv", ascending=False).head(5)
        cells = ", ".join(
            f"{r.interpreter} {r.workload} {r.executor} x{r.workers} ({r.cv:.0%})" for r in worst.itertuples()
        )
        found.append(
            f"{len(noisy)} cell(s) varied more than {CV_WARNING:.0%} between repetitions (worst: {cells}); "
            "use more --repeat or a quieter machine."
        )
    return found


def twin_of(record: dict[str, Any], interpreters: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The GIL build a free-threaded build should be compared with: same tarball, else same version."""
    candidates = [r for r in interpreters if r["implementation"] == "cpython" and not r["free_threaded_build"]]
    same_source = [r for r in candidates if record["source_sha256"] and r["source_sha256"] == record["source_sha256"]]
    same_version = [r for r in candidates if r["version"] == record["version"]]
    same_minor = [r for r in candidates if r["version"].split(".")[:2] == record["version"].split(".")[:2]]
    for group in (same_source, same_version, same_minor):
        if group:
            return group[0]
    return None


def _twin_warnings(interpreters: list[dict[str, Any]]) -> list[str]:
    found = []
    for record in interpreters:
        if not record["free_threaded_build"]:
            continue
        twin = twin_of(record, interpreters)
        if twin is None:
            continue
        if twin["version"] != record["version"]:
            found.append(
                f"{record['interpreter']} ({record['version']}) is compared with "
                f"{twin['interpreter']} ({twin['version']}): different patch versions, "
                "so part of the difference is not the GIL."
            )
        flags_ft = _flags(record["config_args"]).replace("--disable-gil", "").split()
        flags_gil = _flags(twin["config_args"]).split()
        if sorted(flags_ft) != sorted(flags_gil):
            found.append(
                f"{record['interpreter']} and {twin['interpreter']} were built with different flags "
                f"({' '.join(flags_ft) or 'none'} vs {' '.join(flags_gil) or 'none'}, besides --disable-gil)."
            )
    return found


# --- 2. GIL impact --------------------------------------------------------------------------


def verdict(workload: str, threads: dict[str, float], processes: dict[str, float], free: set[str]) -> str:
    """One sentence on what the GIL does to this workload, from the best speed-ups."""
    parts = []
    if threads:
        ordered = sorted(threads.items(), key=lambda item: -item[1])
        parts.append("threads " + ", ".join(f"{value:.2f}x on {name}" for name, value in ordered))
        gil = {name: value for name, value in threads.items() if name not in free}
        nogil = {name: value for name, value in threads.items() if name in free}
        if gil and nogil and max(nogil.values()) >= SCALES > max(gil.values()):
            parts[-1] += " — the GIL serialises threads; free-threading runs them in parallel"
        elif gil and nogil and max(gil.values()) >= SCALES > max(nogil.values()):
            parts[-1] += " — threads scale only with a GIL here (free-threading overhead outweighs the gain)"
        elif all(value >= SCALES for value in threads.values()):
            parts[-1] += " — threads scale with or without a GIL: the tasks wait, or run C code that releases it"
        elif all(value < SCALES for value in threads.values()):
            parts[-1] += " — threads do not help here"
    if processes:
        low, high = min(processes.values()), max(processes.values())
        spread = f"{low:.2f}x" if round(low, 1) == round(high, 1) else f"{low:.2f}x–{high:.2f}x"
        parts.append(f"processes {spread} on {'all' if len(processes) > 1 else next(iter(processes))}")
    return f"{workload}: " + "; ".join(parts) if parts else f"{workload}: no parallel cells measured"


def gil_impact_section(summary: pd.DataFrame, interpreters: list[dict[str, Any]]) -> Section:
    names = interpreter_order(interpreters)
    free = {r["interpreter"] for r in interpreters if r["free_threaded_build"] and not r["gil_enabled"]}
    headers = ["workload"]
    for name in names:
        headers += [f"{name} threads", f"{name} processes"]
    headers.append("verdict")
    rows = []
    for workload in workload_order(summary):
        row = [workload]
        threads: dict[str, float] = {}
        processes: dict[str, float] = {}
        for name in names:
            for executor, store in (("threads", threads), ("processes", processes)):
                found = best(summary, name, workload, executor)
                if found is None:
                    row.append("–")
                else:
                    store[name] = found[0]
                    row.append(f"{found[0]:.2f}x ({found[1]})")
        row.append(verdict(workload, threads, processes, free))
        rows.append(row)
    intro = (
        "Best speed-up of each strategy over the same interpreter's serial run (one worker), "
        "with the worker count that reached it in parentheses."
    )
    return Section("GIL impact", [intro], [("", Table(headers, rows))])


# --- 3. cost of free-threading on one thread ----------------------------------------------


def free_threading_cost_section(summary: pd.DataFrame, interpreters: list[dict[str, Any]]) -> Section | None:
    pairs = [
        (record, twin)
        for record in interpreters
        if record["free_threaded_build"] and (twin := twin_of(record, interpreters)) is not None
    ]
    if not pairs:
        return None
    baselines = summary[summary["serial_s"].notna()].groupby(["interpreter", "workload"])["serial_s"].first()
    headers = ["workload"] + [f"{ft['interpreter']} / {twin['interpreter']}" for ft, twin in pairs]
    rows = []
    for workload in workload_order(summary):
        row = [workload]
        for ft, twin in pairs:
            mine = baselines.get((ft["interpreter"], workload))
            theirs = baselines.get((twin["interpreter"], workload))
            if mine is None or theirs is None:
                row.append("–")
            else:
                value = float(mine) / float(theirs)
                row.append(f"{value:.2f}x ({'slower' if value > 1 else 'faster'})")
        rows.append(row)
    intro = (
        "Serial time of each free-threaded build divided by its GIL twin's: "
        "above 1.00x is the price of free-threading on one thread."
    )
    return Section("Cost of free-threading on one thread", [intro], [("", Table(headers, rows))])


# --- 4. interpreters against each other --------------------------------------------------


def baseline_interpreter(interpreters: list[dict[str, Any]]) -> dict[str, Any] | None:
    for record in interpreters:
        if record["implementation"] == "cpython" and not record["free_threaded_build"]:
            return record
    return None


def interpreters_section(summary: pd.DataFrame, interpreters: list[dict[str, Any]]) -> Section | None:
    base = baseline_interpreter(interpreters)
    if base is None:
        return None
    names = interpreter_order(interpreters)
    headers = ["workload"]
    for name in names:
        headers += [f"{name} serial", f"{name} best"]
    rows = []
    for workload in workload_order(summary):
        mine = summary[summary["workload"] == workload]
        base_rows = mine[mine["interpreter"] == base["interpreter"]]
        base_serial = base_rows["serial_s"].dropna()
        base_best = base_rows["median"].min()
        row = [workload]
        for name in names:
            rows_i = mine[mine["interpreter"] == name].dropna(subset=["median"])
            serial = rows_i["serial_s"].dropna()
            if serial.empty or base_serial.empty:
                row.append("–")
            else:
                row.append(
                    f"{seconds(float(serial.iloc[0]))} ({float(base_serial.iloc[0]) / float(serial.iloc[0]):.2f}x)"
                )
            if rows_i.empty or math.isnan(base_best):
                row.append("–")
            else:
                top = rows_i.loc[rows_i["median"].idxmin()]
                row.append(
                    f"{seconds(float(top['median']))} {top['executor']} x{int(top['workers'])} "
                    f"({base_best / float(top['median']):.2f}x)"
                )
        rows.append(row)
    intro = (
        f"Serial time and best time (any strategy) per workload; in parentheses, how many times faster than "
        f"{base['interpreter']} (the CPython GIL baseline) in the same column kind."
    )
    return Section("Interpreters against each other", [intro], [("", Table(headers, rows))])


# --- 5. full matrix per workload ----------------------------------------------------------


def matrix_section(summary: pd.DataFrame, interpreters: list[dict[str, Any]]) -> Section:
    names = interpreter_order(interpreters)
    tables = []
    for workload in workload_order(summary):
        mine = summary[summary["workload"] == workload]
        keys = sorted(
            {(e, int(w)) for e, w in zip(mine["executor"], mine["workers"])},
            key=lambda k: (EXECUTOR_ORDER.get(k[0], 9), k[1]),
        )
        headers = ["executor", "workers"]
        for name in names:
            headers += [f"{name} time", f"{name} speed-up", f"{name} efficiency"]
        rows = []
        for executor, workers in keys:
            row = [executor, str(workers)]
            for name in names:
                cell = _cell(mine, name, workload, executor, workers)
                if cell is None:
                    row += ["–", "–", "–"]
                elif cell["status"] != "ok" and pd.isna(cell["median"]):
                    row += [str(cell["status"]), "–", "–"]
                else:
                    time_text = f"{seconds(float(cell['median']))} ±{float(cell['cv']) * 100:.0f}%"
                    if cell["status"] != "ok":
                        time_text += f" ({cell['status']})"
                    row += [time_text, ratio(cell["speedup"]), percent(cell["efficiency"])]
            rows.append(row)
        tables.append((workload, Table(headers, rows)))
    intro = (
        "Median wall time of the repetitions ± their coefficient of variation; speed-up over the same "
        "interpreter's serial run; parallel efficiency = speed-up ÷ min(workers, usable CPUs)."
    )
    return Section("Every cell", [intro], tables)


# --- 6. the talk's table --------------------------------------------------------------------

SEED_ROWS = [
    ("io_work_load single thread", "io", "threads", 1),
    ("io_work_load 5 threads", "io", "threads", 5),
    ("io_work_load 5 process", "io", "processes", 5),
    ("cpu_work_load single thread", "cpu", "threads", 1),
    ("cpu_work_load 5 threads", "cpu", "threads", 5),
    ("cpu_work_load 5 process", "cpu", "processes", 5),
    ("io_and_cpu_work_load single thread", "mixed", "threads", 1),
    ("io_and_cpu_work_load 5 threads", "mixed", "threads", 5),
    ("io_and_cpu_work_load 5 process", "mixed", "processes", 5),
]


def seed_section(summary: pd.DataFrame, interpreters: list[dict[str, Any]]) -> Section | None:
    if not any(r["config"].get("preset") == "seed" for r in interpreters):
        return None
    names = interpreter_order(interpreters)
    rows = []
    for title, workload, executor, workers in SEED_ROWS:
        row = [title]
        for name in names:
            cell = _cell(summary, name, workload, executor, workers)
            row.append("–" if cell is None or pd.isna(cell["median"]) else seconds(float(cell["median"])))
        rows.append(row)
    intro = "The talk's 9 rows (300 tasks each unless --load said otherwise), median wall time per interpreter."
    return Section("The talk's table", [intro], [("", Table(["work load", *names], rows))])
