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

from bench.report import stats

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


def _present(value: float | None) -> float | None:
    """The value as a float, or None when it is missing (None or NaN)."""
    if value is None or math.isnan(float(value)):
        return None
    return float(value)


def _unit(value: float) -> tuple[float, str, int]:
    """Scale and unit for a time: seconds above 0.1 s, else milliseconds."""
    if value >= 10:
        return 1.0, "s", 1
    if value >= 1:
        return 1.0, "s", 2
    if value >= 0.1:
        return 1.0, "s", 3
    return 1000.0, "ms", 1


def seconds(value: float | None) -> str:
    number = _present(value)
    if number is None:
        return "–"
    scale, unit, digits = _unit(number)
    return f"{number * scale:.{digits}f} {unit}"


def seconds_ci(value: float | None, low: float | None, high: float | None) -> str:
    """The median and its 95% interval in one unit, such as "0.620 s [0.614-0.626]"."""
    number, low_n, high_n = _present(value), _present(low), _present(high)
    if number is None:
        return "–"
    if low_n is None or high_n is None or low_n == high_n:
        return seconds(number)
    scale, unit, digits = _unit(number)
    return f"{number * scale:.{digits}f} {unit} [{low_n * scale:.{digits}f}–{high_n * scale:.{digits}f}]"


def ratio(value: float | None) -> str:
    number = _present(value)
    return "–" if number is None else f"{number:.2f}x"


def ratio_ci(value: float | None, low: float | None, high: float | None) -> str:
    number, low_n, high_n = _present(value), _present(low), _present(high)
    if number is None:
        return "–"
    if low_n is None or high_n is None or low_n == high_n:
        return ratio(number)
    return f"{number:.2f}x [{low_n:.2f}–{high_n:.2f}]"


def p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def percent(value: float | None) -> str:
    number = _present(value)
    return "–" if number is None else f"{number * 100:.0f}%"


def interpreter_order(interpreters: list[dict[str, Any]]) -> list[str]:
    return [record["interpreter"] for record in interpreters]


def workload_order(summary: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(summary["workload"]))


def _rows(summary: pd.DataFrame, interpreter: str, workload: str, executor: str | None = None) -> pd.DataFrame:
    """The cells of one interpreter and workload (and executor, when given)."""
    mask = (summary["interpreter"] == interpreter) & (summary["workload"] == workload)
    if executor is not None:
        mask &= summary["executor"] == executor
    rows: pd.DataFrame = summary[mask]
    return rows


def _cell(summary: pd.DataFrame, interpreter: str, workload: str, executor: str, workers: int) -> pd.Series | None:
    rows = _rows(summary, interpreter, workload, executor)
    rows = rows[rows["workers"] == workers]
    return None if rows.empty else rows.iloc[0]


def best(summary: pd.DataFrame, interpreter: str, workload: str, executor: str) -> pd.Series | None:
    """The cell of ``executor`` with the best speed-up over the interpreter's own serial run."""
    rows = _rows(summary, interpreter, workload, executor).dropna(subset=["speedup"])
    if rows.empty:
        return None
    top: pd.Series = rows.loc[rows["speedup"].idxmax()]
    return top


def fastest(summary: pd.DataFrame, interpreter: str, workload: str) -> pd.Series | None:
    rows = _rows(summary, interpreter, workload).dropna(subset=["median"])
    return None if rows.empty else rows.loc[rows["median"].idxmin()]


def serial_cell(summary: pd.DataFrame, interpreter: str, workload: str) -> pd.Series | None:
    for executor in ("serial", "threads"):
        cell = _cell(summary, interpreter, workload, executor, 1)
        if cell is not None and cell["walls"]:
            return cell
    return None


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
    """Everything a reader must know before trusting a number, loudest first."""
    return [
        *problems,
        *_missing_warnings(interpreters, manifests),
        *_interpreter_warnings(interpreters),
        *_twin_warnings(interpreters),
        *_run_warnings(interpreters),
        *_cell_warnings(interpreters, summary),
    ]


def _missing_warnings(interpreters: list[dict[str, Any]], manifests: list[dict[str, Any]]) -> list[str]:
    present = {r["label"] for r in interpreters}
    return [
        f"Interpreter {label} is missing from this run: "
        f"{manifest.get('missing', {}).get(label, 'its session did not write a result')}."
        for manifest in manifests
        for label in manifest.get("interpreters", [])
        if label not in present
    ]


