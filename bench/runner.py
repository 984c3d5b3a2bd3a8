"""``python -m bench run``: measure a matrix of cells and write one JSON result file.

Guest code: standard library and ``requests`` only.

Each cell (workload x executor x workers) runs in a fresh child process of
the same interpreter, so one cell's JIT state, heap and threads never leak
into the next, and a hanging or crashing cell can be killed (with its pool)
without losing the others.  The result file is rewritten atomically after
every cell, so Ctrl-C, a kill or a failed cell still leaves a valid file with
``complete: false`` and every cell measured so far.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import warnings
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import __version__, introspect
from bench.errors import UsageError
from bench.executors import EXECUTORS, default_start_method, make_executor, start_methods
from bench.schema import SCHEMA_VERSION, TASK_FIELDS
from bench.workloads import (
    BUILTINS,
    BuildContext,
    WorkloadChoice,
    build_tasks,
    import_dependencies,
    page_urls,
    parse_workload,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEOUT_S = 600.0
PYPY_WARMUP = 3
AUTO = "auto"
AUTO_WARMUP_MAX = 10
AUTO_WARMUP_TOLERANCE = 0.02
"""--warmup auto stops once a warm-up is no more than 2% faster than the one before (at most 10)."""


def standard_workers(usable_cpus: int) -> list[int]:
    """1, 2, 4, ... up to twice the usable CPUs, plus the talk's 5."""
    workers, count = [], 1
    while count <= 2 * usable_cpus:
        workers.append(count)
        count *= 2
    return sorted(set(workers) | {5})


@dataclass(frozen=True)
class Preset:
    description: str
    workloads: tuple[str, ...]
    executors: tuple[str, ...] = ("serial", "threads", "processes")
    workers: tuple[int, ...] | None = None  # None: standard_workers()
    cells: tuple[tuple[str, int], ...] | None = None  # an explicit matrix instead of a cross product
    load: int = 40
    repeat: int = 5


PRESETS: dict[str, Preset] = {
    "smoke": Preset(
        "a minute-long check that everything works: every workload, tiny loads, 2 workers",
        ("cpu=100000", "io", "mixed", "hash=1", "objects=5000", "sleep=0.01"),
        workers=(2,),
        load=8,
        repeat=2,
    ),
    "seed": Preset(
        "the talk's 9 cells: cpu/io/mixed x (1 thread, 5 threads, 5 processes), 300 tasks, countdown(850000)",
        ("cpu", "io", "mixed"),
        executors=("threads", "processes"),
        cells=(("threads", 1), ("threads", 5), ("processes", 5)),
        load=300,
        repeat=3,
    ),
    "standard": Preset(
        "every workload x serial/threads/processes x 1, 2, 4 ... 2x usable CPUs and 5 workers",
        ("cpu=200000", "io", "mixed", "hash=8", "objects=10000", "sleep=0.02"),
        load=24,
        repeat=5,
    ),
}
DEFAULT_PRESET = "standard"


@dataclass
class RunConfig:
    """Every resolved parameter of a run, written into the result so it can be repeated."""

    preset: str
    workloads: list[WorkloadChoice]
    cells: list[tuple[str, int]]
    load: int
    repeat: int
    warmup: int | str  # a count, or "auto"
    timeout_s: float
    start_method: str
    seed: int
    server_url: str | None
    urls: list[str]
    label: str
    run_id: str
    out: Path
    pin: list[int] | None = None
    argv: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "workloads": [choice.to_json() for choice in self.workloads],
            "cells": [list(cell) for cell in self.cells],
            "executors": sorted({executor for executor, _ in self.cells}),
            "workers": sorted({workers for _, workers in self.cells}),
            "load": self.load,
            "repeat": self.repeat,
            "warmup": self.warmup,
            "timeout_s": self.timeout_s,
            "start_method": self.start_method,
            "seed": self.seed,
            "server_url": self.server_url,
            "urls": self.urls,
            "label": self.label,
            "out": str(self.out),
            "pin": self.pin,
            "python_gil": os.environ.get("PYTHON_GIL"),
            "argv": self.argv,
            "clock": "time.perf_counter (system-wide monotonic clock; comparable across pool processes)",
        }


