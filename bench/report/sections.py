"""The report's sections: titles, paragraphs and tables of strings, laid out in reading order.

Host code.  Nothing here knows about Markdown or HTML (the exporters of
:mod:`bench.report.exporters` turn sections into every format, so all formats
say the same thing); numbers are written by :mod:`bench.report.format` and
sentences about the GIL by :mod:`bench.report.verdicts`.
"""

from __future__ import annotations

import shlex
from typing import Any

import pandas as pd

from bench.layout import RunManifest
from bench.report import stats
from bench.report.compute import OVERHEAD_COLUMNS, Computed, build_flags
from bench.report.content import Section, Table
from bench.report.format import TimeUnit, percent, present, ratio, ratio_ci, time_unit
from bench.report.load import Column
from bench.report.merge import MERGE_CHECKS, config_differences
from bench.report.selection import (
    cell_of,
    one_worker_baseline,
    rows_of,
    strategy_of,
    workload_order,
)
from bench.report.speed_probe import ProbeSummary, grouped
from bench.report.verdicts import compare_text, interpreter_verdict
from bench.result import Machine
from bench.vocabulary import BASELINE_LABELS, POOLED, strategy, strategy_rank

ABOVE_LIMIT = 1.05
"""A CPU-bound speed-up range reaching 5% above min(workers, usable CPUs) is marked: no CPU can give that."""


# --- 1. what was measured ---------------------------------------------------------------


def added_rounds_sentence(added: dict[str, Any]) -> str:
    """What the rounds added after the base rounds did, from the run's manifest."""
    base, reached = int(added.get("base_rounds") or 0), int(added.get("rounds") or 0)
    family, stopped = int(added.get("family") or 0), str(added.get("stopped") or "the run was stopped")
    looks = ", ".join(str(look) for look in added.get("looks") or [])
    unsettled = len(added.get("unsettled") or [])
    if reached > base:
        done = f"rounds {base + 1}-{reached} were added, measuring only the cells of its comparisons not settled"
    else:
        done = "no round was added"
    left = f"; {unsettled} of them not settled" if unsettled and stopped != "settled" else ""
    return (
        f"Added rounds: after the {base} base rounds the answer's {family} comparisons were checked at the looks "
        f"planned (after {looks} rounds); {done}; adding stopped: {stopped}{left}."
    )


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
            f"({warmup_sentence(columns)}), timeout {config.timeout_s} s per cell and round, "
            f"process start method `{config.start_method}`.",
            "Workloads: "
            + ", ".join(
                f"`{w.name}`" + (f" ({w.argument})" if w.argument is not None else "") for w in config.workloads
            )
            + ".",
        ]
    lines += [added_rounds_sentence(manifest.added_rounds) for manifest in manifests if manifest.added_rounds]
    if config.requirements:
        versions = "; ".join(
            f"{c.name}: " + (", ".join(f"{k} {v}" for k, v in sorted(c.interpreter.user_packages.items())) or "–")
            for c in columns
        )
        lines.append(
            f"Your requirements: {', '.join(f'`{line}`' for line in config.requirements)}; installed: {versions}."
        )
    if config.thread_env:
        shown = ", ".join(f"{name}={value}" for name, value in sorted(config.thread_env.items()))
        lines.append(
            f"Threads of BLAS and OpenMP libraries in every cell: {shown} (so that a serial cell of a numpy "
            "workload uses one CPU, as the strategies compared with it expect)."
        )
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


def warmup_sentence(columns: list[Column]) -> str:
    """How cells were warmed, pools included, as the files recorded it."""
    config = columns[0].config
    if config.warmup == 0:
        return "no warm-up: every cell measured cold, its pool timed from its creation, as the talk's script ran"
    text = f"warm-up: {config.warmup} pass(es) {warmup_words(columns)} in each round's process, more on PyPy"
    if all(column.config.pools_warmed for column in columns):
        return text + (
            "; process pools and subinterpreters warm up inside their pool, after its start-up, each worker its "
            "own share, and that warm-up is left out of their time"
        )
    return text + "; process pools and subinterpreters were measured cold (their workers are new in every pass)"


