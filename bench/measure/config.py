"""``python -m bench run``'s options and presets, resolved once into one immutable :class:`RunConfig`.

Guest code: standard library only.  Every value is checked here, before
anything is measured: a bad one is a one-line :class:`UsageError` naming the
value and what is accepted.  Resolution is also where a run is placed (its
run id and result path, its folder reserved) and gets its pages (a page
server started and asked for its settings): after :func:`resolve_config`
nothing rewrites the run id, the result path or the pages.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

from bench import layout
from bench.errors import OneLineParser, UsageError
from bench.measure import introspect
from bench.measure.strategies.processes import default_start_method, start_methods
from bench.measure.workloads import BUILTINS, WorkloadChoice, page_urls, parse_workload, with_declared_traits
from bench.result import ChunkSetting, Config, ServerFacts, WarmupSetting
from bench.verdict import DEFAULT_MARGIN
from bench.vocabulary import (
    ACCEPTED_STRATEGIES,
    CROSSED,
    TALK_CELLS,
    TALK_WORKLOADS,
    every_workload,
    strategy_name,
    worker_counts,
)

DEFAULT_TIMEOUT_S = 600.0
DEFAULT_READY_TIMEOUT_S = 300.0
"""How long a conducted runner may take to import the workloads, check its surroundings and say it is ready; one
that takes longer is killed with everything it started, and named (``--ready-timeout``)."""
PYPY_WARMUP = 3
QUARTER = "quarter"
ONE_PER_WORKER = "one per worker"
"""How many tasks a warm-up pass runs: on a JIT (PyPy) a quarter of the cell's tasks (at least one per worker), to
compile its loops; else one task per worker, which warms imports, caches and connections (16 cells of a 60-minute
run recomputed so stayed within 5% of their measured speed: 1.001x on 3.13, 1.045x on 3.13t)."""
AUTO = "auto"
FORK_CELLS = sys.platform.startswith("linux") and hasattr(os, "fork")
"""On Linux a cell's process is forked from the runner (a few ms, and every cell starts from the same clean state
and memory layout); elsewhere it is a new interpreter (``python -m bench cell``).  Only a forked cell can be put
on the CPU a conductor chose for it (``config.same_cpu``)."""
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
    executors: tuple[str, ...] = CROSSED
    workers: Optional[tuple[int, ...]] = None  # None: standard_workers()
    cells: Optional[tuple[tuple[str, int], ...]] = None  # an explicit matrix instead of a cross product
    load: int = 40
    repeat: int = 8
    chunksize: ChunkSetting = 1  # tasks per hand-over to a process pool's worker (1: as the talk ran)
    latency_ms: float = 50.0  # the page server's delay before each page (a server gilbench starts)
    one_worker_pools: bool = True  # with the standard worker counts: also pools of one worker
    warmup: Optional[int] = None  # warm-up passes when --warmup is not given (None: 1, and 3 on PyPy)
    extra_cells: tuple[tuple[str, str, int], ...] = ()  # (workload, executor, workers) for one workload only
    uncrossed: tuple[str, ...] = ()  # workloads measured in their own extra cells only (not crossed)
    max_rounds: Optional[int] = None  # a conducted run adds rounds up to this until its answer settles (None: none)
    extra_time_s: float = 0.0  # the most time those added rounds may take, from the end of the base rounds


PAIRED_CLIENT_WORKLOADS = tuple(name for name, item in BUILTINS.items() if item.variant_of)
"""io and mixed with the client threads and asyncio share: measured in the cells that compare the two."""

PRESETS: dict[str, Preset] = {
    "smoke": Preset(
        "a minute-long check that everything works: every workload, tiny loads, 2 workers",
        every_workload(cpu=100000, hash=1, objects=5000, sleep=0.01),
        workers=(2,),
        load=8,
        repeat=2,
    ),
    "seed": Preset(
        "the talk's 9 cells: cpu/io/mixed x (1 thread, 5 threads, 5 processes), 300 tasks, countdown(850000), "
        "Pool.map's chunks (15; mixed's 600 tasks: 30), no warm-up (cold, as the talk's script ran), 8 rounds",
        tuple(workload for workload, _ in TALK_WORKLOADS),
        executors=tuple(dict.fromkeys(executor for executor, _ in TALK_CELLS)),
        cells=TALK_CELLS,
        warmup=0,  # the talk's script ran cold: every cell, and its pools timed from their creation
        load=300,
        repeat=8,  # the base rounds; the talk's unsettled claims get up to 8 more
        chunksize=AUTO,  # the talk's multiprocessing.Pool(5).map chunked by Pool.map's own rule
        max_rounds=16,
        extra_time_s=240.0,
    ),
    "standard": Preset(
        "every workload x serial/threads/processes/interpreters x 2 ... usable CPUs and 5 workers, 8 rounds "
        "shared by every interpreter: minutes, not an hour",
        # Tasks of 10-30 ms on CPython 3.13: long enough for threads and processes to show what they give, short
        # enough that 8 rounds of 3 interpreters take minutes.  PyPy's tasks are 20-50x shorter, so its pools'
        # fixed costs show; the report says where, and at which task length they would fall under a quarter.
        (*every_workload(cpu=500000, hash=2, objects=20000, sleep=0.01), *PAIRED_CLIENT_WORKLOADS),
        one_worker_pools=False,  # a pool of one worker is the serial run plus overhead: never an answer
        load=20,  # divisible by 2 and 5 workers: even splits
        repeat=8,  # the base rounds: every cell; the answer's unsettled comparisons get up to 8 more
        latency_ms=10.0,
        # an event loop where it can gain: the waiting workloads, and mixed, whose CPU tasks stall its downloads
        # unless they are offloaded to threads; io and mixed under asyncio with the client 5 threads use too
        extra_cells=(
            ("io-stdlib", "threads", 5),
            ("io-stdlib", "asyncio", 5),
            ("sleep", "asyncio", 5),
            ("mixed-stdlib", "threads", 5),
            ("mixed-stdlib", "asyncio", 5),
            ("mixed-stdlib", "offload", 5),
        ),
        uncrossed=PAIRED_CLIENT_WORKLOADS,
        max_rounds=16,
        extra_time_s=90.0,  # the default run within 10 minutes here, added rounds included
    ),
    "publish": Preset(
        "the long matrix: every workload x serial/threads/processes/interpreters x 1, 2, 4 ... usable CPUs and 5 "
        "workers, long tasks, 8 rounds (about an hour)",
        # cpu and objects: long enough that pool start-up, hand-overs and shut-down stay under a quarter of a
        # 2-worker cell's wall time on PyPy too (a cpu task: ~10 ms there, ~0.6 s on CPython 3.13).
        every_workload(cpu=24000000, mixed=200000, hash=8, objects=100000, sleep=0.02),
        load=20,  # divisible by 1, 2, 4 and 5 workers, in even chunks (see chunk_of)
        repeat=8,
        chunksize=AUTO,
        max_rounds=16,
        extra_time_s=1200.0,
    ),
    "asyncio": Preset(
        "threads or an event loop on waiting and mixed work: io and sleep with 5 and 50 threads or asyncio tasks in "
        "flight, mixed with 5 threads, processes, asyncio tasks and asyncio tasks offloading CPU work to threads; "
        "100 tasks, 8 rounds",
        ("io-stdlib", "sleep=0.01", "mixed-stdlib=500000"),
        executors=("serial", "threads"),
        workers=(5,),
        one_worker_pools=False,
        load=100,
        repeat=8,
        latency_ms=10.0,
        extra_cells=(
            ("io-stdlib", "threads", 50),
            ("io-stdlib", "asyncio", 5),
            ("io-stdlib", "asyncio", 50),
            ("sleep", "threads", 50),
            ("sleep", "asyncio", 5),
            ("sleep", "asyncio", 50),
            ("mixed-stdlib", "processes", 5),
            ("mixed-stdlib", "asyncio", 5),
            ("mixed-stdlib", "offload", 5),
        ),
        max_rounds=16,
        extra_time_s=240.0,
    ),
}
DEFAULT_PRESET = "standard"


@dataclass(frozen=True)
class RunConfig:
    """A resolved run: :attr:`settings`, the one record of every parameter (what the result file keeps), and
    where this interpreter's result goes.  Frozen: resolved once, by :func:`resolve_config`."""

    settings: Config
    choices: tuple[WorkloadChoice, ...]  # the workloads as chosen (their cells' labels); settings has their records
    label: str
    run_id: str
    out: Path
    latency_ms: float = 50.0  # the delay of the page server this run starts, if it starts one
    force: bool = False  # replace an existing result file at --out
    simulate: Optional[Path] = None  # tests: facts and timings from a file (see bench.measure.surroundings)
    control: Optional[tuple[int, int]] = None  # a conductor's channel (commands, replies): it drives the rounds
    quiet: bool = False  # progress and "wrote" lines left out (warnings and errors still show)
    require_free_threading: bool = False  # a free-threaded build whose GIL the workloads switched on: an error
    options_only: bool = False  # --options-only: the options checked, the user's modules not imported

    @property
    def max_workers(self) -> int:
        return max(workers for _, workers in self.settings.all_cells)

    @property
    def needs_pages(self) -> bool:
        return any(choice.needs_server for choice in self.choices)


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
    choices = [parse_workload(text, import_user=not args.options_only) for text in texts]
    return labelled(with_declared_traits(choices, args.traits or []))


