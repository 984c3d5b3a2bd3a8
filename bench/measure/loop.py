"""``python -m bench run``: the loop over cells in the parent process, and the result file it keeps.

Guest code: standard library and ``requests`` only.

Each cell (workload x executor x workers) runs in a fresh child process of
the same interpreter (:mod:`bench.measure.cell`), so one cell's JIT state,
heap and threads never leak into the next, and a hanging or crashing cell can
be killed (with its pool) without losing the others.  The result file is
rewritten atomically after every cell, so Ctrl-C, a kill or a failed cell
still leaves a valid file with ``complete: false`` and every cell measured so far.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Optional

from bench import layout
from bench.errors import EXIT_CELLS_FAILED, EXIT_INTERRUPTED, UsageError, WriteError
from bench.interrupts import default_signals, ignore_signals, raise_if_stopping, signals_held, stop_on_signals
from bench.measure import introspect, orphans
from bench.measure.cell import CellSpec, run_cell
from bench.measure.config import FORK_CELLS, RunConfig
from bench.measure.estimate import CellKey, estimate_line
from bench.measure.introspect import allowed_cpus
from bench.measure.orphans import (
    PARENT_FD_VARIABLE,
    ParentPipe,
    become_subreaper,
    kill_leftovers,
    load_prctl,
    watch_parent,
)
from bench.measure.probe import PROBE_LOOPS, own_cpu_s, set_affinity
from bench.measure.surroundings import Surroundings, surroundings
from bench.measure.workloads import WorkloadChoice, check_strategies, gil_enablers, import_dependencies
from bench.result import Cell, Document, Machine, ProbePoint, ResultError
from bench.vocabulary import cell_label, runs_on_one_cpu

# --- one cell, in its own process, one repetition per round ----------------------------------


class CellProcess:
    """The parent's handle on one cell: a fresh process each round, which warms up and measures one repetition.

    A fresh process per round keeps each cell's JIT, heap and threads apart
    from every other cell's.  A forked cell inherits the runner's address-space
    layout, so one runner's layout holds for all its cells (four runners of one
    3.13 in one run showed no bias from it: docs/methodology.md).
    A hang becomes "timeout" (the process group is killed, pool workers too),
    a crash "failed"; the repetitions finished before either are kept.
    """

    def __init__(
        self, config: RunConfig, choice: WorkloadChoice, executor: str, workers: int, folder: Path, *, pipe: ParentPipe
    ) -> None:
        self.config = config
        self.pipe = pipe
        self.spec_path = folder / "cell.json"
        self.result_path = folder / "result.json"
        simulate = str(config.simulate) if config.simulate else None
        folder.mkdir()
        spec = CellSpec(config.settings, choice, executor, workers, simulate)
        self.spec_path.write_text(json.dumps(spec.to_json()))
        self.cell = Cell(choice.cell_label, executor, workers)

    @property
    def active(self) -> bool:
        return self.cell.status == "ok"

    def measure(self, round_number: int, cpu: Optional[int] = None) -> Cell:
        """This round's repetition, in a new process (at most --timeout seconds, warm-up included), on ``cpu`` only
        when a conductor chose one (see :func:`bench.vocabulary.runs_on_one_cpu`)."""
        with contextlib.suppress(FileNotFoundError):
            self.result_path.unlink()
        settings = self.config.settings
        code = run_child(self.spec_path, self.result_path, round_number, settings.timeout_s, self.pipe, cpu=cpu)
        this_round = self._read()
        merged = replace(
            self.cell,
            runs=self.cell.runs + (this_round.runs if this_round else ()),
            warmup_s=self.cell.warmup_s + (this_round.warmup_s if this_round else ()),
            warmup_note=(this_round.warmup_note if this_round else None) or self.cell.warmup_note,
            gil_enabled=this_round.gil_enabled if this_round else self.cell.gil_enabled,
        )
        if code is None:
            reason = (
                f"no result within --timeout {settings.timeout_s:g}s in round {round_number} "
                f"({len(merged.runs)} of {settings.repeat} runs done)"
            )
            self.cell = replace(merged, status="timeout", reason=reason)
        elif code != 0 or this_round is None:
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            self.cell = replace(merged, status="failed", reason=f"the cell's process died ({how})")
        else:
            self.cell = replace(merged, status=this_round.status, reason=this_round.reason)
        return self.cell

    def _read(self) -> Optional[Cell]:
        """What this round's process saved, if anything usable."""
        try:
            return Cell.from_json(json.loads(self.result_path.read_text(encoding="utf-8")), "cell")
        except (OSError, ValueError, ResultError):
            return None

    def finish(self, interrupted: bool) -> Cell:
        """The cell's final record: a cell that did not get every round is interrupted or failed."""
        repeat = self.config.settings.repeat
        missing = repeat - len(self.cell.runs)
        if self.cell.status == "ok" and missing > 0 and (self.cell.runs or not interrupted):
            rounds = f"{len(self.cell.runs)} of {repeat} rounds"
            if interrupted:
                self.cell = replace(self.cell, status="interrupted", reason=f"interrupted after {rounds}")
            else:
                self.cell = replace(self.cell, status="failed", reason=f"only {rounds} finished")
        return self.cell


