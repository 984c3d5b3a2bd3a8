"""The words gilbench measures and reports in: strategies, workload traits and baseline rules, named once.

Ground floor, shared by guest and host: standard library only, Python >= 3.9,
PyPy and free-threaded builds alike.  Every list of strategies, every "is this
workload CPU-bound?" and every "which run is the baseline?" in the runner and
the report reads from here, so a new strategy or workload is one entry here
plus its own module, and no list elsewhere can silently leave it out.

The report may not import measuring code, so the strategies are listed here
statically; the measuring side registers one implementation per listed
strategy (:mod:`bench.measure.strategy`), and a test checks that the two agree.

A workload's traits are recorded in every result file (``config.workloads[].
traits``), and the report reads them from there, never from a workload's name:
a user's ``module:function`` declares its own, or is recorded as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

# --- strategies ---------------------------------------------------------------------------------

SHARED = "shared"
PER_WORKER = "per worker"
NEVER = "never"
WITHOUT_GIL = "without a GIL"
ALWAYS = "always"


@dataclass(frozen=True)
class Strategy:
    """One way to run a task list, and what a reader needs to know about it."""

    name: str  # what --executors takes and result files record
    one: str  # the worker noun: "thread"
    many: str  # "threads"
    pooled: bool  # has workers (serial runs on the calling thread)
    gil: str  # SHARED by its workers, or one PER_WORKER
    parallel: str  # does Python code run in parallel: NEVER, WITHOUT_GIL (free-threaded builds only), ALWAYS
    separate_processes: bool  # its workers are processes of their own (their memory counts on top)
    available: str  # where it runs, in words
    label: str = ""  # the strategy in a sentence: "subinterpreters"
    warm_up_carries_over: bool = True  # a warm-up pass warms what the measured pass runs in (False: new workers,
    # warmed inside each pass's own pool instead: bench.measure.strategy.WarmUp)
    crossed: bool = True  # measured with every workload by default; False: only where chosen (--executors, --cells)
    one_at_a_time: bool = False  # runs CPU work one task at a time whatever the build (an event loop: CPU work
    # blocks it), so a CPU-bound workload gains nothing from it and the report says why, without naming the GIL
    event_loop: bool = False  # runs its tasks as coroutines on one event loop: a user's workload must be one
    chunked: bool = False  # hands its workers tasks in chunks (--chunksize): a process pool's map
    alias: str = ""  # the name people know it by, which options also take and answer.json writes: "subinterpreters"

    @property
    def words(self) -> str:
        return self.label or self.name

    @property
    def public(self) -> str:
        """The strategy's name in words a reader sees and may type: its alias, else its recorded name."""
        return self.alias or self.name


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("serial", "worker", "workers", False, SHARED, NEVER, False, "everywhere"),
    Strategy("threads", "thread", "threads", True, SHARED, WITHOUT_GIL, False, "everywhere"),
    Strategy(
        "processes", "process", "processes", True, PER_WORKER, ALWAYS, True, "everywhere", "", False, chunked=True
    ),
    Strategy(
        "interpreters",
        "subinterpreter",
        "subinterpreters",
        True,
        PER_WORKER,
        ALWAYS,
        False,
        "CPython 3.13+ (isolated subinterpreters, PEP 684/734); not PyPy",
        "subinterpreters",
        False,
        alias="subinterpreters",
    ),
    Strategy(
        "asyncio",
        "asyncio task",
        "asyncio tasks",
        True,
        SHARED,
        NEVER,
        False,
        "everywhere (one event loop; a worker is a task in flight)",
        crossed=False,
        one_at_a_time=True,
        event_loop=True,
    ),
    Strategy(
        "offload",
        "asyncio task + to_thread",
        "asyncio tasks + to_thread",
        True,
        SHARED,
        WITHOUT_GIL,
        False,
        "everywhere (one event loop; built-in CPU tasks sent to asyncio.to_thread, a thread per task in flight)",
        "asyncio with CPU work offloaded to threads",
        crossed=False,
        event_loop=True,
    ),
)
"""Every strategy, in the order the report shows them."""