def labelled(choices: list[WorkloadChoice]) -> list[WorkloadChoice]:
    """Name cells ``cpu=1000`` and ``cpu=5000`` when a workload is listed twice; the same one twice is refused."""
    texts = [f"{c.name}={c.argument}" if c.has_argument else c.name for c in choices]
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    if repeated:
        raise UsageError(f"--workloads: {', '.join(repeated)} is listed twice; list each workload once")
    names = [choice.name for choice in choices]
    return [replace(c, label=text) if names.count(c.name) > 1 else c for c, text in zip(choices, texts)]


def _strategies(names: list[str]) -> list[str]:
    """The recorded names of the strategies chosen (an alias counts as its strategy), each once."""
    return list(dict.fromkeys(str(strategy_name(name)) for name in names))


def _resolve_cells(args: Any, preset: Preset) -> list[tuple[str, int]]:
    """The preset's own matrix, or executors x workers (serial only ever with 1 worker)."""
    if args.executors is None and args.workers is None and preset.cells is not None:
        return list(preset.cells)
    executors = (
        _strategies(name_list(args.executors, "--executors", list(ACCEPTED_STRATEGIES)))
        if args.executors
        else list(preset.executors)
    )
    if args.workers is not None:
        workers = int_list(args.workers, "--workers")
    else:
        workers = list(preset.workers or standard_workers(introspect.usable_cpus()))
        workers = [count for count in workers if count > 1 or preset.one_worker_pools or preset.workers]
    return [(executor, count) for executor in executors for count in worker_counts(executor, workers)]