# --- option parsing -----------------------------------------------------------


def positive_int(text: str, option: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or str(value) != text.strip():
        raise UsageError(f"{option} {text!r}: expected a positive whole number")
    return value


def int_list(text: str, option: str) -> list[int]:
    values = [positive_int(part.strip(), option) for part in text.split(",") if part.strip()]
    if not values:
        raise UsageError(f"{option} {text!r}: expected a comma-separated list of positive whole numbers")
    return sorted(set(values))


def name_list(text: str, option: str, accepted: list[str]) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in accepted]
    if unknown or not names:
        raise UsageError(f"{option}: unknown value {', '.join(unknown) or repr(text)}; accepted: {', '.join(accepted)}")
    return names


def default_label() -> str:
    facts = introspect.interpreter_facts()
    major, minor = facts["version_info"][:2]
    if facts["implementation"] == "pypy":
        return f"pypy{major}.{minor}"
    return f"{major}.{minor}{'t' if facts['free_threaded_build'] else ''}"


def safe_file_name(label: str) -> str:
    return "".join(char if char.isalnum() or char in ".-_" else "_" for char in label).strip("_") or "python"


def _resolve_workloads(args: Any, preset: Preset) -> list[WorkloadChoice]:
    texts = list(preset.workloads)
    if args.workloads:
        texts = [part for part in args.workloads.split(",") if part.strip()]
    texts += args.workload or []
    if not texts:
        raise UsageError(f"--workloads {args.workloads!r}: expected at least one of {', '.join(BUILTINS)}")
    return [parse_workload(text) for text in texts]


def _resolve_cells(args: Any, preset: Preset) -> list[tuple[str, int]]:
    """The preset's own matrix, or executors x workers (serial only ever with 1 worker)."""
    if args.executors is None and args.workers is None and preset.cells is not None:
        return list(preset.cells)
    executors = name_list(args.executors, "--executors", list(EXECUTORS)) if args.executors else list(preset.executors)
    if args.workers is not None:
        workers = int_list(args.workers, "--workers")
    else:
        workers = list(preset.workers or standard_workers(introspect.usable_cpus()))
    return [(executor, count) for executor in executors for count in ([1] if executor == "serial" else workers)]


def _resolve_warmup(text: str | None) -> int | str:
    if text is None:
        return PYPY_WARMUP if sys.implementation.name == "pypy" else 1
    if text.strip() == AUTO:
        return AUTO
    warmup = int(text) if text.strip().isdigit() else -1
    if warmup < 0:
        raise UsageError(f"--warmup {text!r}: expected a whole number >= 0 or 'auto'")
    return warmup


def _resolve_timeout(text: str | None) -> float:
    if text is None:
        return DEFAULT_TIMEOUT_S
    try:
        timeout_s = float(text)
    except ValueError:
        timeout_s = -1.0
    if not timeout_s > 0:
        raise UsageError(f"--timeout {text!r}: expected a positive number of seconds")
    return timeout_s


def _resolve_pin(text: str | None) -> list[int] | None:
    """--pin CPUS: a kernel-style list ("0,1" or "0-3") of CPUs this process may use."""
    if text is None:
        return None
    allowed = introspect.allowed_cpus()
    accepted = ",".join(str(cpu) for cpu in sorted(allowed))
    try:
        cpus = introspect.parse_cpu_list(text)
    except ValueError:
        raise UsageError(f"--pin {text!r}: expected CPU numbers like 0,1 or 0-3; usable here: {accepted}") from None
    if not cpus or not cpus <= allowed:
        bad = ",".join(str(cpu) for cpu in sorted(cpus - allowed)) or text
        raise UsageError(f"--pin {text!r}: CPU {bad} does not exist or is not usable here; usable: {accepted}")
    if not hasattr(os, "sched_setaffinity") and shutil.which("taskset") is None:
        raise UsageError("--pin needs os.sched_setaffinity or the taskset command, and this system has neither")
    return sorted(cpus)