STRATEGY_NAMES: tuple[str, ...] = tuple(strategy.name for strategy in STRATEGIES)
EVENT_LOOPS: tuple[str, ...] = tuple(strategy.name for strategy in STRATEGIES if strategy.event_loop)
"""The strategies that await coroutines: a user's workload under them must be a coroutine function."""
CROSSED: tuple[str, ...] = tuple(strategy.name for strategy in STRATEGIES if strategy.crossed)
"""The strategies a preset crosses with every workload unless it says otherwise (asyncio is chosen per workload)."""
POOLED: tuple[str, ...] = tuple(strategy.name for strategy in STRATEGIES if strategy.pooled)
"""The strategies with workers: the columns of the GIL-impact table, the lines of the speed-up curves."""

_BY_NAME = {strategy.name: strategy for strategy in STRATEGIES}
_BY_ALIAS = {strategy.alias: strategy.name for strategy in STRATEGIES if strategy.alias}
ACCEPTED_STRATEGIES: tuple[str, ...] = (*STRATEGY_NAMES, *_BY_ALIAS)
"""What --executors and --cells take: every strategy's name, and its alias (``subinterpreters``)."""


def strategy_name(text: str) -> str | None:
    """The recorded name of the strategy ``text`` names (by its name or its alias), None if none does."""
    return text if text in _BY_NAME else _BY_ALIAS.get(text)


def strategy(name: str) -> Strategy:
    """The strategy called ``name``; one this gilbench does not know (a newer file's) gets neutral traits."""
    known = _BY_NAME.get(name)
    if known is not None:
        return known
    return Strategy(name, f"{name} worker", f"{name} workers", True, SHARED, NEVER, False, "unknown")


def strategy_rank(name: str) -> int:
    """Where ``name`` stands in the report's order (unknown strategies last)."""
    return STRATEGY_NAMES.index(name) if name in _BY_NAME else len(STRATEGIES)


# --- naming cells ---------------------------------------------------------------------------------


def strategy_label(executor: str, workers: int) -> str:
    """``serial``, ``2 threads``, ``1 process``: a strategy and its worker count in words (a count reads as one)."""
    if not strategy(executor).pooled:
        return executor
    found = strategy(executor)
    return f"{workers} {found.one if workers == 1 else found.many}"


def cell_label(workload: str, executor: str, workers: int) -> str:
    """How a cell is named in words everywhere: ``cpu serial``, ``cpu 5 threads``, ``io 1 process``."""
    return f"{workload} {strategy_label(executor, workers)}"


def configuration_label(interpreter: str, executor: str, workers: int) -> str:
    """``pypy3 serial``, ``3.13t with 2 threads``: an interpreter and a strategy in a sentence."""
    words = strategy_label(executor, workers)
    return f"{interpreter} {words}" if not strategy(executor).pooled else f"{interpreter} with {words}"


def runs_on_one_cpu(executor: str, workers: int) -> bool:
    """Whether a cell's Python code runs on one thread at a time, so one CPU is all it can use: serial, a pool of
    one worker, or an event loop that runs CPU work one task at a time.  A conducted run measures such a cell on
    the same CPU for every interpreter of a round (this VM's two CPUs differ by a few per cent at times)."""
    found = strategy(executor)
    return not found.pooled or workers == 1 or found.one_at_a_time


def worker_counts(executor: str, counts: Any) -> list[int]:
    """The worker counts a strategy is measured with: ``counts``, or 1 alone for a strategy without workers."""
    return list(counts) if strategy(executor).pooled else [1]


def can_be_answer(executor: str, workers: int) -> bool:
    """A configuration the answer may name: a pool of one worker never is (it is the run without a pool plus the
    pool's overhead)."""
    return not strategy(executor).pooled or workers > 1


def cell_id(workload: str, executor: str, workers: int) -> str:
    """``cpu:threads:5``: a cell as options name it (--timeline); the workload may itself hold a colon."""
    return f"{workload}:{executor}:{workers}"


# --- workload traits -------------------------------------------------------------------------------

USES_CPU = "cpu"
WAITS = "wait"
HOLDS = "holds"
RELEASES = "releases"
UNKNOWN = "unknown"
USES = (USES_CPU, WAITS)
GIL = (HOLDS, RELEASES)