def _resolve_extra_cells(args: Any, preset: Preset, choices: tuple[WorkloadChoice, ...]) -> list[tuple[str, str, int]]:
    """``--cells io-stdlib:asyncio:5,sleep:asyncio:50``: cells measured for one workload only, beside the crossed ones
    (default: the preset's, for the workloads chosen, unless --executors or --workers chose the matrix).  A
    workload not chosen, an unknown strategy or a bad count is a one-line error."""
    labels = [choice.cell_label for choice in choices]
    text: Optional[str] = args.cells
    if text is None:
        if args.executors is not None or args.workers is not None:
            return []  # the user chose the strategies: the preset's own extras are not theirs
        return [cell for cell in preset.extra_cells if cell[0] in labels]
    found = []
    for part in (part.strip() for part in text.split(",") if part.strip()):
        pieces = part.rsplit(":", 2)
        workload, executor, workers = pieces if len(pieces) == 3 else (part, "", "")
        if workload not in labels:
            raise UsageError(
                f"--cells {part!r}: expected WORKLOAD:EXECUTOR:WORKERS with WORKLOAD one of the chosen "
                f"({', '.join(labels)})"
            )
        name = strategy_name(executor)
        if name is None:
            raise UsageError(
                f"--cells {part!r}: unknown executor {executor!r}; accepted: {', '.join(ACCEPTED_STRATEGIES)}"
            )
        executor = name
        count = positive_int(workers, f"--cells {part!r}: WORKERS")
        found.append((workload, executor, worker_counts(executor, [count])[0]))
    return list(dict.fromkeys(found))