def warmup_words(columns: list[Column]) -> str:
    """What a warm-up pass ran, as the files recorded it (older files: a quarter of the tasks)."""
    kinds = {column.config.warmup_tasks for column in columns}
    if kinds == {"one per worker"}:
        return "of one task per worker"
    if "one per worker" in kinds:
        return "of one task per worker (on PyPy, over a quarter of the tasks)"
    return "over a quarter of the tasks"


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


def gil_impact_section(computed: Computed) -> Section:
    """One row per workload and interpreter: each strategy's best cell with 2+ workers, and the verdict."""
    summary, columns = computed.summary, computed.columns
    strategies = [s for s in POOLED if s in set(summary["executor"])]
    rows: list[list[str]] = []
    keys: list[list[float | None]] = []
    for workload in workload_order(summary):
        for column in columns:
            if rows_of(summary, column.name, workload).empty:
                continue
            row = [workload, column.name]
            key: list[float | None] = [None, None]
            for executor in strategies:
                cell = computed.selection.best_of(column.name, workload, executor)
                measured = rows_of(summary, column.name, workload, executor)
                missing = "n/a" if (measured["status"] == "unsupported").any() else "–"
                row.append(
                    missing if cell is None else f"{speedup_text(computed, cell)}, {int(cell['workers'])} workers"
                )
                key.append(None if cell is None else float(cell["speedup"]))
            row.append(interpreter_verdict(computed, column.name, workload, column.gil_was_on))
            key.append(None)
            rows.append(row)
            keys.append(key)
    baselines = sorted(
        {
            strategy_of(cell)
            for workload in workload_order(summary)
            for column in columns
            if (cell := one_worker_baseline(summary, column.name, workload)) is not None
        }
    )
    serial, one_thread = BASELINE_LABELS
    baseline = " (or, where none was measured, its 1-thread pool)" if baselines == sorted(BASELINE_LABELS) else ""
    run = '1-thread pool (the talk\'s "single thread")' if baselines == [one_thread] else f"{serial} run"
    intro = (
        f"Each strategy's best speed-up over the same interpreter's {run}{baseline} among its cells with two or more "
        "workers (a pool of one worker is the serial run plus overhead), in brackets as described under the "
        "answer, and one verdict per interpreter. A gain is compared in absolute time with the fastest other "
        "configuration of any interpreter; the tests are those described under the answer."
    )
    headers = ["workload", "interpreter", *(strategy(name).public for name in strategies), "verdict"]
    return Section("GIL impact", [intro], [("", Table(headers, rows, keys))])


def method_text(computed: Computed) -> str:
    """How the numbers were taken and compared, in words: the intervals, the outcomes, and which level applies where."""
    summary = computed.summary
    counts = sorted({int(n) for n in summary["n"] if n})
    rounds = counts[0] if counts else 0
    paired = bool(summary["paired"].any()) if "paired" in summary else False
    comparisons = computed.comparisons
    margin = f"±{comparisons.margin:.0%}"
    if not paired:
        how = (
            f"These results carry no round numbers (an older file): each cell's {rounds} repetitions were taken "
            "back to back, so cells are compared as independent samples: the ratio of geometric means with Welch's "
            "interval on the log-times (Mann-Whitney U p-value beside it)."
        )
    else:
        how = (
            f"Each cell was measured once in each of {rounds} rounds, the cells in a shuffled order every round, each "
            "cell in a fresh process; a time is the median of the rounds, and in brackets the range of the rounds. "
            "Two cells are compared paired by round: the ratio of geometric means of the per-round ratios with a "
            f"Student-t interval (Wilcoxon signed-rank p-value beside it; with {rounds} rounds its smallest is "
            f"{stats.p_floor_paired(rounds):.4f})."
        )
    if computed.one_run:
        how += (
            " Every interpreter was measured in the same rounds, so cells of different interpreters are paired by "
            "round too."
        )
        if all(column.config.same_cpu for column in computed.columns):
            how += (
                " Every cell that runs on one CPU ran on the round's CPU, the same for every interpreter, the CPUs "
                "taking turns over the rounds."
            )
    elif len(computed.columns) > 1:
        how += " Interpreters ran one after another, so their cells are compared as independent samples."
    family, looks = comparisons.family_size, comparisons.looks
    level = f"{stats.CONFIDENCE:.0%}"
    if looks > 1:
        planned = max(computed.columns, key=lambda column: len(column.config.looks)).config
        shown = ", ".join(str(rounds) for rounds in planned.looks)
        split = (
            f"each interval is at 1 - {stats.ALPHA}/({family} x {looks}): Bonferroni over the {family} and over "
            f"the {looks} looks the run planned (after {shown} rounds), as it added rounds of the cells whose "
            "comparisons were not settled"
        )
    else:
        split = f"each interval is at 1 - {stats.ALPHA}/{family} (Bonferroni)"
    return (
        f"How the numbers were taken and compared. {how} The words follow the interval: faster or slower where it "
        f"excludes 1 and does not lie within {margin}; equivalent where it lies within {margin}; otherwise not "
        "settled, with the interval as a bound and how the rounds split. "
        f"The answer's {family} comparisons (each workload's runner-ups against its fastest, and the GIL question) "
        f"share a {level} level: {split}. Every other comparison is descriptive: its interval is at {level}, "
        "uncorrected for the others."
    )


