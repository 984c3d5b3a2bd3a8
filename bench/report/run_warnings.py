"""Everything a reader must know before trusting a number, as typed records, loudest first.

Host code.  Each warning is a :class:`~bench.result.RunWarning`: a stable
code, the cells it concerns and its text.  Warnings the runner recorded keep
their codes; nothing here recognises a warning by its wording.
"""

from __future__ import annotations

import math
import statistics

import pandas as pd

from bench.layout import RunManifest
from bench.report.compute import Computed, build_flags, quarter_task_s
from bench.report.load import Column, Loaded
from bench.report.merge import merge_warnings
from bench.report.pool_workers import cold_pools, uneven_splits
from bench.report.selection import cell_name, workload_order
from bench.report.speed_probe import OTHERS_WARNING, VARIATION_WARNING, ProbeSummary, grouped
from bench.result import RunWarning
from bench.vocabulary import WITHOUT_GIL, client_of, strategy

CV_WARNING = 0.10
"""Repetitions varying more than this (coefficient of variation) are flagged."""


def _threads_in_parallel(executor: str, workers: int) -> bool:
    """Two or more threads of one process that run Python code at once where the build has no GIL."""
    found = strategy(executor)
    return workers > 1 and found.parallel == WITHOUT_GIL and not found.event_loop


COVERED_FROM_DATA = {"workers-over-cpus"}
"""Runner warnings the report re-derives from the measured cells (so it can say which cells)."""


def report_warnings(computed: Computed, loaded: Loaded) -> list[RunWarning]:
    columns = computed.columns
    return [
        *(RunWarning("unusable-file", problem) for problem in loaded.problems),
        *_missing(columns, loaded.manifests, loaded.empty_labels),
        *loaded.naming,
        *merge_warnings(columns),
        *_interpreters(columns, _stopped_early(loaded.manifests)),
        *_free_threaded_313(columns),
        *_twins(computed.selection.twins),
        *_recorded(columns),
        *_machine(computed.probes),
        *_separate_measurements(computed),
        *_unknown_traits(computed),
        *_two_clients(computed),
        *_cells(computed),
        *uneven_splits(columns),
        *cold_pools(columns),
    ]


def _separate_measurements(computed: Computed) -> list[RunWarning]:
    """Interpreters measured at different times (separate runs): said, with what the probe saw between them."""
    groups: dict[tuple[str, ...], list[Column]] = {}
    for column in computed.columns:
        groups.setdefault(computed.comparisons.groups.get(column.name, (column.name,)), []).append(column)
    if len(groups) < 2:
        return []
    described, speeds = [], []
    for members in groups.values():
        document = members[0].document
        described.append(f"{', '.join(c.name for c in members)} (run {document.run_id}, {document.started_at or '?'})")
        times = [cpu.seconds for point in document.probe for cpu in point.cpus]
        comparable = (document.probe_loops, document.probe_executable) if times and document.probe_executable else None
        speeds.append((comparable, statistics.median(times) * 1000 if times else 0.0))
    text = (
        f"These results come from {len(groups)} separate measurements: {'; '.join(described)}. Interpreters of "
        "different ones were measured at different times, so they are compared as independent samples, and the "
        "machine's speed between them is part of every such comparison."
    )
    if len({comparable for comparable, _ in speeds}) == 1 and speeds[0][0] is not None:
        medians = ", ".join(f"{value:.2f} ms" for _, value in speeds)
        text += f" The speed probe (the same loop under the same Python) took a median of {medians} in them."
    else:
        text += " Their speed probes ran different loops or under different Pythons: that speed is unknown."
    return [RunWarning("separate-measurements", text)]


def _two_clients(computed: Computed) -> list[RunWarning]:
    """Workloads that download with a client that has no asyncio API (``requests``) and were measured under an
    event loop too (files from before such cells were refused: the loop then used gilbench's standard-library
    client): their comparisons include the clients' difference."""
    summary = computed.summary
    found = []
    for workload in workload_order(summary):
        client = client_of(workload)
        if client is None or client.asyncio:
            continue
        loops = {bool(strategy(str(name)).event_loop) for name in summary[summary["workload"] == workload]["executor"]}
        if loops == {True, False}:
            found.append(workload)
    if not found:
        return []
    return [
        RunWarning(
            "two-clients",
            f"{', '.join(found)}: under an event loop the pages were downloaded with gilbench's standard-library "
            "asyncio client, under the other strategies with requests (as the talk did), so comparing an event loop "
            "with them compares the two clients too, not the strategies alone; sleep compares the same work, and "
            "io-stdlib and mixed-stdlib give threads the asyncio client's parsing.",
        )
    ]