REQUIREMENTS_VARIABLE = "GILBENCH_REQUIREMENTS"
"""A requirements file for every interpreter, as --requirements (the option wins)."""


def _resolve_requirements(args: Any) -> list[str]:
    """The user's requirement lines (--requirements files, then --with packages), comments left out: what the
    result records, and whose installed versions it records beside them.  A file not there is a one-line error."""
    texts = args.requirements or ([os.environ[REQUIREMENTS_VARIABLE]] if os.environ.get(REQUIREMENTS_VARIABLE) else [])
    lines = []
    for text in texts:
        path = Path(text).expanduser()
        if not path.is_file():
            raise UsageError(f"--requirements {text!r}: no such file; expected a requirements file (pip's format)")
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines + list(args.with_packages or [])


def _resolve_uncrossed(args: Any, preset: Preset, choices: tuple[WorkloadChoice, ...]) -> list[str]:
    """The preset's workloads measured in their own cells only, unless --executors or --workers chose the
    matrix (every workload is then crossed with it)."""
    if args.executors is not None or args.workers is not None:
        return []
    labels = [choice.cell_label for choice in choices]
    return [label for label in preset.uncrossed if label in labels]


@dataclass(frozen=True)
class AddedRounds:
    """How far a conducted run may go beyond its base rounds while its answer is not settled."""

    max_rounds: int  # the base rounds when none may be added
    extra_time_s: float

    @property
    def any(self) -> bool:
        return self.extra_time_s > 0 and self.max_rounds > 0


def added_rounds(args: Any, repeat: int) -> AddedRounds:
    """--max-rounds and --extra-time, else the preset's, unless --repeat chose the rounds (a user who sets the
    rounds gets exactly those).  --max-rounds below --repeat is a one-line error."""
    preset = PRESETS[args.preset]
    if args.max_rounds is not None:
        most = positive_int(args.max_rounds, "--max-rounds")
        if most < repeat:
            raise UsageError(f"--max-rounds {args.max_rounds!r}: expected at least the base rounds ({repeat})")
    elif args.repeat is None and preset.max_rounds is not None:
        most = max(repeat, preset.max_rounds)
    else:
        most = repeat
    extra = _resolve_extra_time(args.extra_time) if args.extra_time is not None else preset.extra_time_s
    return AddedRounds(most, extra if most > repeat else 0.0)