def resolve_config(args: Any) -> RunConfig:
    """Turn parsed options and the preset into a :class:`RunConfig`, refusing bad values."""
    preset = PRESETS[args.preset]
    methods = start_methods()
    start_method = args.start_method or default_start_method()
    if start_method not in methods:
        raise UsageError(f"--start-method {start_method!r}: accepted here: {', '.join(methods)}")
    label = args.label or default_label()
    run_id = args.run_id or os.environ.get("GILBENCH_RUN_ID") or time.strftime("%Y%m%d-%H%M%S")
    return RunConfig(
        preset=args.preset,
        workloads=_resolve_workloads(args, preset),
        cells=_resolve_cells(args, preset),
        load=positive_int(args.load, "--load") if args.load is not None else preset.load,
        repeat=positive_int(args.repeat, "--repeat") if args.repeat is not None else preset.repeat,
        warmup=_resolve_warmup(args.warmup),
        timeout_s=_resolve_timeout(args.timeout),
        start_method=start_method,
        seed=args.seed,
        server_url=args.server_url,
        urls=list(args.url or []),
        label=label,
        run_id=run_id,
        out=Path(args.out) if args.out else Path("results") / run_id / f"{safe_file_name(label)}.json",
        argv=["python", "-m", "bench", *sys.argv[1:]],
        pin=_resolve_pin(args.pin),
    )


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