BUILTIN = "builtin"
DECLARED = "declared"
DERIVED = "derived from its name (a file written before traits were recorded)"
"""Where a workload's traits came from (``traits_source`` in a result file)."""

TRAITS_SYNTAX = f"USES[/GIL] with USES one of {', '.join(USES)} and GIL one of {', '.join(GIL)} (e.g. cpu/holds)"


@dataclass(frozen=True)
class TaskTraits:
    """What one kind of task does: use a CPU or wait, and hold the GIL while it works or release it."""

    uses: str = UNKNOWN
    gil: str = UNKNOWN

    @property
    def text(self) -> str:
        return f"{self.uses}/{self.gil}"


def parse_traits(text: str) -> TaskTraits:
    """``cpu``, ``cpu/releases``, ``wait``: a user's declaration; ValueError naming what is accepted."""
    uses, _, gil = text.strip().partition("/")
    uses, gil = uses.strip(), gil.strip()
    if uses not in USES or (gil and gil not in GIL):
        raise ValueError(f"{text!r}: expected {TRAITS_SYNTAX}")
    if not gil:
        gil = HOLDS if uses == USES_CPU else RELEASES  # a waiting task releases the GIL while it waits
    return TaskTraits(uses, gil)


@dataclass(frozen=True)
class WorkloadTraits:
    """A workload's traits: one :class:`TaskTraits` per kind of task it runs (``mixed``: io and cpu)."""

    kinds: tuple[tuple[str, TaskTraits], ...] = ()
    source: str = UNKNOWN  # BUILTIN, DECLARED, DERIVED or UNKNOWN

    @property
    def known(self) -> bool:
        return bool(self.kinds) and all(t.uses != UNKNOWN for _, t in self.kinds)

    @property
    def cpu_bound(self) -> bool:
        """Every task keeps a CPU busy all along: N workers can at best use min(N, usable CPUs)."""
        return self.known and all(t.uses == USES_CPU for _, t in self.kinds)

    @property
    def waiting(self) -> bool:
        """Every task mostly waits: N workers can overlap N waits whatever the CPUs."""
        return self.known and all(t.uses == WAITS for _, t in self.kinds)

    @property
    def holds_gil(self) -> bool:
        """CPU work that holds the GIL: with the GIL on, threads take turns."""
        return self.cpu_bound and all(t.gil == HOLDS for _, t in self.kinds)

    def to_json(self) -> dict[str, Any]:
        return {kind: {"uses": t.uses, "gil": t.gil} for kind, t in self.kinds}

    @classmethod
    def of(cls, kinds: Mapping[str, TaskTraits], source: str) -> WorkloadTraits:
        return cls(tuple(kinds.items()), source)


_CPU_HOLDS = TaskTraits(USES_CPU, HOLDS)
_CPU_RELEASES = TaskTraits(USES_CPU, RELEASES)
_WAITS = TaskTraits(WAITS, RELEASES)


@dataclass(frozen=True)
class ArgumentRule:
    """What a built-in workload's ``=N`` may be, checked when options are parsed, so a bad N never reaches a task."""

    accepted: str = "a positive whole number"
    ceiling: Optional[float] = None  # None: a whole number; else a number above 0, at most this
    allowed: bool = True

    def accepts(self, value: Any) -> bool:
        if not self.allowed:
            return False
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.ceiling is None:
            return number and isinstance(value, int) and value > 0
        return number and 0 < value <= self.ceiling


@dataclass(frozen=True)
class BuiltinWorkload:
    """One built-in workload, described once: its traits, its default argument, its help, whether it downloads
    pages, what its argument may be, and the task every one of its tasks calls (``module:function``; empty for a
    workload whose tasks the measuring side builds itself, ``io`` and ``mixed``)."""

    name: str
    traits: WorkloadTraits
    default: Any
    help: str
    argument: ArgumentRule = ArgumentRule()
    task: str = ""
    client: str = ""  # the HTTP client its io tasks download with (a key of CLIENTS); empty: it downloads nothing
    mixes_cpu: bool = False  # its io tasks are shuffled with as many countdown(N) tasks
    variant_of: str = ""  # the same load as that workload, with another client: listed by a preset, not by default

    @property
    def needs_server(self) -> bool:
        return bool(self.client)