def run_child(
    spec_path: Path,
    result_path: Path,
    round_number: int,
    timeout_s: float,
    pipe: ParentPipe,
    *,
    cpu: Optional[int] = None,
) -> Optional[int]:
    """Run one round of one cell in a new process; its exit code (negative: killed by that signal), None on timeout.

    The process gets its own process group, so Ctrl-C is the runner's to handle and a kill takes the cell's pool
    workers with it; the group is killed whatever happened, and if the runner itself dies the cell sees ``pipe``
    close and ends its group (:mod:`bench.measure.orphans`).  PYTHON_GIL, when set, is inherited on purpose: a
    forced GIL is a visible, recorded experiment.  ``cpu``: the one CPU a forked cell (and anything it starts) may
    use; only a forked cell is pinned (``config.same_cpu`` is only recorded where cells are forked).
    """
    pid = 0
    code: Optional[int] = None
    try:
        if FORK_CELLS:
            sys.stdout.flush()
            sys.stderr.flush()  # nothing buffered is written twice
            with signals_held():  # a stop signal waits until the fork and its hooks are done (bench.interrupts)
                pid = os.fork()
                if pid == 0:
                    _forked_cell(spec_path, result_path, round_number, pipe, cpu)
        else:
            command = [sys.executable, "-m", "bench", "cell", str(spec_path), str(result_path), str(round_number)]
            env = {**os.environ, PARENT_FD_VARIABLE: str(pipe.read_fd)}
            started = subprocess.Popen(
                command, cwd=os.getcwd(), start_new_session=True, pass_fds=(pipe.read_fd,), env=env
            )
            pid = started.pid
        code = _wait(pid, timeout_s)
    finally:
        if pid:  # its group, and the process itself (a signal can come before a forked child's setsid)
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)
            if code is None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
    return code


def _wait(pid: int, timeout_s: float) -> Optional[int]:
    """Wait for ``pid`` without waking often (a measured cell shares the CPUs with this process)."""
    started = time.monotonic()
    while True:
        raise_if_stopping()  # a stop signal whose KeyboardInterrupt was swallowed (see bench.interrupts)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        elapsed = time.monotonic() - started
        if elapsed >= timeout_s:
            return None
        time.sleep(min(0.05, max(0.001, elapsed / 10), timeout_s - elapsed))


def _forked_cell(spec_path: Path, result_path: Path, round_number: int, pipe: ParentPipe, cpu: Optional[int]) -> None:
    """The forked child: its own session, default signals, one round of the cell, then out (never returns)."""
    code = 1
    try:
        os.setsid()
        if cpu is not None:
            set_affinity({cpu})  # no thread: a system call, before the workload is imported
        read_fd = pipe.in_forked_child()
        default_signals()  # and the stop signals held over the fork are let through again
        become_subreaper()
        code = run_cell(
            str(spec_path), str(result_path), round_number, lambda: watch_parent(read_fd, spec_path.parent.parent)
        )
        kill_leftovers()
    except BaseException:  # anything at all: reported, and the runner sees a failed exit code
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