def between_interpreters(computed: Computed) -> str:
    """What a bracket between two interpreters' cells holds, and why."""
    if computed.one_run:
        return "with its interval (paired by round: the interpreters ran in the same rounds)"
    return "with its interval (independent samples: the interpreters ran one after another)"


# --- 3. cost of free-threading on one thread ----------------------------------------------


def free_threading_cost_section(computed: Computed) -> Section | None:
    summary = computed.summary
    pairs = computed.selection.twins
    if not pairs:
        return None
    headers = ["workload"] + [f"{ft.name} / {twin.name}" for ft, twin in pairs]
    rows = []
    for workload in workload_order(summary):
        row = [workload]
        for ft, twin in pairs:
            mine = one_worker_baseline(summary, ft.name, workload)
            theirs = one_worker_baseline(summary, twin.name, workload)
            row.append("–" if mine is None or theirs is None else compare_text(computed, mine, theirs))
        rows.append(row)
    intro = (
        f"Serial time of each free-threaded build divided by its GIL twin's, {between_interpreters(computed)}: "
        "above 1.00x is the price of free-threading on one thread."
    )
    context = specializer_context([ft for ft, _ in pairs], computed.columns)
    return Section("Cost of free-threading on one thread", [intro, *context], [("", Table(headers, rows))])


def specializer_context(free_threaded: list[Column], columns: list[Column]) -> list[str]:
    """Which part of a 3.13 free-threaded build's cost is that build's own (said only when one was measured)."""
    names = [column.name for column in free_threaded if column.interpreter.version.startswith("3.13.")]
    if not names:
        return []
    later = any(
        column.interpreter.free_threaded_build and tuple(column.interpreter.version_info[:2]) >= (3, 14)
        for column in columns
    )
    return [
        f"Part of {', '.join(names)}'s cost is the 3.13 free-threaded build's own: it runs with the specializing "
        "adaptive interpreter (PEP 659) turned off (CPython gh-115999). 3.14's free-threaded build turns it back "
        "on, and CPython's What's New in 3.14 puts that build's cost on one thread at 10-15% against the default "
        "build" + ("." if later else "; no 3.14t was measured here.")
    ]


# --- 4. interpreters against each other --------------------------------------------------


def cost_text(top: pd.Series | None, serial: pd.Series | None) -> str:
    """``5 processes: 1.61x faster, 1.10x the CPU time, 4.8x the memory``."""
    if top is None or serial is None or not strategy(str(top["executor"])).pooled:
        return "–"
    parts = [f"{strategy_of(top)}: {ratio(top['speedup'])} faster"]
    for column, what in (("cpu_per_task_s", "the CPU time"), ("peak_rss_bytes", "the memory")):
        mine, theirs = present(top[column]), present(serial[column])
        if mine is not None and theirs:
            parts.append(f"{ratio(mine / theirs)} {what}")
    return ", ".join(parts)


