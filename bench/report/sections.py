"""The report's sections: titles, paragraphs and tables of strings, laid out in reading order.

Host code.  Nothing here knows about Markdown or HTML (the exporters of
:mod:`bench.report.exporters` turn sections into every format, so all formats
say the same thing); numbers are written by :mod:`bench.report.format` and
sentences about the GIL by :mod:`bench.report.verdicts`.
"""

from __future__ import annotations

import shlex

import pandas as pd

from bench.layout import RunManifest
from bench.report import stats
from bench.report.compute import CPU_BOUND, build_flags, cpu_bound, twin_of
from bench.report.content import Section, Table
from bench.report.format import percent, ratio_ci, seconds, seconds_ci
from bench.report.load import Column
from bench.report.machine import ProbeSummary
from bench.report.select import best, cell_of, cells_compared, fastest, serial_cell, workload_order
from bench.report.verdicts import compare_text, verdict
from bench.report.warnings import MERGE_CHECKS, config_differences
from bench.result import Machine

EXECUTOR_ORDER = {"serial": 0, "threads": 1, "processes": 2}
ABOVE_LIMIT = 1.05
"""A CPU-bound speed-up range reaching 5% above min(workers, usable CPUs) is marked: no CPU can give that."""


# --- 1. what was measured ---------------------------------------------------------------


def measured_section(columns: list[Column], manifests: list[RunManifest]) -> Section:
    first = columns[0]
    machine, config = first.machine, first.config
    machines = {
        f"{c.machine.hostname} — {c.machine.cpu_model}, "
        f"{c.machine.usable_cpus} usable of {c.machine.logical_cpus} logical CPUs": None
        for c in columns
    }
    differences = config_differences(columns)
    lines = [
        "Machine: " + "; ".join(machines),
        f"Date: {first.document.started_at or '?'}; OS: {machine.platform or machine.os}",
    ]
    if not set(differences) - {"warm-up"}:
        lines += [
            f"Preset: `{config.preset}`; load {config.load} tasks per cell, {config.repeat} rounds "
            f"(warm-up: {config.warmup} pass(es) over a quarter of the tasks in each round's process, "
            f"more on PyPy), timeout {config.timeout_s} s per cell and round, "
            f"process start method `{config.start_method}`.",
            "Workloads: "
            + ", ".join(
                f"`{w.name}`" + (f" ({w.argument})" if w.argument is not None else "") for w in config.workloads
            )
            + ".",
        ]
    command = reproduce_command(columns, manifests)
    if command:
        lines.append(f"Reproduce with: `{command}`")
    lines.append(f"Clock: {first.config.clock or 'not recorded'}.")
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
                c.name,
                c.interpreter.implementation,
                c.interpreter.version,
                "yes" if c.interpreter.free_threaded_build else "no",
                ("on" if c.interpreter.gil_enabled else "off")
                + (f" (PYTHON_GIL={c.interpreter.python_gil_env})" if c.interpreter.python_gil_env else ""),
                c.interpreter.jit,
                build_flags(c.interpreter.config_args) or "–",
                c.origin,
            ]
            for c in columns
        ],
    )
    tables = [("Interpreters", table), ("Run details", run_details(columns))]
    if set(differences) - {"warm-up"}:
        settings = list(MERGE_CHECKS)
        own = Table(
            ["interpreter", *settings], [[c.name, *(str(MERGE_CHECKS[s](c)) for s in settings)] for c in columns]
        )
        tables.append(("Each interpreter's own configuration (they differ)", own))
    return Section("What was measured", lines, tables)


def _gib(value: int | None) -> str:
    return "?" if value is None else f"{value / 1024**3:.1f} GiB"


def _loads(machine: Machine) -> str:
    start, end = machine.load_average_start, machine.load_average_end
    return f"{start[0] if start else '?'} → {end[0] if end else '?'}"


def run_details(columns: list[Column]) -> Table:
    """Everything else each file recorded, so a published number can be traced and repeated."""
    rows = []
    for c in columns:
        document, machine, config = c.document, c.machine, c.config
        rows.append(
            [
                c.name,
                f"{document.tool.version} ({(document.tool.git_commit or 'no commit')[:10]})",
                f"{document.started_at or '?'} – {document.finished_at or 'not finished'}",
                f"{machine.os} {machine.kernel} {machine.arch}, {_gib(machine.memory_bytes)}",
                _loads(machine),
                "?" if machine.others_cpu_share is None else f"{machine.others_cpu_share:.0%}",
                f"governor {machine.cpu_governor or '?'}, turbo {machine.turbo or '?'}",
                ",".join(map(str, config.pin)) if config.pin else "any",
                config.python_gil or "unset",
                str(config.seed),
                config.server_url or ", ".join(config.urls) or "–",
                c.interpreter.implementation_version,
            ]
        )
    headers = [
        "interpreter",
        "gilbench",
        "started – finished",
        "system",
        "load average start → end",
        "CPUs busy with other processes",
        "frequency",
        "pinned CPUs",
        "PYTHON_GIL",
        "seed",
        "pages",
        "implementation version",
    ]
    return Table(headers, rows)