# --- the whole run ------------------------------------------------------------------


def dry_run(config: RunConfig) -> int:
    """Print the matrix a run would measure, measuring nothing (option checking for `nox -s bench`)."""
    settings = config.settings
    extra = [cell_label(w, e, n) for w, e, n in settings.extra_cells]
    say(
        config,
        f"would measure {sum(len(settings.cells_for(c.cell_label)) for c in config.choices)} cells: "
        f"{', '.join(c.name for c in config.choices)} x "
        f"{', '.join(cell_label('', e, w).strip() for e, w in settings.cells)}"
        + (f", and {', '.join(extra)}" if extra else "")
        + f"; load {settings.load}, {settings.repeat} rounds",
    )
    say(config, estimate_line(planned_cells(config), settings.repeat, layout.results_root()))
    if config.options_only:  # the user's modules are imported where their requirements are installed
        return 0
    import_dependencies(list(config.choices))
    check_strategies(strategies_of(config))
    check_gil(config)
    build = "free-threaded build" if introspect.free_threaded_build() else "GIL build"
    state = "on" if introspect.gil_enabled() else "off"
    say(config, f"{config.label}: {build}, GIL {state} after importing every workload's modules")
    return 0


def say(config: RunConfig, text: str) -> None:
    """A line of what the run does, unless --quiet."""
    if not config.quiet:
        print(text, flush=True)


def check_gil(config: RunConfig) -> None:
    """After every workload's imports, on a free-threaded build whose GIL is now on: one line on stderr at once,
    naming the modules that switched it on when CPython named them, or (--require-free-threading) a one-line error
    before anything is measured.  PYTHON_GIL=1 asked for it: said so, and never an error of the workloads'."""
    if not introspect.free_threaded_build() or not introspect.gil_enabled():
        return
    forced = os.environ.get("PYTHON_GIL")
    modules = gil_enablers()
    if forced == "1":
        cause = "PYTHON_GIL=1 is set"
    elif modules:
        cause = f"importing {', '.join(modules)} switched it back on (no Py_mod_gil: not declared free-threading safe)"
    else:
        cause = "a module the workloads import switched it back on"
    text = f"{config.label} is a free-threaded build, but its GIL is on: {cause}"
    if config.require_free_threading:
        raise UsageError(f"{text}; --require-free-threading refuses to measure it")
    sys.stderr.write(
        f"gilbench: warning: {text}; its cells will be GIL measurements, marked so in the answer "
        "(PYTHON_GIL=0 forces it off, at that extension's risk; --require-free-threading makes this an error)\n"
    )
    sys.stderr.flush()


def strategies_of(config: RunConfig) -> list[tuple[WorkloadChoice, str]]:
    """Each workload with each executor it is measured under (for :func:`check_strategies`)."""
    settings = config.settings
    return [(choice, executor) for choice in config.choices for executor, _ in settings.cells_for(choice.cell_label)]


def planned_cells(config: RunConfig, label: Optional[str] = None) -> list[CellKey]:
    """The cells a run would measure, as earlier runs' costs are looked up (:mod:`bench.measure.estimate`)."""
    settings = config.settings
    return [
        (label or config.label, record.text, executor, workers, settings.load)
        for record, choice in zip(settings.workloads, config.choices)
        for executor, workers in settings.cells_for(choice.cell_label)
    ]


