"""``python -m bench run``'s options and presets, resolved into one :class:`RunConfig`.

Guest code: standard library only.  Every value is checked here, before
anything is measured: a bad one is a one-line :class:`UsageError` naming the
value and what is accepted.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from bench import layout
from bench.errors import UsageError
from bench.measure import introspect
from bench.measure.executors import EXECUTORS, default_start_method, start_methods
from bench.measure.workloads import BUILTINS, WorkloadChoice, parse_workload
from bench.result import ChunkSetting, Config, WarmupSetting

DEFAULT_TIMEOUT_S = 600.0
PYPY_WARMUP = 3
AUTO = "auto"
CLOCK = "time.perf_counter (system-wide monotonic clock; comparable across pool processes)"


def standard_workers(usable_cpus: int) -> list[int]:
    """1, 2, 4, ... up to the usable CPUs, the usable CPUs themselves, and the talk's 5 (more workers than CPUs
    on small machines: what waiting tasks gain from it, and what CPU-bound ones do not)."""
    workers, count = {usable_cpus, 5}, 1
    while count <= usable_cpus:
        workers.add(count)
        count *= 2
    return sorted(workers)


@dataclass(frozen=True)
class Preset:
    description: str
    workloads: tuple[str, ...]
    executors: tuple[str, ...] = ("serial", "threads", "processes", "interpreters")
    workers: Optional[tuple[int, ...]] = None  # None: standard_workers()
    cells: Optional[tuple[tuple[str, int], ...]] = None  # an explicit matrix instead of a cross product
    load: int = 40
    repeat: int = 8
    chunksize: ChunkSetting = 1  # tasks per hand-over to a process pool's worker (1: as the talk ran)


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
        "every workload x serial/threads/processes/interpreters x 1, 2, 4 ... usable CPUs and 5 workers, "
        "8 interleaved rounds",
        # cpu and objects: long enough that pool start-up, hand-overs and shut-down stay under a quarter of a
        # 2-worker cell's wall time on PyPy too (a cpu task: ~10 ms there, ~0.6 s on CPython 3.13).
        ("cpu=24000000", "io", "mixed=200000", "hash=8", "objects=100000", "sleep=0.02"),
        load=24,
        repeat=8,  # the fewest rounds whose paired test can reach p < 0.01 (2 / 2**8 = 0.0078)
        chunksize=AUTO,
    ),
}
DEFAULT_PRESET = "standard"


@dataclass
class RunConfig:
    """Every resolved parameter of a run; :meth:`record` is what the result file keeps of it."""

    preset: str
    workloads: list[WorkloadChoice]
    cells: list[tuple[str, int]]
    load: int
    repeat: int
    warmup: WarmupSetting
    timeout_s: float
    start_method: str
    seed: int
    server_url: Optional[str]
    urls: list[str]
    label: str
    run_id: str
    out: Path
    pin: Optional[list[int]] = None
    chunksize: ChunkSetting = 1
    argv: list[str] = field(default_factory=list)
    force: bool = False  # replace an existing result file at --out
    reserve_run_dir: bool = False  # neither run id nor path given: the runner makes the run's folder, uniquely
    simulate: Optional[Path] = None  # tests: facts and timings from a file (see bench.measure.surroundings)

    @property
    def max_workers(self) -> int:
        return max(workers for _, workers in self.cells)

    def record(self) -> Config:
        return Config(
            preset=self.preset,
            workloads=tuple(choice.record() for choice in self.workloads),
            cells=tuple(self.cells),
            load=self.load,
            repeat=self.repeat,
            warmup=self.warmup,
            timeout_s=self.timeout_s,
            start_method=self.start_method,
            seed=self.seed,
            server_url=self.server_url,
            urls=tuple(self.urls),
            pin=None if self.pin is None else tuple(self.pin),
            python_gil=os.environ.get("PYTHON_GIL"),
            argv=tuple(self.argv),
            clock=CLOCK,
            chunksize=self.chunksize,
        )


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
    """The spec that would ask for this interpreter: 3.13, 3.13t, pypy3 (one rule, in :mod:`bench.layout`)."""
    return layout.interpreter_label(
        sys.implementation.name, tuple(sys.version_info[:2]), introspect.free_threaded_build()
    )


def _resolve_workloads(args: Any, preset: Preset) -> list[WorkloadChoice]:
    texts = list(preset.workloads)
    if args.workloads:
        texts = [part for part in args.workloads.split(",") if part.strip()]
    texts += args.workload or []
    if not texts:
        raise UsageError(f"--workloads {args.workloads!r}: expected at least one of {', '.join(BUILTINS)}")
    return labelled([parse_workload(text) for text in texts])


def labelled(choices: list[WorkloadChoice]) -> list[WorkloadChoice]:
    """Name cells ``cpu=1000`` and ``cpu=5000`` when a workload is listed twice; the same one twice is refused."""
    texts = [f"{c.name}={c.argument}" if c.has_argument else c.name for c in choices]
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    if repeated:
        raise UsageError(f"--workloads: {', '.join(repeated)} is listed twice; list each workload once")
    names = [choice.name for choice in choices]
    return [replace(c, label=text) if names.count(c.name) > 1 else c for c, text in zip(choices, texts)]


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


def _resolve_warmup(text: Optional[str]) -> WarmupSetting:
    if text is None:
        return PYPY_WARMUP if sys.implementation.name == "pypy" else 1
    if text.strip() == AUTO:
        return AUTO
    warmup = int(text) if text.strip().isdigit() else -1
    if warmup < 0:
        raise UsageError(f"--warmup {text!r}: expected a whole number >= 0 or 'auto'")
    return warmup


def _resolve_chunksize(text: Optional[str], preset: Preset) -> ChunkSetting:
    if text is None:
        return preset.chunksize
    if text.strip() == AUTO:
        return AUTO
    try:
        return positive_int(text, "--chunksize")
    except UsageError:
        raise UsageError(f"--chunksize {text!r}: expected a positive whole number or 'auto'") from None


def chunk_of(setting: ChunkSetting, tasks: int, workers: int) -> int:
    """Tasks per hand-over: the setting, or for "auto" ceil(tasks / (4 x workers)), ``multiprocessing.Pool.map``'s
    rule: few hand-overs, yet every worker gets several chunks, so one slow chunk does not leave the others idle."""
    if setting == AUTO:
        return max(1, -(-tasks // (4 * workers)))
    return int(setting)


def _resolve_timeout(text: Optional[str]) -> float:
    if text is None:
        return DEFAULT_TIMEOUT_S
    try:
        timeout_s = float(text)
    except ValueError:
        timeout_s = -1.0
    if not timeout_s > 0:
        raise UsageError(f"--timeout {text!r}: expected a positive number of seconds")
    return timeout_s


def _resolve_pin(text: Optional[str]) -> Optional[list[int]]:
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
    if not hasattr(os, "sched_setaffinity") and not sys.platform.startswith("linux"):
        raise UsageError("--pin needs CPU affinity (os.sched_setaffinity or Linux), and this system has neither")
    return sorted(cpus)


def web_url(text: Optional[str], option: str) -> Optional[str]:
    """--url and --server-url: http(s) with a host, checked before measuring (``file:`` would fail every io cell)."""
    if text is None:
        return None
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} {text!r}: expected an http:// or https:// URL with a host")
    return text.strip()


def _resolve_simulation(text: Optional[str]) -> Optional[Path]:
    if text is None:
        return None
    path = Path(text)
    if not path.is_file():
        raise UsageError(f"--simulate {text!r}: no such file; expected a simulation file (tests/fixtures/)")
    return path.resolve()


def resolve_config(args: Any) -> RunConfig:
    """Turn parsed options and the preset into a :class:`RunConfig`, refusing bad values."""
    preset = PRESETS[args.preset]
    methods = start_methods()
    start_method = args.start_method or default_start_method()
    if start_method not in methods:
        raise UsageError(f"--start-method {start_method!r}: accepted here: {', '.join(methods)}")
    label = layout.check_name(args.label, "--label") if args.label else default_label()
    given_run_id = args.run_id or os.environ.get("GILBENCH_RUN_ID")
    if given_run_id:
        run_id = layout.check_name(given_run_id, "--run-id" if args.run_id else "GILBENCH_RUN_ID")
    else:
        run_id = layout.new_run_id()  # for --dry-run; a real run reserves its folder (and may add "-2")
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
        server_url=web_url(args.server_url, "--server-url"),
        urls=[str(web_url(url, "--url")) for url in args.url or []],
        label=label,
        run_id=run_id,
        out=Path(args.out) if args.out else layout.result_path(run_id, label),
        force=args.force,
        reserve_run_dir=not given_run_id and not args.out,
        argv=["python", "-m", "bench", *sys.argv[1:]],
        pin=_resolve_pin(args.pin),
        chunksize=_resolve_chunksize(args.chunksize, preset),
        simulate=_resolve_simulation(args.simulate),
    )


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
    parser.add_argument(
        "--repeat",
        help="rounds: each cell is measured once per round, rounds interleave all cells (default: the preset's)",
    )
    parser.add_argument(
        "--warmup",
        help=f"discarded repetitions per cell, or 'auto': until they stop getting faster "
        f"(default 1; {PYPY_WARMUP} on PyPy)",
    )
    parser.add_argument(
        "--timeout", help=f"seconds per cell before it is killed and marked timeout (default {DEFAULT_TIMEOUT_S:g})"
    )
    parser.add_argument("--start-method", help=f"process pool start method (default: {default_start_method()} here)")
    parser.add_argument(
        "--chunksize",
        help="tasks handed to a process pool's worker at a time, or 'auto': tasks / (4 x workers) "
        "(default 1, as the talk ran: each task on its own; the standard preset uses auto)",
    )
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed of the mixed workload (default 0)")
    parser.add_argument("--server-url", help="page server to download from (default: start one)")
    parser.add_argument("--url", action="append", help="a real page to download instead (repeatable)")
    parser.add_argument(
        "--label", help="interpreter label in the report (default: 3.13, 3.13t, pypy3 ...; letters, digits and ._+@-)"
    )
    parser.add_argument("--run-id", help="run identifier shared by all interpreters' files (default: a timestamp)")
    parser.add_argument("--out", help="result file (default: results/RUN_ID/LABEL.json)")
    parser.add_argument("--force", action="store_true", help="replace the result file at --out if it exists")
    parser.add_argument("--pin", metavar="CPUS", help="run on these CPUs only, e.g. 0,1 or 0-3 (recorded)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check the options and print the matrix, measure nothing"
    )
    parser.add_argument("--simulate", help=argparse.SUPPRESS)  # fixtures: see bench.measure.surroundings