def _resolve_extra_time(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 365 * 86400:  # NaN too
        raise UsageError(f"--extra-time {text!r}: expected seconds, 0 or more (0: add no rounds)")
    return seconds


def _recorded_added_rounds(args: Any, preset: Preset) -> dict[str, Any]:
    """What a runner records of the rounds its conductor may add (a run that is not conducted adds none, and
    its looks are its base rounds alone)."""
    repeat = positive_int(args.repeat, "--repeat") if args.repeat is not None else preset.repeat
    found = added_rounds(args, repeat)
    if args.driven is None or not found.any:
        return {"max_rounds": repeat, "extra_time_s": 0.0}
    return {"max_rounds": found.max_rounds, "extra_time_s": found.extra_time_s}


def has_jit(simulate: Optional[Path]) -> bool:
    """Whether the measured interpreter compiles hot loops (PyPy): it then warms up longer.  Under --simulate,
    the simulated interpreter's (the report's fixtures are written by CPython for every interpreter)."""
    if simulate is not None:
        return bool(json.loads(simulate.read_text(encoding="utf-8"))["interpreter"]["implementation"] == "pypy")
    return sys.implementation.name == "pypy"


def _resolve_warmup(text: Optional[str], jit: bool, preset: Preset) -> WarmupSetting:
    if text is None:
        return preset.warmup if preset.warmup is not None else PYPY_WARMUP if jit else 1
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


def _resolve_timeout(text: Optional[str], option: str = "--timeout", default: float = DEFAULT_TIMEOUT_S) -> float:
    if text is None:
        return default
    try:
        timeout_s = float(text)
    except ValueError:
        timeout_s = -1.0
    if not 0 < timeout_s < float("inf"):
        raise UsageError(f"{option} {text!r}: expected a positive number of seconds")
    return timeout_s


def _resolve_margin(text: Optional[str]) -> float:
    """--margin: how far apart two cells may be and still be called equivalent (0.05: within 5%)."""
    if text is None:
        return DEFAULT_MARGIN
    try:
        margin = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        margin = -1.0
    if not 0 < margin < 1:
        raise UsageError(f"--margin {text!r}: expected a share above 0 and below 1, e.g. 0.05 or 5%")
    return margin


def ready_timeout(args: Any) -> float:
    """--ready-timeout: how long a conducted runner may take to say it is ready (checked, in seconds)."""
    return _resolve_timeout(args.ready_timeout, "--ready-timeout", DEFAULT_READY_TIMEOUT_S)


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


def resolve_config(args: Any, resources: Optional[contextlib.ExitStack[Optional[bool]]] = None) -> RunConfig:
    """Turn parsed options and the preset into a :class:`RunConfig`, refusing bad values.

    With ``resources`` (a real run, not --dry-run) the run is also placed and given its pages: a run with
    neither --run-id nor --out reserves a folder of its own (removed again if the run leaves it empty), and
    io workloads without --server-url or --url get a page server, which ``resources`` stops at the end.
    """
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
        run_id = layout.new_run_id()
    choices = tuple(_resolve_workloads(args, preset))
    simulate = _resolve_simulation(args.simulate)
    settings = Config(
        preset=args.preset,
        workloads=tuple(choice.record() for choice in choices),
        cells=tuple(_resolve_cells(args, preset)),
        extra_cells=tuple(_resolve_extra_cells(args, preset, choices)),
        load=positive_int(args.load, "--load") if args.load is not None else preset.load,
        repeat=positive_int(args.repeat, "--repeat") if args.repeat is not None else preset.repeat,
        warmup=_resolve_warmup(args.warmup, has_jit(simulate), preset),
        timeout_s=_resolve_timeout(args.timeout),
        start_method=start_method,
        seed=args.seed,
        server_url=web_url(args.server_url, "--server-url"),
        urls=tuple(str(web_url(url, "--url")) for url in args.url or []),
        pin=None if args.pin is None else tuple(_resolve_pin(args.pin) or ()),
        python_gil=os.environ.get("PYTHON_GIL"),
        argv=("python", "-m", "bench", *sys.argv[1:]),
        clock=CLOCK,
        chunksize=_resolve_chunksize(args.chunksize, preset),
        warmup_tasks=QUARTER if has_jit(simulate) else ONE_PER_WORKER,
        pools_warmed=True,
        shared_rounds=tuple(part for part in (args.shared_rounds or "").split(",") if part),
        same_cpu=bool(args.same_cpu) and FORK_CELLS,
        margin=_resolve_margin(args.margin),
        uncrossed=tuple(_resolve_uncrossed(args, preset, choices)),
        **_recorded_added_rounds(args, preset),
        requirements=tuple(_resolve_requirements(args)),
        thread_env=introspect.thread_counts(),  # in force in every cell: the runner sets the rest to 1
    )
    out = Path(args.out) if args.out else None
    if resources is not None:
        if not given_run_id and out is None:  # a folder of its own, even for two runs started in one second
            run_id, folder = layout.reserve_run_dir(layout.results_root())
            resources.callback(_remove_if_empty, folder)
        check_writable(out or layout.result_path(run_id, label))
        if any(choice.needs_server for choice in choices) and not settings.urls:
            latency = _resolve_latency(args.latency_ms, preset)
            settings = _with_pages(settings, resources, latency, simulate is None, bool(args.quiet))
    return RunConfig(
        settings=settings,
        choices=choices,
        label=label,
        run_id=run_id,
        out=out or layout.result_path(run_id, label),
        force=args.force,
        latency_ms=_resolve_latency(args.latency_ms, preset),
        simulate=simulate,
        control=_resolve_control(args.driven),
        quiet=bool(args.quiet),
        require_free_threading=bool(args.require_free_threading),
        options_only=bool(args.options_only),
    )


def check_writable(out: Path) -> None:
    """Fail before measuring, not after, when the result cannot be written."""
    layout.check_replaceable(out, "--out")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise UsageError(
            f"--out {str(out)!r}: cannot write in {str(out.parent)!r} ({exc.strerror or exc}); "
            "choose a writable place with --out FILE or GILBENCH_RESULTS_DIR"
        ) from None


def _resolve_latency(text: Optional[str], preset: Preset) -> float:
    """--latency-ms: the page server's delay (0 to 60000 ms), for a server this run starts."""
    if text is None:
        return preset.latency_ms
    try:
        latency = float(text)
    except ValueError:
        latency = -1.0
    if not 0 <= latency <= 60_000:
        raise UsageError(f"--latency-ms {text!r}: expected a number of milliseconds from 0 to 60000")
    return latency


def _resolve_control(text: Optional[str]) -> Optional[tuple[int, int]]:
    """--driven R,W (set by ``python -m bench conduct``, never by hand): the descriptors of its channel."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise UsageError(f"--driven {text!r}: expected two file descriptors, R,W (set by python -m bench conduct)")
    return int(parts[0]), int(parts[1])


def _remove_if_empty(folder: Path) -> None:
    """A reserved run folder that a refused or failed run left empty goes again."""
    with contextlib.suppress(OSError):
        folder.rmdir()


def _with_pages(
    settings: Config,
    resources: contextlib.ExitStack[Optional[bool]],
    latency_ms: float,
    check: bool,
    quiet: bool = False,
) -> Config:
    """The pages io workloads download: --server-url's, or a page server of the run's own; checked to answer."""
    server_url = settings.server_url
    if server_url is None:
        from bench.server import ServerProcess  # stdlib only; runs in its own process, never in this one

        server_url = resources.enter_context(ServerProcess(latency_ms=latency_ms)).url
        if not quiet:
            sys.stderr.write(f"started a page server at {server_url} (pass --server-url to share one)\n")
    urls = tuple(page_urls(server_url))
    facts = server_facts(server_url) if check else None
    if check:
        check_server(urls[0])
    return replace(settings, server_url=server_url, urls=urls, server=facts)


def check_server(url: str) -> None:
    """The runner checks the pages answer before measuring, and fails fast if not."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (user-chosen URL)
            response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UsageError(f"server {url!r} does not answer ({reason}); start one with 'python -m bench serve'") from None


def server_facts(server_url: str) -> Optional[ServerFacts]:
    """gilbench's page server's latency and page size (``/info``), recorded so merged runs can be checked; None
    for a server that does not say (not gilbench's)."""
    try:
        with urllib.request.urlopen(server_url.rstrip("/") + "/info", timeout=5) as response:  # noqa: S310
            info = json.loads(response.read().decode("utf-8"))
        return ServerFacts(float(info["latency_ms"]), int(info["page_bytes"]))
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError):
        return None