def _unknown_traits(computed: Computed) -> list[RunWarning]:
    """A workload that declared no traits: what the report then cannot say."""
    unknown = [w for w in workload_order(computed.summary) if not computed.traits_of(w).known]
    if not unknown:
        return []
    return [
        RunWarning(
            "traits-unknown",
            f"{', '.join(unknown)}: no traits declared (does a task use a CPU or wait, hold the GIL or release it?), "
            "so its ideal speed-up is taken as its number of workers and nothing is said about the GIL's part in "
            "it; declare them with --traits WORKLOAD=cpu/holds (or cpu/releases, wait), or a gilbench_traits "
            "attribute on the function.",
        )
    ]


def _machine(probes: dict[str, ProbeSummary | None]) -> list[RunWarning]:
    """What the speed probe saw: drift over the run, CPUs that differ, other processes taking CPU (said once for
    the interpreters of one run, which share their probe)."""
    found = []
    for probe in grouped(probes):
        name = probe.name
        shared = ", " in name
        if probe.max_drift > VARIATION_WARNING and shared:
            worst = max(probe.drift, key=lambda cpu: probe.drift[cpu])
            found.append(
                RunWarning(
                    "probe-drift",
                    f"{name}: the machine's speed drifted by {probe.drift[worst]:.0%} during the run (CPU {worst}, "
                    "speed probe): these interpreters were measured in the same rounds, so their comparisons are "
                    "paired by round and stay fair, but their absolute times carry that drift.",
                )
            )
        elif probe.max_drift > VARIATION_WARNING:
            worst = max(probe.drift, key=lambda cpu: probe.drift[cpu])
            found.append(
                RunWarning(
                    "probe-drift",
                    f"{name}: the machine's speed drifted by {probe.drift[worst]:.0%} during the run (CPU {worst}, "
                    "speed probe): comparisons within this interpreter's run are paired by round and stay fair, "
                    "but its absolute times, and comparisons with other interpreters, carry that drift.",
                )
            )
        if probe.slower is not None:
            slow, fast, ratio, count = probe.slower
            found.append(
                RunWarning(
                    "cpus-differ",
                    f"{name}: CPU {slow} ran {ratio:.2f}x slower than CPU {fast} at {count} of {probe.points} probes: "
                    "a one-worker cell is as fast as the CPU it lands on, and the ideal speed-up of several "
                    "workers is less than their number (see The machine during the run).",
                )
            )
        if probe.others_share is not None and probe.others_share > OTHERS_WARNING:
            found.append(
                RunWarning(
                    "others-busy-during",
                    f"{name}: other processes used {probe.others_share:.0%} of the CPUs while gilbench measured: "
                    f"every number of {'these interpreters' if shared else 'this interpreter'} is slowed by them "
                    "(close them, or use --pin).",
                )
            )
    return found


def _missing(columns: list[Column], manifests: list[RunManifest], empty_labels: set[str]) -> list[RunWarning]:
    """Every interpreter a run asked for that is not in it, or stopped before its end, with the manifest's reason."""
    present = {column.interpreter.label for column in columns} | empty_labels
    found = []
    for manifest in manifests:
        for label in manifest.interpreters:
            reason = manifest.missing.get(label)
            if label not in present:
                why = reason or "its session did not write a result"
                found.append(RunWarning("missing-interpreter", f"Interpreter {label} is missing from this run: {why}."))
            elif reason:
                found.append(
                    RunWarning(
                        "stopped-interpreter",
                        f"Interpreter {label} stopped before the end of this run: {reason}; only the cells it "
                        "measured before are reported.",
                    )
                )
    return found


def _stopped_early(manifests: list[RunManifest]) -> set[str]:
    """The labels whose runner a manifest names as stopped or missing (their reason is said already)."""
    return {label for manifest in manifests for label in manifest.missing}


def _interpreters(columns: list[Column], stopped: set[str]) -> list[RunWarning]:
    found = []
    for column in columns:
        interpreter = column.interpreter
        if interpreter.free_threaded_build and column.gil_was_on:
            env = interpreter.python_gil_env
            why = f"PYTHON_GIL={env} forced it" if env else "a module switched it back on"
            found.append(
                RunWarning(
                    "gil-on",
                    f"{column.name} is a free-threaded build but ran with the GIL ON ({why}): "
                    "its numbers are not free-threaded numbers.",
                )
            )
        if column.document.interrupted:
            found.append(
                RunWarning(
                    "interrupted",
                    f"{column.name}: the run was interrupted; only the cells measured before are reported.",
                )
            )
        elif column.document.faults:
            found.append(
                RunWarning(
                    "incomplete", f"{column.name}: the run is incomplete (a cell failed or timed out, see below)."
                )
            )
        elif not column.document.complete and interpreter.label not in stopped:
            found.append(
                RunWarning(
                    "unfinished",
                    f"{column.name}: its result file was not finished: the run may still be going, or it stopped "
                    "before its end without saying why; only the cells measured so far are reported.",
                )
            )
    return found