# --- the result document -------------------------------------------------------


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def write_atomically(path: Path, document: dict[str, Any]) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, separators=(",", ":"))
            stream.write("\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; results are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


# --- one cell, in its own process ----------------------------------------------------


def compact_tasks(repetition: Any, kinds: list[str]) -> list[list[Any]]:
    """Rows of TASK_FIELDS: start offset and duration in µs precision, small worker numbers."""
    workers: dict[tuple[int, int], int] = {}
    for _start, _, pid, tid in sorted(repetition.records):
        workers.setdefault((pid, tid), len(workers))
    return [
        [round(start - repetition.started, 6), round(duration, 6), workers[(pid, tid)], kind]
        for (start, duration, pid, tid), kind in zip(repetition.records, kinds)
    ]


class Progress:
    """Repetition progress: a bar redrawn in place on a terminal, plain lines in CI logs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()

    def step(self, tag: str, wall_s: float) -> None:
        self.done += 1
        if self.tty:
            filled = int(20 * self.done / max(1, self.total))
            sys.stderr.write(f"\r    [{'#' * filled}{'.' * (20 - filled)}] {tag}: {wall_s:.3f}s   ")
        else:
            sys.stderr.write(f"    {tag}: {wall_s:.3f}s\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty and self.done:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _warm_up(executor: Any, tasks: list[Any], spec: dict[str, Any], result: dict[str, Any], progress: Progress) -> None:
    """Discarded repetitions: a fixed number, or with "auto" until they stop getting faster (bounded)."""
    if spec["warmup"] == AUTO:
        previous = None
        for index in range(AUTO_WARMUP_MAX):
            wall = executor.run(tasks, spec["workers"]).wall_s
            result["warmup"].append({"wall_s": round(wall, 6)})
            progress.step(f"warm-up {index + 1} (auto)", wall)
            if previous is not None and wall >= previous * (1 - AUTO_WARMUP_TOLERANCE):
                return
            previous = wall
        result["warmup_note"] = f"still improving after {AUTO_WARMUP_MAX} warm-ups"
        return
    for index in range(spec["warmup"]):
        wall = executor.run(tasks, spec["workers"]).wall_s
        result["warmup"].append({"wall_s": round(wall, 6)})
        progress.step(f"warm-up {index + 1}/{spec['warmup']}", wall)


def run_cell(spec_path: str, result_path: str) -> int:
    """Child-process entry: run one cell's warm-ups and repetitions, saving after each."""
    warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\) may lead to deadlocks")
    spec = json.loads(Path(spec_path).read_text())
    choice = WorkloadChoice(**spec["workload"])
    result: dict[str, Any] = {"status": "ok", "reason": None, "warmup": [], "runs": []}
    progress = Progress(spec["repeat"] + (spec["warmup"] if spec["warmup"] != AUTO else 0))

    def save() -> None:
        result["gil_enabled"] = introspect.gil_enabled()
        write_atomically(Path(result_path), result)

    try:
        import_dependencies([choice])
        context = BuildContext(urls=spec["urls"], seed=spec["seed"], cpu_argument=spec["cpu_argument"])
        tasks = build_tasks(choice, spec["load"], context)
        kinds = [task.kind for task in tasks]
        executor = make_executor(spec["executor"], spec["start_method"])
        result["executor_details"] = executor.describe()
        _warm_up(executor, tasks, spec, result, progress)
        save()
        for index in range(spec["repeat"]):
            repetition = executor.run(tasks, spec["workers"])
            result["runs"].append(
                {
                    "wall_s": round(repetition.wall_s, 6),
                    "pool_startup_s": round(repetition.pool_startup_s, 6),
                    "tasks": compact_tasks(repetition, kinds),
                }
            )
            progress.step(f"rep {index + 1}/{spec['repeat']}", repetition.wall_s)
            save()
    except BrokenProcessPool as exc:
        result.update(status="failed", reason=f"a pool worker process died ({exc})")
    except UsageError as exc:
        result.update(status="failed", reason=str(exc))
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        result.update(status="failed", reason=f"a task raised {type(exc).__name__}: {exc}{where}")
    progress.close()
    save()
    return 0


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def measure_cell(
    config: RunConfig, choice: WorkloadChoice, executor: str, workers: int, workdir: Path
) -> dict[str, Any]:
    """Run one cell in a fresh process; a hang becomes "timeout", a crash "failed"."""
    cpu_choice = next((c for c in config.workloads if c.name == "cpu"), None)
    spec = {
        "workload": {"name": choice.name, "argument": choice.argument, "has_argument": choice.has_argument},
        "executor": executor,
        "workers": workers,
        "load": config.load,
        "repeat": config.repeat,
        "warmup": config.warmup,
        "start_method": config.start_method,
        "seed": config.seed,
        "urls": config.urls,
        "cpu_argument": cpu_choice.resolved_argument() if cpu_choice else None,
    }
    spec_path = workdir / "cell.json"
    result_path = workdir / "result.json"
    spec_path.write_text(json.dumps(spec))
    if result_path.exists():
        result_path.unlink()
    cell: dict[str, Any] = {"workload": choice.name, "executor": executor, "workers": workers}
    command = [sys.executable, "-m", "bench", "cell", str(spec_path), str(result_path)]
    if config.pin and not hasattr(os, "sched_setaffinity"):  # PyPy 3.9: pin the cell with taskset instead
        command = ["taskset", "-c", ",".join(map(str, config.pin)), *command]
    env = dict(os.environ)
    if "PYTHON_GIL" in os.environ:
        env["PYTHON_GIL"] = os.environ["PYTHON_GIL"]  # explicit: a forced GIL is a visible, recorded experiment
    process = subprocess.Popen(
        command,
        cwd=os.getcwd(),
        env=env,
        start_new_session=True,  # one process group: a timeout kills the pool's workers too
    )
    try:
        returncode = process.wait(timeout=config.timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        returncode = None
    except BaseException:
        _kill_group(process)
        raise
    outcome: dict[str, Any] = {}
    if result_path.exists():
        outcome = json.loads(result_path.read_text())
    cell.update(
        status=outcome.get("status", "failed"),
        reason=outcome.get("reason"),
        gil_enabled=outcome.get("gil_enabled"),
        executor_details=outcome.get("executor_details", {"name": executor}),
        warmup=outcome.get("warmup", []),
        runs=outcome.get("runs", []),
    )
    if returncode is None:
        done = len(cell["runs"])
        cell.update(
            status="timeout",
            reason=f"no result within --timeout {config.timeout_s:g}s ({done} of {config.repeat} runs done)",
        )
    elif returncode != 0 or not outcome:
        how = f"signal {signal.Signals(-returncode).name}" if returncode < 0 else f"exit code {returncode}"
        cell.update(status="failed", reason=f"the cell's process died ({how})")
    elif cell["status"] == "ok" and len(cell["runs"]) < config.repeat:
        cell.update(status="failed", reason=f"only {len(cell['runs'])} of {config.repeat} runs finished")
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
            from bench.server import ServerProcess

            server = ServerProcess()
            config.server_url = server.url
            sys.stderr.write(f"started a page server at {server.url} (pass --server-url to share one)\n")
        config.urls = page_urls(config.server_url)
    try:
        if needs_server:
            check_server(config.urls[0])
        return _measure_all(config)
    finally:
        if server is not None:
            server.stop()


def _measure_all(config: RunConfig) -> int:
    import_dependencies(config.workloads)
    interpreter = {"label": config.label, **introspect.interpreter_facts()}
    interpreter["gil_enabled_after_imports"] = interpreter["gil_enabled"]
    machine = introspect.machine_facts()
    disturbances, warnings_now = introspect.disturbances(machine, max(workers for _, workers in config.cells))
    machine["load_average_start"] = machine.pop("load_average")
    machine["disturbances"] = disturbances
    for warning in warnings_now:
        sys.stderr.write(f"[{config.label}] warning: {warning}\n")
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "run_id": config.run_id,
        "complete": False,
        "interrupted": False,
        "tool": {"name": "gilbench", "version": __version__, "git_commit": git_commit()},
        "started_at": now_iso(),
        "finished_at": None,
        "interpreter": interpreter,
        "machine": machine,
        "config": config.to_json(),
        "task_fields": TASK_FIELDS,
        "warnings": warnings_now,
        "cells": [],
    }
    write_atomically(config.out, document)
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
                if cell["status"] != "ok":
                    sys.stderr.write(f"    {cell['status']}: {cell['reason']}\n")
                document["cells"].append(cell)
                write_atomically(config.out, document)
        except KeyboardInterrupt:
            document["interrupted"] = True
            exit_code = 130
            sys.stderr.write(f"interrupted: {len(document['cells'])} cells kept in {config.out}\n")
    document["complete"] = (
        not document["interrupted"]
        and len(document["cells"]) == len(matrix)
        and all(cell["status"] == "ok" for cell in document["cells"])
    )
    document["finished_at"] = now_iso()
    document["machine"]["load_average_end"] = introspect.load_average()
    write_atomically(config.out, document)
    sys.stderr.write(f"wrote {config.out} ({'complete' if document['complete'] else 'incomplete'})\n")
    return exit_code