def parse_run_options(argv: list[str]) -> argparse.Namespace:
    """``python -m bench run``'s options as they are declared here (a conductor reads its runners' options so)."""
    parser = OneLineParser(prog="python -m bench run")
    add_run_options(parser)
    return parser.parse_args(argv)


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
    parser.add_argument(
        "--traits",
        action="append",
        metavar="MODULE:FUNCTION=USES[/GIL]",
        help="what your workload's tasks do: cpu or wait, holding or releasing the GIL (e.g. mod:f=cpu/releases); "
        "undeclared traits are recorded as unknown",
    )
    parser.add_argument("--executors", help=f"comma list of {', '.join(ACCEPTED_STRATEGIES)}")
    parser.add_argument("--workers", help="comma list of worker counts (serial always uses 1)")
    parser.add_argument(
        "--cells",
        metavar="WORKLOAD:EXECUTOR:WORKERS,...",
        help="cells for one workload only, beside executors x workers (e.g. io-stdlib:asyncio:5; default: the "
        "preset's)",
    )
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
    parser.add_argument(
        "--margin",
        help=f"equivalence margin of the verdicts: cells whose whole interval lies within it are equivalent "
        f"(default {DEFAULT_MARGIN:g}, i.e. 5%%; 0.02 or 2%% for a tighter claim)",
    )
    parser.add_argument(
        "--max-rounds",
        help="(conducted runs) rounds the run may reach by adding rounds of the cells the answer's unsettled "
        "comparisons need, after --repeat's (default: the preset's; --repeat alone: none added)",
    )
    parser.add_argument(
        "--extra-time",
        help="(conducted runs) seconds those added rounds may take, from the end of the base rounds "
        "(default: the preset's; 0: add none)",
    )
    parser.add_argument(
        "--ready-timeout",
        help="(conducted runs) seconds a runner may take to say it is ready before it is killed and named "
        f"(default {DEFAULT_READY_TIMEOUT_S:g})",
    )
    parser.add_argument("--start-method", help=f"process pool start method (default: {default_start_method()} here)")
    parser.add_argument(
        "--chunksize",
        help="tasks handed to a process pool's worker at a time, or 'auto': up to tasks / (4 x workers), "
        "split evenly over the workers (default 1: each task on its own; the publish preset uses auto)",
    )
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed of the mixed workload (default 0)")
    parser.add_argument("--server-url", help="page server to download from (default: start one)")
    parser.add_argument(
        "--latency-ms", help="delay before each page of the server gilbench starts (default: the preset's)"
    )
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
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print no progress, only warnings, errors and, at the end of nox -s bench, the answer's table",
    )
    parser.add_argument(
        "--require-free-threading",
        action="store_true",
        help="refuse to measure a free-threaded build whose GIL importing the workloads switched back on (exit 2)",
    )
    parser.add_argument(
        "--requirements",
        action="append",
        metavar="FILE",
        help="(nox -s bench) your workload's dependencies in pip's format, installed into every interpreter's "
        "environment (repeatable; also GILBENCH_REQUIREMENTS=FILE); their versions are recorded",
    )
    parser.add_argument(
        "--with",
        dest="with_packages",
        action="append",
        metavar="PKG",
        help="(nox -s bench) a package your workload needs, installed into every interpreter's environment "
        "(repeatable, as uv run --with)",
    )
    # Set by `nox -s bench`'s prepare, which checks the options under the host Python: your modules are imported
    # where their dependencies are, in each interpreter's environment.
    parser.add_argument("--options-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--driven", help=argparse.SUPPRESS)  # a conductor's channel: see bench.host.conductor
    parser.add_argument("--shared-rounds", help=argparse.SUPPRESS)  # the labels measured in these rounds
    parser.add_argument("--same-cpu", action="store_true", help=argparse.SUPPRESS)  # a conductor pairs CPUs too