def _free_threaded_313(columns: list[Column]) -> list[RunWarning]:
    """Free-threaded 3.13 with threads measured: what its scaling depends on that the user's code decides.

    Measured here (2 CPUs, 3.13.5t, ``benchmarks/plain_program.py`` and CPython's ftscalingbench loops): a
    float-multiplying loop scaled 1.7x over 2 threads when defined in the script itself and 0.7-0.8x when the
    script imported it from a module; gilbench imports workloads from their module before any thread starts.
    """
    names = [
        column.name
        for column in columns
        if column.interpreter.free_threaded_build
        and not column.gil_was_on
        and column.interpreter.version.startswith("3.13.")
        and any(_threads_in_parallel(cell.executor, cell.workers) and cell.runs for cell in column.document.cells)
    ]
    if not names:
        return []
    return [
        RunWarning(
            "free-threaded-3.13",
            f"On {', '.join(names)} (free-threaded 3.13), how code scales over threads depends on where and when "
            "its objects were made: functions, code objects, modules and types that exist when a process starts "
            "its first thread become immortal (CPython gh-117783), and a loop defined in the script it runs "
            "(__main__) can scale differently from the same loop imported from a module. gilbench measured code "
            "imported from its module before any thread started, as a script that imports it and then starts "
            "threads would. 3.14 uses deferred reference counting instead (CPython gh-117376), so 3.14t can scale "
            "differently.",
        )
    ]


def _twins(pairs: tuple[tuple[Column, Column], ...]) -> list[RunWarning]:
    found = []
    for column, twin in pairs:
        mine, theirs = column.interpreter.version, twin.interpreter.version
        if mine != theirs:
            found.append(
                RunWarning(
                    "twin-version",
                    f"{column.name} ({mine}) is compared with {twin.name} ({theirs}): different patch versions, "
                    "so part of the difference is not the GIL.",
                )
            )
        flags_ft = build_flags(column.interpreter.config_args).replace("--disable-gil", "").split()
        flags_gil = build_flags(twin.interpreter.config_args).split()
        if sorted(flags_ft) != sorted(flags_gil):
            found.append(
                RunWarning(
                    "twin-flags",
                    f"{column.name} and {twin.name} were built with different flags "
                    f"({' '.join(flags_ft) or 'none'} vs {' '.join(flags_gil) or 'none'}, besides --disable-gil).",
                )
            )
    return found


def _recorded(columns: list[Column]) -> list[RunWarning]:
    """What the runner saw before measuring (load, other processes, governor, turbo), said once per text."""
    said: dict[tuple[str, str], list[str]] = {}
    for column in columns:
        for warning in column.document.warnings:
            if warning.code not in COVERED_FROM_DATA:
                said.setdefault((warning.code, warning.text), []).append(column.name)
    return [RunWarning(code, f"Before measuring {', '.join(names)}: {text}.") for (code, text), names in said.items()]