def interpreters_section(computed: Computed) -> Section | None:
    """Serial and fastest time of each interpreter per workload, against the CPython GIL build's."""
    base = computed.reference
    if base is None:
        return None
    rows: list[list[str]] = []
    keys: list[list[float | None]] = []
    chosen = computed.selection.interpreter_cells
    serial_unit = time_unit(float(c.serial["median"]) for c in chosen if c.serial is not None)
    best_unit = time_unit(float(c.fastest["median"]) for c in chosen if c.fastest is not None)
    for row_cells in chosen:
        mine, top, reference = row_cells.serial, row_cells.fastest, row_cells.reference
        row = [row_cells.workload, row_cells.interpreter]
        key: list[float | None] = [None, None]
        for cell, unit in ((mine, serial_unit), (top, best_unit)):
            row.append("–" if cell is None else unit.text(float(cell["median"])))
            key.append(None if cell is None else float(cell["median"]))
            if cell is None or reference is None:
                row.append("–")
                key.append(None)
                continue
            relative = computed.comparisons.of(reference, cell)
            row.append(ratio_ci(relative.value, relative.low, relative.high))
            key.append(relative.value)
        row.insert(4, "–" if top is None else strategy_of(top))
        key.insert(4, None)
        row.append(cost_text(top, mine))
        key.append(None)
        rows.append(row)
        keys.append(key)
    headers = [
        "workload",
        "interpreter",
        f"serial ({serial_unit.unit})",
        f"serial vs {base.name} serial",
        "fastest strategy",
        f"its time ({best_unit.unit})",
        f"fastest vs {base.name} serial",
        "what the fastest costs, against its serial run",
    ]
    intro = (
        f"Each interpreter's serial time and its fastest configuration (two or more workers, or serial), and how "
        f"many times faster than {base.name} (the CPython GIL build) each is, {between_interpreters(computed)}. "
        "The last column says what the fastest "
        "configuration costs against the same interpreter's serial run: CPU time (all threads and worker "
        "processes) and peak resident memory (the process plus its pool's workers)."
    )
    return Section("Interpreters against each other", [intro], [("", Table(headers, rows, keys))])


# --- 5. full matrix per workload ----------------------------------------------------------


MATRIX_HEADERS = (
    "interpreter",
    "executor",
    "workers",
    "time ({unit})",
    "speed-up",
    "efficiency",
    "task (ms)",
    "start-up (ms)",
    "gaps (ms)",
    "shut-down (ms)",
    "overhead",
    "CPU per task (ms)",
    "peak memory (MiB)",
)
"""The columns of every workload's table in "Every cell" (the time's unit filled in per table)."""


def matrix_section(computed: Computed) -> Section:
    """Every cell, one table per workload: time, speed-up, efficiency and where the time went."""
    tables = [(workload, _matrix_table(computed, workload)) for workload in workload_order(computed.summary)]
    return Section("Every cell", [_matrix_intro(computed)], tables)


def _matrix_cells(computed: Computed, workload: str) -> list[pd.Series]:
    """One workload's cells, interpreter by interpreter, each in the report's order of strategies and workers."""
    summary = computed.summary
    mine = summary[summary["workload"] == workload]
    ordered = sorted(
        {(e, int(w)) for e, w in zip(mine["executor"], mine["workers"])}, key=lambda k: (strategy_rank(k[0]), k[1])
    )
    return [
        cell
        for column in computed.columns
        for executor, workers in ordered
        if (cell := cell_of(mine, column.name, workload, executor, workers)) is not None
    ]


def _matrix_table(computed: Computed, workload: str) -> Table:
    cells = _matrix_cells(computed, workload)
    wall = time_unit(float(cell["median"]) for cell in cells if pd.notna(cell["median"]))
    rows: list[list[str]] = []
    keys: list[list[float | None]] = []
    for cell in cells:
        row, key = _matrix_row(computed, cell, wall)
        rows.append(row)
        keys.append(key)
    headers = [header.format(unit=wall.unit) for header in MATRIX_HEADERS]
    return Table(headers, rows, keys)