@dataclass(frozen=True)
class HttpClient:
    """A client the io tasks download with: its task function, and whether it has an asyncio transport doing the
    same work (so threads and an event loop may be compared with it)."""

    name: str
    words: str
    task: str
    asyncio: bool
    short: str = ""  # in a sentence: "requests", "gilbench's stdlib client"


CLIENTS: dict[str, HttpClient] = {
    client.name: client
    for client in (
        HttpClient(
            "requests",
            "requests, one Session per thread (the talk's client)",
            "bench.measure.downloads:download",
            asyncio=False,
            short="requests",
        ),
        HttpClient(
            "stdlib",
            "gilbench's standard-library HTTP/1.1 client (a blocking socket, or asyncio streams under an event loop, "
            "over the same parsing)",
            "bench.measure.http_client:download",
            asyncio=True,
            short="gilbench's stdlib HTTP/1.1, the same for threads and asyncio",
        ),
    )
}
"""The io clients, by name.  Threads and asyncio are compared only over a client with both transports."""


def named_with_client(workload: str) -> str:
    """A workload as sentences name it: with its client when it downloads (``io (client: requests)``), so no
    verdict leaves the reader to guess which client a strategy was measured with."""
    client = client_of(workload)
    return f"{workload} (client: {client.short})" if client is not None else workload


def client_of(workload: str) -> HttpClient | None:
    """The client a built-in workload (or its ``name=ARG`` label) downloads with; None if it downloads nothing."""
    builtin = BUILTIN_WORKLOADS.get(workload.partition("=")[0])
    return CLIENTS[builtin.client] if builtin is not None and builtin.client else None


_NO_ARGUMENT = ArgumentRule("no argument (the pages come from --server-url or --url)", allowed=False)

BUILTIN_WORKLOADS: dict[str, BuiltinWorkload] = {
    item.name: item
    for item in (
        BuiltinWorkload(
            "cpu",
            WorkloadTraits.of({"cpu": _CPU_HOLDS}, BUILTIN),
            850_000,
            "countdown(N): pure-Python loop (the talk's CPU task)",
            task="bench.measure.tasks:countdown",
        ),
        BuiltinWorkload(
            "io",
            WorkloadTraits.of({"io": _WAITS}, BUILTIN),
            None,
            "download a page with one requests.Session per thread (the talk's IO task)",
            _NO_ARGUMENT,
            client="requests",
        ),
        BuiltinWorkload(
            "io-stdlib",
            WorkloadTraits.of({"io": _WAITS}, BUILTIN),
            None,
            "io with gilbench's standard-library client, which threads and asyncio share",
            _NO_ARGUMENT,
            client="stdlib",
            variant_of="io",
        ),
        BuiltinWorkload(
            "mixed",
            WorkloadTraits.of({"io": _WAITS, "cpu": _CPU_HOLDS}, BUILTIN),
            None,
            "io and countdown(N) tasks shuffled with a recorded seed (the talk's mixed load; N: the run's cpu N)",
            client="requests",
            mixes_cpu=True,
        ),
        BuiltinWorkload(
            "mixed-stdlib",
            WorkloadTraits.of({"io": _WAITS, "cpu": _CPU_HOLDS}, BUILTIN),
            None,
            "mixed with gilbench's standard-library client, which threads and asyncio share",
            client="stdlib",
            mixes_cpu=True,
            variant_of="mixed",
        ),
        BuiltinWorkload(
            "hash",
            WorkloadTraits.of({"hash": _CPU_RELEASES}, BUILTIN),
            8.0,
            "hashlib.sha256 over N MiB: C code that releases the GIL",
            argument=ArgumentRule("a number of MiB above 0, at most 1024", 1024),
            task="bench.measure.hashing:sha256",
        ),
        BuiltinWorkload(
            "objects",
            WorkloadTraits.of({"objects": _CPU_HOLDS}, BUILTIN),
            20_000,
            "build N small dicts/strings/lists reading shared objects",
            task="bench.measure.tasks:objects",
        ),
        BuiltinWorkload(
            "sleep",
            WorkloadTraits.of({"sleep": _WAITS}, BUILTIN),
            0.05,
            "time.sleep(N seconds): pure waiting",
            argument=ArgumentRule("a number of seconds above 0, at most 3600", 3600),
            task="bench.measure.tasks:sleep",
        ),
    )
}
"""Every built-in workload, in the report's order: ``hash`` uses a CPU and releases the GIL; ``sleep`` waits;
``mixed`` is both.  Presets that run every workload take their list from here (the variants, a load with another
client, only where a preset names them)."""

