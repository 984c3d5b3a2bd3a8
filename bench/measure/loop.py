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
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

from bench import layout
from bench.errors import UsageError
from bench.measure.cell import CellSpec
from bench.measure.config import RunConfig
from bench.measure.surroundings import Surroundings, surroundings
from bench.measure.workloads import WorkloadChoice, import_dependencies, page_urls
from bench.result import Cell, Document, Machine, ResultError


def check_writable(out: Path) -> None:
    """Fail before measuring, not after, when the result cannot be written."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise UsageError(f"--out {str(out)!r}: cannot write there ({exc.strerror or exc})") from None
    if out.is_dir():
        raise UsageError(f"--out {str(out)!r}: is a folder; expected a file path")


def check_server(url: str) -> None:
    """The runner checks the pages answer before measuring, and fails fast if not."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (user-chosen URL)
            response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UsageError(f"server {url!r} does not answer ({reason}); start one with 'python -m bench serve'") from None


# --- one cell, in its own process ----------------------------------------------------


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _read_cell(result_path: Path, fallback: Cell) -> Cell:
    """What the cell process saved, or ``fallback`` when it saved nothing usable."""
    try:
        return Cell.from_json(json.loads(result_path.read_text(encoding="utf-8")), "cell")
    except (OSError, ValueError, ResultError):
        return fallback


def measure_cell(config: RunConfig, choice: WorkloadChoice, executor: str, workers: int, workdir: Path) -> Cell:
    """Run one cell in a fresh process; a hang becomes "timeout", a crash "failed"."""
    spec_path = workdir / "cell.json"
    result_path = workdir / "result.json"
    simulate = str(config.simulate) if config.simulate else None
    spec = CellSpec(config.record(), choice, executor, workers, simulate)
    spec_path.write_text(json.dumps(spec.to_json()))
    if result_path.exists():
        result_path.unlink()
    command = [sys.executable, "-m", "bench", "cell", str(spec_path), str(result_path)]
    if config.pin and not hasattr(os, "sched_setaffinity"):  # PyPy 3.9: pin the cell with taskset instead
        command = ["taskset", "-c", ",".join(map(str, config.pin)), *command]
    # PYTHON_GIL, when set, is inherited on purpose: a forced GIL is a visible, recorded experiment.
    process = subprocess.Popen(
        command,
        cwd=os.getcwd(),
        start_new_session=True,  # one process group: a timeout kills the pool's workers too
    )
    try:
        returncode: Optional[int] = process.wait(timeout=config.timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        returncode = None
    except BaseException:
        _kill_group(process)
        raise
    nothing = Cell(choice.name, executor, workers, status="failed")
    cell = _read_cell(result_path, nothing)
    saved = cell is not nothing
    if returncode is None:
        reason = f"no result within --timeout {config.timeout_s:g}s ({len(cell.runs)} of {config.repeat} runs done)"
        return replace(cell, status="timeout", reason=reason)
    if returncode != 0 or not saved:
        how = f"signal {signal.Signals(-returncode).name}" if returncode < 0 else f"exit code {returncode}"
        return replace(cell, status="failed", reason=f"the cell's process died ({how})")
    if cell.status == "ok" and len(cell.runs) < config.repeat:
        return replace(cell, status="failed", reason=f"only {len(cell.runs)} of {config.repeat} runs finished")
    return cell


# --- the whole run ------------------------------------------------------------------


def dry_run(config: RunConfig) -> int:
    """Print the matrix a run would measure, measuring nothing (option checking for `nox -s bench`)."""
    print(
        f"would measure {len(config.workloads) * len(config.cells)} cells: "
        f"{', '.join(c.name for c in config.workloads)} x "
        f"{', '.join(f'{e} x{w}' for e, w in config.cells)}; load {config.load}, repeat {config.repeat}"
    )
    return 0


def _interrupt_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(config: RunConfig) -> int:
    """Measure every cell, rewriting the result file after each; returns the exit code."""
    signal.signal(signal.SIGTERM, _interrupt_on_sigterm)  # nox terminates on Ctrl-C: keep what was measured
    check_writable(config.out)
    if config.pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, config.pin)  # inherited by every cell process and its pool
    needs_server = any(choice.needs_server for choice in config.workloads)
    server = None
    if needs_server and not config.urls:
        if config.server_url is None:
            from bench.server import ServerProcess  # stdlib only; runs in its own process, never in this one

            server = ServerProcess()
            config.server_url = server.url
            sys.stderr.write(f"started a page server at {server.url} (pass --server-url to share one)\n")
        config.urls = page_urls(config.server_url)
    try:
        if needs_server and config.simulate is None:
            check_server(config.urls[0])
        return measure_all(config, surroundings(config.simulate))
    finally:
        if server is not None:
            server.stop()


def first_document(config: RunConfig, where: Surroundings) -> Document:
    """The result before any cell: interpreter (after the workloads' imports), machine, config, warnings."""
    import_dependencies(config.workloads)
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
    return Document(
        run_id=config.run_id,
        interpreter=where.interpreter(config.label),
        machine=machine,
        config=config.record(),
        tool=where.tool(),
        started_at=where.now(),
        warnings=tuple(warnings),
    )


def measure_all(config: RunConfig, where: Surroundings) -> int:
    document = first_document(config, where)
    layout.write_atomically(config.out, document.dumps())
    matrix = [(choice, executor, workers) for choice in config.workloads for executor, workers in config.cells]
    started = time.monotonic()
    exit_code = 0
    with tempfile.TemporaryDirectory(prefix="gilbench-cell-") as workdir:
        try:
            for index, (choice, executor, workers) in enumerate(matrix):
                elapsed = time.monotonic() - started
                eta = f", ~{elapsed / index * (len(matrix) - index):.0f}s left" if index else ""
                sys.stderr.write(
                    f"[{config.label}] cell {index + 1}/{len(matrix)}: {choice.name} {executor} x{workers}"
                    f" ({elapsed:.0f}s elapsed{eta})\n"
                )
                sys.stderr.flush()
                cell = measure_cell(config, choice, executor, workers, Path(workdir))
                if cell.status != "ok":
                    sys.stderr.write(f"    {cell.status}: {cell.reason}\n")
                document = document.with_cell(cell)
                layout.write_atomically(config.out, document.dumps())
        except KeyboardInterrupt:
            document = replace(document, interrupted=True)
            exit_code = 130
            sys.stderr.write(f"interrupted: {len(document.cells)} cells kept in {config.out}\n")
    complete = (
        not document.interrupted
        and len(document.cells) == len(matrix)
        and all(cell.status == "ok" for cell in document.cells)
    )
    load_end = where.load_average()
    document = replace(
        document,
        complete=complete,
        finished_at=where.now(),
        machine=replace(document.machine, load_average_end=None if load_end is None else tuple(load_end)),
    )
    layout.write_atomically(config.out, document.dumps())
    sys.stderr.write(f"wrote {config.out} ({'complete' if complete else 'incomplete'})\n")
    return exit_code