def add_run_options(parser: Any) -> None:
    """The options of ``python -m bench run`` (kept here, next to what they configure)."""
    preset_help = "; ".join(f"{name}: {preset.description}" for name, preset in PRESETS.items())
    parser.add_argument(
        "--preset", choices=list(PRESETS), default=DEFAULT_PRESET, help=f"{preset_help} (default: {DEFAULT_PRESET})"
    )
    parser.add_argument(
        "--workloads",
        help=f"comma list of {', '.join(BUILTINS)} or module:function, each optionally =ARG (e.g. cpu=100000)",
    )
    parser.add_argument(
        "--workload", action="append", metavar="MODULE:FUNCTION[=ARG]", help="add one workload, e.g. your own function"
    )
    parser.add_argument("--executors", help=f"comma list of {', '.join(EXECUTORS)}")
    parser.add_argument("--workers", help="comma list of worker counts (serial always uses 1)")
    parser.add_argument("--load", help="tasks per cell (mixed: this many io and this many cpu tasks)")
    parser.add_argument("--repeat", help="measured repetitions per cell (default 5)")
    parser.add_argument(
        "--warmup",
        help=f"discarded repetitions per cell, or 'auto': until they stop getting faster "
        f"(default 1; {PYPY_WARMUP} on PyPy)",
    )
    parser.add_argument(
        "--timeout", help=f"seconds per cell before it is killed and marked timeout (default {DEFAULT_TIMEOUT_S:g})"
    )
    parser.add_argument("--start-method", help=f"process pool start method (default: {default_start_method()} here)")
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed of the mixed workload (default 0)")
    parser.add_argument("--server-url", help="page server to download from (default: start one)")
    parser.add_argument("--url", action="append", help="a real page to download instead (repeatable)")
    parser.add_argument("--label", help="interpreter label in the report (default: 3.13t, pypy3.9 ...)")
    parser.add_argument("--run-id", help="run identifier shared by all interpreters' files (default: a timestamp)")
    parser.add_argument("--out", help="result file (default: results/RUN_ID/LABEL.json)")
    parser.add_argument("--pin", metavar="CPUS", help="run on these CPUs only, e.g. 0,1 or 0-3 (recorded)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check the options and print the matrix, measure nothing"
    )