BUILTIN_TRAITS: dict[str, WorkloadTraits] = {name: item.traits for name, item in BUILTIN_WORKLOADS.items()}
"""Each built-in workload's traits (read from :data:`BUILTIN_WORKLOADS`)."""


def every_workload(**arguments: Any) -> tuple[str, ...]:
    """Every built-in workload as a preset lists it, in the table's order, each with its argument when given
    (``every_workload(cpu=100000)`` -> ``("cpu=100000", "io", ...)``); a name the table lacks is refused."""
    unknown = sorted(set(arguments) - set(BUILTIN_WORKLOADS))
    if unknown:
        raise ValueError(f"not built-in workloads: {', '.join(unknown)}")
    names = [name for name, item in BUILTIN_WORKLOADS.items() if not item.variant_of]
    return tuple(f"{name}={arguments[name]}" if name in arguments else name for name in names)


# --- the talk ---------------------------------------------------------------------------------------

TALK_WORKLOADS: tuple[tuple[str, str], ...] = (
    ("cpu", "cpu_work_load"),
    ("io", "io_work_load"),
    ("mixed", "io_and_cpu_work_load"),
)
"""The talk's three loads, each with the name the talk's script gave it."""
TALK_CELLS: tuple[tuple[str, int], ...] = (("threads", 1), ("threads", 5), ("processes", 5))
"""The talk's three columns: a pool of one thread (its "single thread"), 5 threads, 5 processes."""


def unknown_traits(kind: str) -> WorkloadTraits:
    return WorkloadTraits(((kind, TaskTraits()),), UNKNOWN)


def declared_traits(kind: str, traits: TaskTraits) -> WorkloadTraits:
    return WorkloadTraits(((kind, traits),), DECLARED)


# --- baselines ------------------------------------------------------------------------------------

ONE_WORKER_BASELINES: tuple[tuple[str, int], ...] = (("serial", 1), ("threads", 1))
"""A speed-up is over the same interpreter's serial run of the workload, else over a pool of one thread (the talk's
"single thread"), in this order of preference."""
BASELINE_LABELS: tuple[str, ...] = tuple(
    strategy_label(executor, workers) for executor, workers in ONE_WORKER_BASELINES
)
"""The baselines in words: ``serial``, ``1 thread``."""


def is_reference(implementation: str, free_threaded_build: bool) -> bool:
    """The CPython GIL build: what users start from, and what every interpreter is compared with."""
    return implementation == "cpython" and not free_threaded_build


# --- splitting a cell's tasks over a pool -------------------------------------------------------------

AUTO_CHUNK = "auto"


def chunk_of(setting: int | str, tasks: int, workers: int) -> int:
    """Tasks per hand-over: the setting, or for "auto" the largest chunk, up to ``multiprocessing.Pool.map``'s
    ceil(tasks / (4 x workers)), that splits the tasks evenly over the workers (1 when no chunk can).

    Pool.map's rule keeps hand-overs few while every worker gets several chunks; the even split keeps the
    busiest worker from running a chunk more than the others (24 tasks in chunks of 2 land 6/6/4/4/4 on 5
    workers), which would otherwise be measured as the strategy's cost."""
    if setting != AUTO_CHUNK:
        return int(setting)
    ceiling = max(1, -(-tasks // (4 * workers)))
    if workers < 1 or tasks % workers:
        return 1  # no even split: single tasks keep the busiest worker within one task of the others
    share = tasks // workers
    return max(size for size in range(1, ceiling + 1) if share % size == 0)


# --- machine ---------------------------------------------------------------------------------------

OTHERS_BUSY_SHARE = 0.10
"""Other processes keeping more than this share of the CPUs busy make numbers noisy (before and while measuring)."""