def _cells(computed: Computed) -> list[RunWarning]:
    columns, summary = computed.columns, computed.summary
    found = []
    failed = summary[~summary["status"].isin(["ok", "unsupported"])]
    for name, status, reason in zip(_names(failed), failed["status"], failed["reason"]):
        why = f" ({str(reason).rstrip('.')})" if isinstance(reason, str) and reason else ""
        found.append(RunWarning(f"cell-{status}", f"{name}: {status}{why}.", (name,)))
    unsupported = summary[summary["status"] == "unsupported"]
    for (interpreter, reason), rows in unsupported.groupby(["interpreter", "reason"], sort=False):
        found.append(
            RunWarning(
                "cell-unsupported",
                f"{interpreter}: {len(rows)} cell(s) cannot run here and show n/a: {reason}.",
                tuple(_names(rows)),
            )
        )
    usable = {column.name: column.machine.usable_cpus for column in columns}
    over = summary[
        [workers > usable.get(str(name), 1) for name, workers in zip(summary["interpreter"], summary["workers"])]
    ]
    if not over.empty:
        counts = sorted({int(workers) for workers in over["workers"]})
        cores = sorted(set(usable.values()))
        waiting = [w for w in workload_order(summary) if computed.traits_of(w).waiting]
        named = f" ({', '.join(waiting)})" if waiting else ""
        found.append(
            RunWarning(
                "workers-over-cpus",
                f"Worker counts {', '.join(map(str, counts))} exceed the {'/'.join(map(str, cores))} usable CPU(s): "
                f"beyond that, CPU-bound workers can only time-share, while waiting ones{named} still overlap.",
                tuple(_names(over)),
            )
        )
    noisy = summary[summary["cv"] > CV_WARNING]
    if not noisy.empty:
        worst = noisy.sort_values("cv", ascending=False).head(5)
        shown = "; ".join(f"{name} ({cv:.0%})" for name, cv in zip(_names(worst), worst["cv"]))
        found.append(
            RunWarning(
                "noisy",
                f"{len(noisy)} cell(s) varied more than {CV_WARNING:.0%} between repetitions (worst: {shown}); "
                "use more --repeat, a quieter machine, or --pin to fixed CPUs.",
                tuple(_names(noisy)),
            )
        )
    warming = summary[summary["warming"]]
    jits = {column.name for column in columns if column.interpreter.implementation == "pypy"}
    for with_jit in (True, False):
        rows = warming[warming["interpreter"].isin(jits) == with_jit]
        if rows.empty:
            continue
        why = "PyPy's JIT still compiling" if with_jit else "not a JIT: caches, memory or the machine"
        found.append(
            RunWarning(
                "warming",
                f"{len(rows)} cell(s) kept getting faster from round to round beyond the machine's own drift "
                f"({why}: {'; '.join(_names(rows.head(5)))}); use --warmup auto or a larger --warmup.",
                tuple(_names(rows)),
            )
        )
    found += _overhead(summary)
    unsettled = [
        cell_name(column.name, cell.workload, cell.executor, cell.workers)
        for column in columns
        for cell in column.document.cells
        if cell.warmup_note
    ]
    if unsettled:
        found.append(
            RunWarning(
                "warmup-unsettled",
                f"{len(unsettled)} cell(s) were still getting faster after the most warm-ups --warmup auto allows "
                f"({'; '.join(unsettled[:5])}); their times may still include compilation.",
                tuple(unsettled),
            )
        )
    return found


OVERHEAD_WARNING = 0.25
"""Cells that spent more than this share of their wall time outside tasks are named."""


def _overhead(summary: pd.DataFrame) -> list[RunWarning]:
    """Cells whose pool start-up, hand-over gaps and shut-down took over a quarter of the wall time."""
    if "overhead_share" not in summary:
        return []
    heavy = summary[summary["overhead_share"] > OVERHEAD_WARNING].sort_values("overhead_share", ascending=False)
    if heavy.empty:
        return []
    shown = []
    for name, (_, cell) in zip(_names(heavy.head(3)), heavy.head(3).iterrows()):
        shown.append(
            f"{name}: {cell['overhead_share']:.0%} of {cell['median'] * 1000:.0f} ms (start-up "
            f"{cell['pool_startup_s'] * 1000:.1f} ms, gaps {cell['gaps_s'] * 1000:.1f} ms per worker, shut-down "
            f"{cell['shutdown_s'] * 1000:.1f} ms; tasks of {cell['task_s'] * 1000:.2f} ms)"
        )
    lengths = []
    for (interpreter, executor), rows in heavy.groupby(["interpreter", "executor"], sort=False):
        needed = [(quarter_task_s(cell), cell) for _, cell in rows.iterrows()]
        needed = [(length, cell) for length, cell in needed if not math.isnan(length)]
        if needed:
            length, cell = max(needed, key=lambda item: item[0])
            lengths.append(
                f"{interpreter} {strategy(str(executor)).words} {_ms(length)} (its tasks now: {_ms(cell['task_s'])})"
            )
    at_length = (
        f" Tasks this long would bring each strategy's pool costs under a quarter of its cells: {'; '.join(lengths)}."
        if lengths
        else ""
    )
    return [
        RunWarning(
            "overhead",
            f"{len(heavy)} cell(s) spent more than a quarter of their wall time outside their tasks, so they "
            f"measure the pool more than the work (worst: {'; '.join(shown)}): starting and stopping a pool is a "
            "fixed cost, and a pool that hands tasks over one at a time leaves a gap before each; use longer tasks "
            f"(a larger workload argument) or, for process pools, --chunksize auto.{at_length}",
            tuple(_names(heavy)),
        )
    ]


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:.1f} ms" if milliseconds < 100 else f"{milliseconds:.0f} ms"


def _names(rows: pd.DataFrame) -> list[str]:
    return [
        cell_name(str(interpreter), str(workload), str(executor), int(workers))
        for interpreter, workload, executor, workers in zip(
            rows["interpreter"], rows["workload"], rows["executor"], rows["workers"]
        )
    ]