def _matrix_row(computed: Computed, cell: pd.Series, wall: TimeUnit) -> tuple[list[str], list[float | None]]:
    """One cell's row of its workload's table, and the numbers an HTML reader sorts it by."""
    workers = int(cell["workers"])
    row = [str(cell["interpreter"]), strategy(str(cell["executor"])).public, str(workers)]
    key: list[float | None] = [None, None, float(workers)]
    if pd.isna(cell["median"]):
        status = "n/a (unsupported)" if cell["status"] == "unsupported" else str(cell["status"])
        return row + [status] + ["–"] * 9, key + [None] * 10
    time_text = wall.interval(cell["median"], cell["range_low"], cell["range_high"])
    if cell["status"] != "ok":
        time_text += f" ({cell['status']})"
    if cell["warming"]:
        time_text += " (warming)"
    row += [
        time_text,
        speedup_text(computed, cell),
        efficiency_text(cell),
        _ms(cell["task_s"]),
        _ms(cell["pool_startup_s"]),
        _ms(cell["gaps_s"]),
        _ms(cell["shutdown_s"]),
        percent(cell["overhead_share"]),
        _ms(cell["cpu_per_task_s"]),
        _mib(cell["peak_rss_bytes"]),
    ]
    key += [
        float(cell["median"]),
        float(cell["speedup"]),
        float(cell["efficiency"]),
        *(float(cell[c]) for c in OVERHEAD_COLUMNS[1:]),  # in the order of the columns above
    ]
    return row, key


def _matrix_intro(computed: Computed) -> str:
    return (
        "Median wall time of the rounds with their range; speed-up over the same interpreter's serial run "
        "(median of the per-round ratios, with their range); efficiency = speed-up ÷ the ideal speed-up, "
        "written after it. The ideal of a CPU-bound workload ("
        + (", ".join(cpu_bound_workloads(computed)) or "none measured here")
        + ") is "
        "min(workers, usable "
        "CPUs), scaled by what the speed probe says those CPUs delivered relative to the CPU the serial run used; "
        "waiting and mixed workloads can overlap every worker's waits, so theirs is the number of workers. "
        '"(warming)" marks cells still getting faster from round to round (a test on the trend, after the '
        "machine's own drift is divided out). A speed-up range above the CPU limit is marked ⚠: the two cells' "
        "rounds ran at different machine speeds, and the median, not the range, is the estimate. "
        "Where the time went (medians of the rounds): task is one task's duration; start-up is the pool's "
        "creation until every worker answered; gaps is, per worker, the time between start-up and its last task "
        "not spent in its own tasks (tasks being handed over, or, with a GIL, a thread waiting for it between "
        "tasks); shut-down is from the last result to the pool's exit; "
        "overhead is their sum as a share of the wall time. What it cost: CPU per task is the user + system CPU "
        "time of the cell's process and its pool's workers during a repetition, divided by its tasks; peak memory "
        "is the most resident memory the cell's process held during a repetition plus, for process pools, each "
        "worker's peak (pages a forked worker shares with its parent count in both, as the kernel counts them)."
    )


def _mib(value: float | None) -> str:
    number = present(value)
    return "–" if number is None else f"{number / 1024**2:.0f}"


def _ms(value: float | None) -> str:
    number = present(value)
    if number is None:
        return "–"
    milliseconds = number * 1000
    return f"{milliseconds:.2f}" if milliseconds < 10 else f"{milliseconds:.1f}"


def cpu_bound_workloads(computed: Computed) -> list[str]:
    """The CPU-bound workloads measured, those holding the GIL first (each group in the report's order)."""
    bound = [w for w in workload_order(computed.summary) if computed.traits_of(w).cpu_bound]
    holding = [w for w in bound if computed.traits_of(w).holds_gil]
    return holding + [w for w in bound if w not in holding]


def speedup_text(computed: Computed, cell: pd.Series) -> str:
    """The speed-up and its range, marked when the range goes above what the CPUs can physically give."""
    text = ratio_ci(cell["speedup"], cell["speedup_low"], cell["speedup_high"])
    if computed.traits_of(str(cell["workload"])).cpu_bound and cell["speedup_high"] > cell["ideal_cpus"] * ABOVE_LIMIT:
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
        *(probe.line() for probe in grouped(probes)),
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