def _interpreter_warnings(interpreters: list[dict[str, Any]]) -> list[str]:
    found = []
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
    return found


def _run_warnings(interpreters: list[dict[str, Any]]) -> list[str]:
    """What the runner saw before measuring (load, other processes, governor, turbo), said once."""
    said: dict[str, list[str]] = {}
    for r in interpreters:
        for warning in r.get("run_warnings", []):
            if not warning.startswith("up to "):  # worker counts are covered from the data
                said.setdefault(warning, []).append(r["interpreter"])
    return [f"Before measuring {', '.join(names)}: {warning}." for warning, names in said.items()]


def _cell_warnings(interpreters: list[dict[str, Any]], summary: pd.DataFrame) -> list[str]:
    found = [
        f"{row.interpreter}: {row.workload} {row.executor} x{row.workers} {row.status}."
        for row in summary[summary["status"] != "ok"].itertuples()
    ]
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
            "use more --repeat, a quieter machine, or --pin to fixed CPUs."
        )
    warming = summary[summary["warming"]]
    if not warming.empty:
        cells = ", ".join(
            f"{r.interpreter} {r.workload} {r.executor} x{r.workers}" for r in warming.head(5).itertuples()
        )
        found.append(
            f"{len(warming)} cell(s) were still getting faster from one repetition to the next (a JIT warming up: "
            f"{cells}); use --warmup auto or a larger --warmup."
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


def scales(cell: pd.Series | None) -> bool:
    """A strategy "scales" when its best cell is at least 1.1x and significantly faster than serial."""
    return bool(cell is not None and cell["speedup"] >= 1.1 and stats.significant(cell["p_vs_serial"]))


def _threads_phrase(threads: dict[str, pd.Series], free: set[str]) -> str:
    ordered = sorted(threads.items(), key=lambda item: -float(item[1]["speedup"]))
    text = "threads " + ", ".join(f"{float(cell['speedup']):.2f}x on {name}" for name, cell in ordered)
    gil_scales = [scales(cell) for name, cell in threads.items() if name not in free]
    free_scales = [scales(cell) for name, cell in threads.items() if name in free]
    if free_scales and gil_scales and any(free_scales) and not any(gil_scales):
        return text + " — the GIL serialises threads; free-threading runs them in parallel"
    if all(gil_scales + free_scales):
        return text + " — threads scale with or without a GIL: the tasks wait, or run C code that releases it"
    if not any(gil_scales + free_scales):
        return text + " — no significant gain from threads anywhere"
    return text


def _processes_phrase(processes: dict[str, pd.Series]) -> str:
    values = [float(cell["speedup"]) for cell in processes.values()]
    low, high = min(values), max(values)
    spread = f"{low:.2f}x" if round(low, 1) == round(high, 1) else f"{low:.2f}x–{high:.2f}x"
    return f"processes {spread} on {'all' if len(processes) > 1 else next(iter(processes))}"


def _winner_phrases(threads: dict[str, pd.Series], processes: dict[str, pd.Series], names: list[str]) -> list[str]:
    """ "threads beat processes on A, B (p≤0.008)": only where the test says so."""
    winners: dict[str, list[tuple[str, float]]] = {"threads": [], "processes": []}
    for name in names:
        if name in threads and name in processes:
            t_cell, p_cell = threads[name], processes[name]
            p = stats.difference_p(t_cell["walls"], p_cell["walls"])
            if stats.significant(p):
                winners["threads" if t_cell["median"] < p_cell["median"] else "processes"].append((name, p))
    phrases = []
    for winner, loser in (("threads", "processes"), ("processes", "threads")):
        if winners[winner]:
            where = ", ".join(name for name, _ in winners[winner])
            worst = p_text(max(p for _, p in winners[winner])).replace("=", "≤")
            phrases.append(f"{winner} beat {loser} on {where} ({worst})")
    return phrases


def verdict(workload: str, summary: pd.DataFrame, names: list[str], free: set[str]) -> str:
    """What the GIL does to this workload, in words; every claim is backed by a p < 0.01 test."""
    threads: dict[str, pd.Series] = {}
    processes: dict[str, pd.Series] = {}
    for name in names:
        for executor, store in (("threads", threads), ("processes", processes)):
            cell = best(summary, name, workload, executor)
            if cell is not None:
                store[name] = cell
    parts = []
    if threads:
        parts.append(_threads_phrase(threads, free))
    if processes:
        parts.append(_processes_phrase(processes))
    parts += _winner_phrases(threads, processes, names)
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
        for name in names:
            for executor in ("threads", "processes"):
                cell = best(summary, name, workload, executor)
                row.append(
                    "–"
                    if cell is None
                    else ratio_ci(cell["speedup"], cell["speedup_low"], cell["speedup_high"])
                    + f" ({int(cell['workers'])})"
                )
        row.append(verdict(workload, summary, names, free))
        rows.append(row)
    intro = (
        "Best speed-up of each strategy over the same interpreter's serial run, with its 95% interval "
        "and, in parentheses, the worker count that reached it. A claim in the verdict (scales, wins) "
        "holds only where a Mann-Whitney U test gives p < 0.01."
    )
    return Section("GIL impact", [intro], [("", Table(headers, rows))])


# --- 3. cost of free-threading on one thread ----------------------------------------------


def compare_text(mine: pd.Series, theirs: pd.Series) -> str:
    """How many times slower ``mine`` is than ``theirs``, with interval and test, in words."""
    estimate = stats.speedup_ci(mine["walls"], theirs["walls"])  # mine / theirs: > 1 means slower
    p = stats.difference_p(mine["walls"], theirs["walls"])
    text = ratio_ci(estimate.value, estimate.low, estimate.high)
    if not stats.significant(p):
        return f"{text} no significant difference ({p_text(p)})"
    direction = "slower" if estimate.value > 1 else "faster"
    if abs(estimate.value - 1) < 0.02:
        direction = f"slightly {direction} (under 2%)"
    return f"{text} {direction} ({p_text(p)})"


def free_threading_cost_section(summary: pd.DataFrame, interpreters: list[dict[str, Any]]) -> Section | None:
    pairs = [
        (record, twin)
        for record in interpreters
        if record["free_threaded_build"] and (twin := twin_of(record, interpreters)) is not None
    ]
    if not pairs:
        return None
    headers = ["workload"] + [f"{ft['interpreter']} / {twin['interpreter']}" for ft, twin in pairs]
    rows = []
    for workload in workload_order(summary):
        row = [workload]
        for ft, twin in pairs:
            mine = serial_cell(summary, ft["interpreter"], workload)
            theirs = serial_cell(summary, twin["interpreter"], workload)
            row.append("–" if mine is None or theirs is None else compare_text(mine, theirs))
        rows.append(row)
    intro = (
        "Serial time of each free-threaded build divided by its GIL twin's, with its 95% interval: "
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
        base_serial = serial_cell(summary, base["interpreter"], workload)
        base_best = fastest(summary, base["interpreter"], workload)
        row = [workload]
        for name in names:
            mine = serial_cell(summary, name, workload)
            top = fastest(summary, name, workload)
            for cell, reference, where in ((mine, base_serial, ""), (top, base_best, "best")):
                if cell is None or reference is None:
                    row.append("–")
                    continue
                label = f" {cell['executor']} x{int(cell['workers'])}" if where else ""
                relative = stats.speedup_ci(reference["walls"], cell["walls"])
                row.append(
                    f"{seconds(float(cell['median']))}{label} ({ratio_ci(relative.value, relative.low, relative.high)})"
                )
        rows.append(row)
    intro = (
        f"Serial time and best time (any strategy) per workload; in parentheses, how many times faster than "
        f"{base['interpreter']} (the CPython GIL baseline) in the same column kind, with its 95% interval."
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
                elif pd.isna(cell["median"]):
                    row += [str(cell["status"]), "–", "–"]
                else:
                    time_text = seconds_ci(cell["median"], cell["ci_low"], cell["ci_high"])
                    if cell["status"] != "ok":
                        time_text += f" ({cell['status']})"
                    if cell["warming"]:
                        time_text += " (warming)"
                    row += [
                        time_text,
                        ratio_ci(cell["speedup"], cell["speedup_low"], cell["speedup_high"]),
                        percent(cell["efficiency"]),
                    ]
            rows.append(row)
        tables.append((workload, Table(headers, rows)))
    intro = (
        "Median wall time of the repetitions with its 95% bootstrap interval; speed-up over the same "
        "interpreter's serial run with its interval; parallel efficiency = speed-up ÷ min(workers, usable CPUs). "
        '"(warming)" marks repetitions that were still getting faster (a JIT still compiling).'
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