def reproduce_command(columns: list[Column], manifests: list[RunManifest]) -> str | None:
    for manifest in manifests:
        if manifest.command:
            return manifest.command
    argv = columns[0].config.argv
    return " ".join(shlex.quote(part) for part in argv) if argv else None


# --- 2. GIL impact --------------------------------------------------------------------------


def gil_impact_section(summary: pd.DataFrame, columns: list[Column]) -> Section:
    names = [column.name for column in columns]
    free = {column.name for column in columns if column.free_threaded}
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
                row.append("–" if cell is None else speedup_text(cell) + f" ({int(cell['workers'])})")
        row.append(verdict(workload, summary, names, free))
        rows.append(row)
    intro = (
        "Best speed-up of each strategy over the same interpreter's serial run and, in parentheses, the worker "
        "count that reached it. " + method_text(summary)
    )
    return Section("GIL impact", [intro], [("", Table(headers, rows))])


def method_text(summary: pd.DataFrame) -> str:
    """How the numbers were taken and compared, in words, with the smallest p-value the rounds allow."""
    counts = sorted({int(n) for n in summary["n"] if n})
    rounds = counts[0] if counts else 0
    paired = bool(summary["paired"].any()) if "paired" in summary else False
    if not paired:
        return (
            f"These results carry no round numbers (an older file): each cell's {rounds} repetitions were taken "
            "back to back, so cells are compared as independent samples (ratio of medians with a 95% bootstrap "
            "interval; Mann-Whitney U test), and a claim (scales, beats, slower) is made only where p < 0.01."
        )
    floor = stats.p_floor_paired(rounds)
    reach = (
        f"the smallest p-value {rounds} rounds allow is {floor:.4f}"
        if floor < stats.ALPHA
        else f"with {rounds} rounds the smallest possible p-value is {floor:.3f}, so no difference can be called "
        "significant: use --repeat 8 or more"
    )
    return (
        f"Each cell was measured once in each of {rounds} rounds, the cells in a shuffled order every round, each "
        "cell in its own process. A speed-up is the median of the per-round ratios (paired by round) with their "
        "range in brackets; a claim (scales, beats) is made only where a two-sided Wilcoxon signed-rank test on the "
        f"per-round ratios gives p < {stats.ALPHA}; {reach}. Different interpreters were measured at different "
        "times and are compared as independent samples (ratio of medians, 95% bootstrap interval, Mann-Whitney U)."
    )


# --- 3. cost of free-threading on one thread ----------------------------------------------


def free_threading_cost_section(summary: pd.DataFrame, columns: list[Column]) -> Section | None:
    pairs = [
        (column, twin)
        for column in columns
        if column.interpreter.free_threaded_build and (twin := twin_of(column, columns)) is not None
    ]
    if not pairs:
        return None
    headers = ["workload"] + [f"{ft.name} / {twin.name}" for ft, twin in pairs]
    rows = []
    for workload in workload_order(summary):
        row = [workload]
        for ft, twin in pairs:
            mine = serial_cell(summary, ft.name, workload)
            theirs = serial_cell(summary, twin.name, workload)
            row.append("–" if mine is None or theirs is None else compare_text(mine, theirs))
        rows.append(row)
    intro = (
        "Serial time of each free-threaded build divided by its GIL twin's, with its 95% interval: "
        "above 1.00x is the price of free-threading on one thread."
    )
    return Section("Cost of free-threading on one thread", [intro], [("", Table(headers, rows))])


# --- 4. interpreters against each other --------------------------------------------------


def baseline_interpreter(columns: list[Column]) -> Column | None:
    for column in columns:
        if column.interpreter.implementation == "cpython" and not column.interpreter.free_threaded_build:
            return column
    return None


def interpreters_section(summary: pd.DataFrame, columns: list[Column]) -> Section | None:
    base = baseline_interpreter(columns)
    if base is None:
        return None
    names = [column.name for column in columns]
    headers = ["workload"]
    for name in names:
        headers += [f"{name} serial", f"{name} best"]
    rows = []
    for workload in workload_order(summary):
        base_serial = serial_cell(summary, base.name, workload)
        base_best = fastest(summary, base.name, workload)
        row = [workload]
        for name in names:
            mine = serial_cell(summary, name, workload)
            top = fastest(summary, name, workload)
            for cell, reference, where in ((mine, base_serial, ""), (top, base_best, "best")):
                if cell is None or reference is None:
                    row.append("–")
                    continue
                label = f" {cell['executor']} x{int(cell['workers'])}" if where else ""
                relative = cells_compared(reference, cell)
                row.append(
                    f"{seconds(float(cell['median']))}{label} ({ratio_ci(relative.value, relative.low, relative.high)})"
                )
        rows.append(row)
    intro = (
        f"Serial time and best time (any strategy) per workload; in parentheses, how many times faster than "
        f"{base.name} (the CPython GIL baseline) in the same column kind, with its 95% interval."
    )
    return Section("Interpreters against each other", [intro], [("", Table(headers, rows))])