def run(config: RunConfig) -> int:
    """Measure every cell, rewriting the result file after each; returns the exit code (see :mod:`bench.errors`)."""
    stop_on_signals()  # Ctrl-C, nox's SIGTERM, a closed terminal's SIGHUP: keep what was measured, exit 130
    claim = layout.ResultClaim(config.out, "--out", config.force)
    try:
        if config.settings.pin:
            set_affinity(set(config.settings.pin))  # inherited by every cell process and its pool
        where = surroundings(config.simulate)
        if config.control is None:
            return measure_all(config, where)
        commands, replies = config.control
        with os.fdopen(commands, "rb", buffering=0) as reader, os.fdopen(replies, "wb", buffering=0) as writer:
            return serve_rounds(config, where, reader, writer)
    finally:
        claim.release()


def first_document(config: RunConfig, where: Surroundings) -> Document:
    """The result before any cell: interpreter (after the workloads' imports), machine, config, warnings."""
    import_dependencies(list(config.choices))
    check_strategies(strategies_of(config))
    check_gil(config)
    facts = where.machine()
    disturbances, warnings = where.disturbances(facts, config.max_workers)
    for warning in warnings:
        sys.stderr.write(f"[{config.label}] warning: {warning.text}\n")
    machine = Machine(
        hostname=facts["hostname"],
        cpu_model=facts["cpu_model"],
        logical_cpus=facts["logical_cpus"] or 1,
        usable_cpus=facts["usable_cpus"],
        memory_bytes=facts["memory_bytes"],
        os=facts["os"],
        kernel=facts["kernel"],
        arch=facts["arch"],
        platform=facts["platform"],
        cpu_governor=facts["cpu_governor"],
        load_average_start=facts["load_average"],
        disturbances=disturbances,
    )
    asked = introspect.requirement_names(list(config.settings.requirements))
    return Document(
        run_id=config.run_id,
        interpreter=replace(where.interpreter(config.label), user_packages=introspect.package_versions(asked)),
        machine=machine,
        config=config.settings,
        tool=where.tool(),
        started_at=where.now(),
        warnings=tuple(warnings),
    )


def round_order(seed: int, round_number: int, count: int) -> list[int]:
    """The cells' order in one round: shuffled, reproducibly, from the run's seed and the round number."""
    order = list(range(count))
    random.Random(f"{seed}:{round_number}").shuffle(order)  # noqa: S311 (a recorded, repeatable order)
    return order