# --- 5. full matrix per workload ----------------------------------------------------------


def matrix_section(summary: pd.DataFrame, columns: list[Column]) -> Section:
    names = [column.name for column in columns]
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
                cell = cell_of(mine, name, workload, executor, workers)
                if cell is None:
                    row += ["–", "–", "–"]
                elif pd.isna(cell["median"]):
                    row += [str(cell["status"]), "–", "–"]
                else:
                    time_text = seconds_ci(cell["median"], cell["range_low"], cell["range_high"])
                    if cell["status"] != "ok":
                        time_text += f" ({cell['status']})"
                    if cell["warming"]:
                        time_text += " (warming)"
                    row += [time_text, speedup_text(cell), efficiency_text(cell)]
            rows.append(row)
        tables.append((workload, Table(headers, rows)))
    intro = (
        "Median wall time of the rounds with their range; speed-up over the same interpreter's serial run "
        "(median of the per-round ratios, with their range); efficiency = speed-up ÷ the ideal speed-up, "
        "written after it. The ideal of a CPU-bound workload (" + ", ".join(CPU_BOUND) + ") is min(workers, usable "
        "CPUs), scaled by what the speed probe says those CPUs delivered relative to the CPU the serial run used; "
        "waiting and mixed workloads can overlap every worker's waits, so theirs is the number of workers. "
        '"(warming)" marks cells still getting faster from round to round (a test on the trend, after the '
        "machine's own drift is divided out). A speed-up range above the CPU limit is marked ⚠: the two cells' "
        "rounds ran at different machine speeds, and the median, not the range, is the estimate."
    )
    return Section("Every cell", [intro], tables)


def speedup_text(cell: pd.Series) -> str:
    """The speed-up and its range, marked when the range goes above what the CPUs can physically give."""
    text = ratio_ci(cell["speedup"], cell["speedup_low"], cell["speedup_high"])
    if cpu_bound(str(cell["workload"])) and cell["speedup_high"] > cell["ideal_cpus"] * ABOVE_LIMIT:
        text += f" ⚠ above the {int(cell['ideal_cpus'])}-CPU limit"
    return text


def efficiency_text(cell: pd.Series) -> str:
    """``96% of 1.91x``: the efficiency and the ideal it is measured against."""
    return f"{percent(cell['efficiency'])} of {cell['ideal']:.2f}x"


# --- the machine during the run ---------------------------------------------------------------


def machine_section(probes: dict[str, ProbeSummary | None]) -> Section | None:
    """The speed probe: each CPU's speed over the run in one sentence per interpreter, and the capacity it gives."""
    known = {name: probe for name, probe in probes.items() if probe is not None}
    if not known:
        return None
    lines = [
        "A fixed pure-Python loop of about 20 ms was timed on each usable CPU, pinned, at the start, between "
        "rounds and at the end of each interpreter's run (plot: probe).",
        *(probe.line() for probe in known.values()),
    ]
    counts = sorted({len(probe.speeds) for probe in known.values()})
    headers = ["interpreter", "CPU speeds (fastest = 1.00)", "serial run on"]
    headers += [
        f"ideal, {n} CPU-bound worker{'s' if n > 1 else ''}: count / measured" for n in range(1, counts[-1] + 1)
    ]
    rows = []
    for name, probe in known.items():
        speeds = ", ".join(f"CPU {cpu} {speed:.2f}" for cpu, speed in sorted(probe.speeds.items()))
        serial = "?" if probe.serial_cpu is None else f"CPU {probe.serial_cpu}"
        rows.append(
            [name, speeds, serial]
            + [f"{n} / {probe.capacity(n):.2f}" if n <= len(probe.speeds) else "–" for n in range(1, counts[-1] + 1)]
        )
    return Section("The machine during the run", lines, [("", Table(headers, rows))])


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


def seed_section(summary: pd.DataFrame, columns: list[Column]) -> Section | None:
    if not any(column.config.preset == "seed" for column in columns):
        return None
    names = [column.name for column in columns]
    rows = []
    for title, workload, executor, workers in SEED_ROWS:
        row = [title]
        for name in names:
            cell = cell_of(summary, name, workload, executor, workers)
            row.append("–" if cell is None or pd.isna(cell["median"]) else seconds(float(cell["median"])))
        rows.append(row)
    intro = "The talk's 9 rows (300 tasks each unless --load said otherwise), median wall time per interpreter."
    return Section("The talk's table", [intro], [("", Table(["work load", *names], rows))])