class Progress:
    """One line per measurement: redrawn in place on a terminal, plain lines in CI logs."""

    def __init__(self, label: str, total: int, quiet: bool = False) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.quiet = quiet  # --quiet: no progress lines

    def step(self, round_number: int, rounds: int, cell: Cell, warmups: int) -> None:
        self.done += 1
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        wall = f"{cell.runs[-1].wall_s:.3f}s" if cell.runs and cell.status == "ok" else f"{cell.status}: {cell.reason}"
        if warmups:
            wall += f" after {warmups} warm-up{'s' if warmups > 1 else ''}"
        line = (
            f"[{self.label}] round {round_number}/{rounds}, {self.done}/{self.total}: "
            f"{cell.name} {wall} ({elapsed:.0f}s elapsed, ~{left:.0f}s left)"
        )
        sys.stderr.write(f"\r{line[:150]:<150}" if self.tty else line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty and self.done:
            sys.stderr.write("\n")


class ResultFile:
    """The run's result file.  Every save is atomic, so a failed one (a full disk) leaves the file as the last
    save made it, and the run stops with one line saying what the file keeps."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.saved: Optional[Document] = None

    def save(self, document: Document) -> Document:
        try:
            layout.write_atomically(self.out, document.dumps())
        except OSError as exc:
            kept = "nothing was saved"
            if self.saved is not None:
                runs = sum(len(cell.runs) for cell in self.saved.cells)
                kept = f"it keeps the {runs} repetitions of {len(self.saved.cells)} cells saved before"
            raise WriteError(f"cannot write {self.out} ({exc.strerror or exc}); {kept}") from None
        self.saved = document
        return document


class Runner:
    """One interpreter's part of a run: its cells, its result file and its rounds.

    It measures what it is asked to, one cell in one round at a time: asked by
    :func:`measure_all` when it runs alone, or by a conductor that interleaves
    every interpreter's cells in the same rounds (:func:`serve_rounds`).  The
    result file is saved after every step, so an interruption keeps everything
    measured so far.
    """

    def __init__(self, config: RunConfig, where: Surroundings, resources: contextlib.ExitStack[Optional[bool]]) -> None:
        self.config = config
        self.where = where
        if FORK_CELLS:
            load_prctl()  # once here, not in every forked cell
        self.result_file = ResultFile(config.out)
        self.document = self.result_file.save(first_document(config, where))
        settings = config.settings
        self.matrix = [
            (choice, executor, workers)
            for choice in config.choices
            for executor, workers in settings.cells_for(choice.cell_label)
        ]
        self.probes: list[ProbePoint] = []
        self.probe_executable = sys.executable  # a conductor that probes says which Python it is
        self.orders: list[tuple[int, ...]] = []
        self.pipe = ParentPipe()
        resources.callback(self.pipe.close)
        workdir = Path(resources.enter_context(orphans.run_folder()))
        self.cells = [
            CellProcess(config, *key, workdir / str(index), pipe=self.pipe) for index, key in enumerate(self.matrix)
        ]

    def save(self, **changes: Any) -> Document:
        touched = [cell.cell for cell in self.cells if cell.cell.runs or cell.cell.status != "ok"]
        self.document = self.result_file.save(
            replace(
                self.document,
                cells=tuple(touched),
                probe=tuple(self.probes),
                probe_loops=PROBE_LOOPS,
                probe_executable=self.probe_executable,
                round_orders=tuple(self.orders),
                **changes,
            )
        )
        return self.document

    def begin_round(self, order: list[int]) -> None:
        """This round's order of this interpreter's cells (recorded, so a run can be replayed)."""
        self.orders.append(tuple(order))

    def measure(self, index: int, round_number: int, cpu: Optional[int] = None) -> Optional[Cell]:
        """One repetition of cell ``index`` in this round, in a fresh process; None for a cell no longer going."""
        if not self.cells[index].active:
            return None
        measured = self.cells[index].measure(round_number, cpu)
        self.save()
        return measured

    def add_probe(self, point: ProbePoint) -> None:
        self.probes.append(point)
        self.save()

    def finish(self, interrupted: bool) -> int:
        """The file's last save (complete or not) and the run's exit code (see :mod:`bench.errors`).  A second
        Ctrl-C or SIGTERM while it saves is ignored: it would lose the file it asked to keep."""
        ignore_signals()
        for cell in self.cells:
            cell.finish(interrupted)
        document = self.save(interrupted=interrupted)
        config = self.config
        if interrupted:
            sys.stderr.write(f"interrupted: {len(document.cells)} cells kept in {config.out}\n")
        complete = (
            not interrupted
            and len(document.cells) == len(self.matrix)
            and all(cell.status in ("ok", "unsupported") for cell in document.cells)  # unsupported: a final answer
        )
        load_end = self.where.load_average()
        document = self.save(
            complete=complete,
            finished_at=self.where.now(),
            machine=replace(document.machine, load_average_end=None if load_end is None else tuple(load_end)),
        )
        if not config.quiet:
            sys.stderr.write(f"wrote {config.out} ({'complete' if complete else 'incomplete'})\n")
        if interrupted:
            return EXIT_INTERRUPTED
        if document.faults:
            faulty = document.faults
            names = ", ".join(f"{cell.name} ({cell.status})" for cell in faulty[:3])
            more = f" and {len(faulty) - 3} more" if len(faulty) > 3 else ""
            sys.stderr.write(f"gilbench: {len(faulty)} cells failed or timed out: {names}{more} (exit code 3)\n")
            return EXIT_CELLS_FAILED
        return 0


def measure_all(config: RunConfig, where: Surroundings) -> int:
    """One interpreter alone: rounds in which every cell still going is measured once, in a shuffled order, with
    the speed probe (under this interpreter, the same loop count in every run) between them."""
    settings = config.settings
    cpus = sorted(settings.pin or allowed_cpus())
    interrupted = False
    with contextlib.ExitStack() as resources:
        runner = Runner(config, where, resources)
        started = where.clock()
        progress = Progress(config.label, len(runner.matrix) * settings.repeat, config.quiet)
        try:
            runner.add_probe(where.probe("start", 0.0, PROBE_LOOPS, cpus))
            for round_number in range(1, settings.repeat + 1):
                order = round_order(settings.seed, round_number, len(runner.cells))
                runner.begin_round(order)
                for index in order:
                    raise_if_stopping()
                    before = len(runner.cells[index].cell.warmup_s)
                    measured = runner.measure(index, round_number)
                    if measured is not None:
                        progress.step(round_number, settings.repeat, measured, len(measured.warmup_s) - before)
                label = "end" if round_number == settings.repeat else f"after round {round_number}"
                runner.add_probe(where.probe(label, where.clock() - started, PROBE_LOOPS, cpus))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.close()
            runner.pipe.close()
        return runner.finish(interrupted)


def serve_rounds(config: RunConfig, where: Surroundings, commands: BinaryIO, replies: BinaryIO) -> int:
    """Driven by a conductor (``python -m bench conduct``): one JSON command per line on ``commands``, one JSON
    reply per line on ``replies``.  The main thread reads the commands itself (a blocking read, no thread), so a
    cell forked from here starts from a process with one thread, as a plain script does.

    Commands: ``{"do": "round", "round": R, "order": [...]}`` (this interpreter's cells, in the order the
    conductor will ask for them), ``{"do": "measure", "cell": I, "round": R}``, ``{"do": "probe", "point": P}``
    (a probe point the conductor took; ``null``: take one here) and ``{"do": "end"}``.
    """
    settings = config.settings
    cpus = sorted(settings.pin or allowed_cpus())
    interrupted = False

    def reply(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message).encode("utf-8") + b"\n")
        replies.flush()

    with contextlib.ExitStack() as resources:
        runner = Runner(config, where, resources)
        runner.pipe.runner_only = (commands.fileno(), replies.fileno())
        started = where.clock()
        reply(
            {
                "ready": config.label,
                "cells": [cell.cell.name for cell in runner.cells],
                "one_cpu": [
                    config.settings.same_cpu and runs_on_one_cpu(executor, workers)
                    for _, executor, workers in runner.matrix
                ],
                "pid": os.getpid(),
            }
        )
        try:
            ended = False
            for line in iter(commands.readline, b""):
                raise_if_stopping()
                command = json.loads(line)
                if command["do"] == "end":
                    ended = True
                    break
                if command["do"] == "round":
                    runner.begin_round(list(command["order"]))
                    reply({"round": command["round"]})
                elif command["do"] == "measure":
                    cpu = command.get("cpu")
                    measured = runner.measure(
                        int(command["cell"]), int(command["round"]), None if cpu is None else int(cpu)
                    )
                    status = "skipped" if measured is None else measured.status
                    wall = measured.runs[-1].wall_s if measured is not None and measured.runs else None
                    reply({"done": command["cell"], "status": status, "wall_s": wall, "own_cpu_s": own_cpu_s()})
                elif command["do"] == "probe":
                    given = command.get("point")
                    label = str(command.get("label", "probe"))
                    if given is not None:
                        runner.probe_executable = str(command.get("executable", ""))
                    point = (
                        ProbePoint.from_json(given, "probe")
                        if given is not None
                        else where.probe(label, where.clock() - started, PROBE_LOOPS, cpus)
                    )
                    runner.add_probe(point)
                    reply({"probed": label, "point": point.to_json()})
            interrupted = not ended  # the conductor went away (interrupted, or killed) without saying "end"
        except KeyboardInterrupt:
            interrupted = True
        finally:
            runner.pipe.close()
        return runner.finish(interrupted)
