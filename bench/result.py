"""The result model: the one owner of what a gilbench result file holds.

Shared by guest and host, so it imports only the standard library and runs on
Python >= 3.9, PyPy and free-threaded builds.  The runner builds these frozen
records and writes them with :meth:`Document.to_json`; the report reads them
back with :func:`Document.from_json`, which checks every field's type and
range and names the first bad one (``cells[3].workers: expected a whole
number >= 1, got 'two'``), so no reader ever needs ``.get(...)`` guesses.

History of ``schema_version`` (add a line, never rewrite one; each line names
every field the version added, changed or removed):

1. First version.  Top level: ``schema_version``, ``run_id``, ``complete``,
   ``interrupted``, ``tool`` {``name``, ``version``, ``git_commit``},
   ``started_at``, ``finished_at``, ``interpreter``, ``machine``, ``config``,
   ``task_fields``, ``cells``.  ``interpreter``: ``label``, ``implementation``,
   ``version``, ``version_info``, ``implementation_version``, ``executable``,
   ``base_executable``, ``base_prefix``, ``free_threaded_build``,
   ``gil_enabled``, ``python_gil_env``, ``jit``, ``build``.  ``machine``:
   ``hostname``, ``cpu_model``, ``logical_cpus``, ``usable_cpus``,
   ``memory_bytes``, ``os``, ``kernel``, ``arch``, ``platform``,
   ``cpu_governor``, ``load_average_start``, ``load_average_end``.  A cell:
   ``workload``, ``executor``, ``workers``, ``status`` ("ok", "failed",
   "timeout"), ``reason``, ``gil_enabled``, ``warmup`` ([{``wall_s``}]) and
   ``runs``; a run: ``wall_s``, ``pool_startup_s`` and ``tasks``, rows laid
   out as ``task_fields`` says: ``[start_s, duration_s, worker, kind]``, with
   ``start_s`` relative to the run's start (before the pool was created).
   Added without a version change while version 1 was current (read here as
   version 1): top-level ``warnings`` (strings), ``machine.disturbances``,
   ``interpreter.gil_enabled_after_imports``, ``cell.executor_details``,
   ``cell.warmup_note``, ``config.pin``, ``config.python_gil``,
   ``config.argv``, ``config.clock``, ``config.executors``, ``config.workers``,
   ``config.label``, ``config.out``, ``config.urls``, ``config.server_url``.
2. Interleaved rounds and typed warnings.  A run measures every cell once per
   round (``config.repeat`` rounds), each time in a fresh process, in an order
   shuffled per round: added ``round_orders`` (per round, the indices into
   ``cells`` in measured order), and per run ``round``, ``cpu_s`` (user +
   system CPU of the cell's process tree during the repetition) and ``on_cpu``
   (the CPU the cell's main thread ended on).  The speed probe: added
   ``probe_loops`` and ``probe`` (points {``label``, ``at_s``, ``cpus``:
   [{``cpu``, ``seconds``, ``steal_s``, ``pinned``}], ``busy_s``,
   ``own_cpu_s``}).  ``warnings`` is a list of {``code``, ``text``,
   ``cells``}.  ``cell.warmup`` becomes ``cell.warmup_s`` (seconds of each
   warm-up pass, a quarter of the tasks each, every round's process's in turn);
   ``cell.warmup_note`` is now read by the report.  Removed (never read):
   ``interpreter.gil_enabled_after_imports`` (``gil_enabled`` is taken after
   the imports), ``cell.executor_details`` (the start method is in
   ``config``), ``config.executors``, ``config.workers``, ``config.label`` (derivable
   from ``config.cells`` and ``interpreter.label``) and ``config.out`` (the
   file's own path).  Statuses
   ``interrupted`` and ``unsupported`` are accepted.  Version 1 files are
   upgraded on load.
3. Overheads, chunks, memory and subinterpreters.  Per run ``peak_rss_bytes``
   (peak resident memory during the repetition: ``VmHWM`` of the cell's
   process, reset before it, plus each process-pool worker's), ``shutdown_s`` (from the last task's result
   to the pool's exit) and ``gaps_s`` (per worker, the mean time between the
   pool being ready and the worker's last task's end not covered by its own
   tasks: the hand-over of tasks); ``config.chunksize`` (tasks handed to a
   process pool worker at a time, or "auto": ceil(tasks / (4 x workers)) per
   cell, ``multiprocessing.Pool.map``'s rule; 1 before this version).  Version 2 files
   read with ``chunksize`` 1 and no overheads or memory.  The executor
   ``interpreters`` (isolated subinterpreters fed by threads) may appear in
   ``config.cells`` and cells.
4. Workload traits and what the numbers depend on outside gilbench.  Each of
   ``config.workloads`` gains ``traits`` (per kind of task: {``uses``: "cpu",
   "wait" or "unknown", ``gil``: "holds", "releases" or "unknown"}) and
   ``traits_source`` ("builtin", "declared" by the user, "unknown", or derived
   from the name by the upgrade below); ``config.server`` ({``latency_ms``,
   ``page_bytes``} of gilbench's page server, or null for other pages); and
   ``interpreter.packages`` (the installed versions of ``requests`` and what it
   pulls in).  One run across interpreters: ``config.shared_rounds`` (the
   labels of the interpreters whose cells were measured in the same rounds as
   this file's, itself included; empty when it ran alone), and
   ``probe_executable`` (the Python that ran the speed probe, whose loop count
   ``probe_loops`` is now one fixed number); ``config.warmup_tasks`` (how many
   tasks a warm-up pass runs: "quarter" of the cell's, at least one per worker,
   as before; or "one per worker"); ``config.pools_warmed`` (process pools and
   subinterpreters warm up inside their pool, after its start-up, each worker
   its own share, left out of the pass; absent: their workers ran cold).
   Files of versions 1-3 are upgraded on load: the built-in workloads' traits
   are derived from their names (:func:`upgrade_traits`, the one place that
   reads traits from a name), and a user workload's are unknown.
5. Cells of one workload only, and an event loop.  ``config.extra_cells``
   ([workload, executor, workers]: measured for that workload beside the
   ``config.cells`` crossed with every workload); the executor ``asyncio``
   (one event loop, ``workers`` tasks in flight; a task's ``thread`` is its
   in-flight slot).  Version 4 files read with no extra cells.
6. CPUs paired like rounds.  ``config.same_cpu``: in a conducted run, each
   round measured a cell that runs on one CPU (serial, one worker, or an
   event loop: :func:`bench.vocabulary.runs_on_one_cpu`) on one CPU chosen for
   that round, the same for every interpreter (``on_cpu`` shows which);
   absent or false: wherever the system put it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence, TypeVar, Union

from bench.vocabulary import BUILTIN_TRAITS, DERIVED, GIL, UNKNOWN, USES, TaskTraits, WorkloadTraits, cell_label

SCHEMA_VERSION = 6
TASK_FIELDS = ("start_s", "duration_s", "worker", "kind")
STATUSES = ("ok", "failed", "timeout", "interrupted", "unsupported")
FAULTS = ("failed", "timeout")
"""Statuses that make ``python -m bench run`` exit 3 (and its nox session fail); the file is still written."""

T = TypeVar("T")


class ResultError(ValueError):
    """A result file that cannot be used; the message names the file and the first bad field."""


# --- reading with checks ----------------------------------------------------------------


class _Fields:
    """One JSON object being read: each read checks a type and a range and names the field on failure."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ResultError(f"{where or 'top level'}: expected an object, got {_shown(data)}")
        self.data = data
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def raw(self, key: str, optional: bool = False) -> Any:
        if key not in self.data:
            if optional:
                return None
            raise ResultError(f"{self.path(key)}: missing")
        return self.data[key]

    def text(self, key: str, optional: bool = False) -> Any:
        return self._typed(key, optional, lambda v: isinstance(v, str), "a string")

    def flag(self, key: str, optional: bool = False) -> Any:
        return self._typed(key, optional, lambda v: isinstance(v, bool), "true or false")

    def whole(self, key: str, minimum: int = 0, optional: bool = False) -> Any:
        return self._typed(
            key, optional, lambda v: _is_int(v) and minimum <= v < 2**63, f"a whole number >= {minimum} and below 2**63"
        )

    def seconds(self, key: str, optional: bool = False) -> Any:
        value = self._typed(key, optional, _is_time, f"a number of seconds from 0 to {MAX_SECONDS:g}")
        return None if value is None else float(value)

    def duration(self, key: str) -> float:
        return float(self._typed(key, False, _is_duration, f"a number of seconds above 0, up to {MAX_SECONDS:g}"))

    def items(self, key: str, optional: bool = False) -> list[Any]:
        value = self._typed(key, optional, lambda v: isinstance(v, list), "a list")
        return [] if value is None else list(value)

    def mapping(self, key: str, optional: bool = False) -> dict[str, Any]:
        value = self._typed(key, optional, lambda v: isinstance(v, dict), "an object")
        return {} if value is None else dict(value)

    def _typed(self, key: str, optional: bool, check: Callable[[Any], bool], expected: str) -> Any:
        value = self.raw(key, optional)
        if value is None and optional:
            return None
        if not check(value):
            raise ResultError(f"{self.path(key)}: expected {expected}, got {_shown(value)}")
        return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


MAX_SECONDS = 1e6
"""The longest duration a result file may hold (about 11.6 days): larger values are corruption or crafting,
and would overflow the report's logarithmic scales."""


def _is_time(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value) and 0 <= value <= MAX_SECONDS


def _is_duration(value: Any) -> bool:
    """A measured wall time: above 0 (a pass always takes some time; the report divides by it)."""
    return _is_time(value) and value > 0


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` keeps the last of two equal keys silently; a result file holding both is crafted or corrupt."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ResultError(f"the key {key[:40]!r} appears twice in one object")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ResultError(f"{name} is not a number a result may hold")


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- the records --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRecord:
    """One task of one repetition: when it started (from the repetition's start), how long, where, what."""

    start_s: float
    duration_s: float
    worker: int  # 0, 1, ... in order of first use within the repetition
    kind: str

    def to_json(self) -> list[Any]:
        return [self.start_s, self.duration_s, self.worker, self.kind]

    @classmethod
    def from_json(cls, data: Any, where: str) -> TaskRecord:
        if not isinstance(data, list) or len(data) != len(TASK_FIELDS):
            raise ResultError(f"{where}: expected a row [{', '.join(TASK_FIELDS)}], got {_shown(data)}")
        fields = _Fields(dict(zip(TASK_FIELDS, data)), where)
        return cls(fields.seconds("start_s"), fields.seconds("duration_s"), fields.whole("worker"), fields.text("kind"))


@dataclass(frozen=True)
class Repetition:
    """One measured pass over a cell's task list; pool start-up is inside ``wall_s`` and also on its own."""

    wall_s: float
    pool_startup_s: float
    tasks: tuple[TaskRecord, ...] = ()
    round: int = 0  # which interleaved round measured it (1, 2, ...); 0 in files from before rounds
    cpu_s: Optional[float] = None  # user + system CPU of the cell's process tree during the repetition
    on_cpu: Optional[int] = None  # the CPU the cell's main thread last ran on (which CPU a serial run used)
    shutdown_s: Optional[float] = None  # from the last task's result to the pool's exit
    gaps_s: Optional[float] = None  # per worker (mean): time after start-up, before its last task ended, not in a task
    peak_rss_bytes: Optional[int] = None  # peak resident memory: the cell's process plus a process pool's workers

    def to_json(self) -> dict[str, Any]:
        return {
            "wall_s": self.wall_s,
            "pool_startup_s": self.pool_startup_s,
            "round": self.round,
            "cpu_s": self.cpu_s,
            "on_cpu": self.on_cpu,
            "shutdown_s": self.shutdown_s,
            "gaps_s": self.gaps_s,
            "peak_rss_bytes": self.peak_rss_bytes,
            "tasks": [task.to_json() for task in self.tasks],
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> Repetition:
        fields = _Fields(data, where)
        tasks = tuple(TaskRecord.from_json(row, f"{where}.tasks[{i}]") for i, row in enumerate(fields.items("tasks")))
        return cls(
            fields.duration("wall_s"),
            fields.seconds("pool_startup_s"),
            tasks,
            fields.whole("round", optional=True) or 0,
            fields.seconds("cpu_s", optional=True),
            fields.whole("on_cpu", optional=True),
            fields.seconds("shutdown_s", optional=True),
            fields.seconds("gaps_s", optional=True),
            fields.whole("peak_rss_bytes", optional=True),
        )


@dataclass(frozen=True)
class Cell:
    """One workload x executor x workers, with its measured repetitions (warm-ups kept apart)."""

    workload: str
    executor: str
    workers: int
    status: str = "ok"
    reason: Optional[str] = None
    gil_enabled: Optional[bool] = None  # in the cell's own process, after its imports
    warmup_s: tuple[float, ...] = ()
    warmup_note: Optional[str] = None  # "still improving after 10 warm-ups" (--warmup auto)
    runs: tuple[Repetition, ...] = ()

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.workload, self.executor, self.workers)

    @property
    def name(self) -> str:
        return cell_label(self.workload, self.executor, self.workers)

    def to_json(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "executor": self.executor,
            "workers": self.workers,
            "status": self.status,
            "reason": self.reason,
            "gil_enabled": self.gil_enabled,
            "warmup_s": list(self.warmup_s),
            "warmup_note": self.warmup_note,
            "runs": [run.to_json() for run in self.runs],
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> Cell:
        fields = _Fields(data, where)
        status = fields.text("status")
        if status not in STATUSES:
            raise ResultError(f"{fields.path('status')}: expected one of {', '.join(STATUSES)}, got {status!r}")
        warmup = fields.items("warmup_s")
        if not all(_is_time(value) for value in warmup):
            raise ResultError(f"{fields.path('warmup_s')}: expected seconds >= 0, got {_shown(warmup)}")
        return cls(
            workload=fields.text("workload"),
            executor=fields.text("executor"),
            workers=fields.whole("workers", minimum=1),
            status=status,
            reason=fields.text("reason", optional=True),
            gil_enabled=fields.flag("gil_enabled", optional=True),
            warmup_s=tuple(float(value) for value in warmup),
            warmup_note=fields.text("warmup_note", optional=True),
            runs=tuple(Repetition.from_json(run, f"{where}.runs[{i}]") for i, run in enumerate(fields.items("runs"))),
        )


@dataclass(frozen=True)
class Interpreter:
    """What ran: the label the user asked for, and the exact interpreter recorded beside it."""

    label: str
    implementation: str  # sys.implementation.name
    version: str  # "3.13.5"
    free_threaded_build: bool  # Py_GIL_DISABLED == 1
    gil_enabled: bool  # after importing every workload dependency
    version_info: tuple[int, ...] = ()
    implementation_version: str = ""
    executable: str = ""
    base_executable: str = ""
    python_gil_env: Optional[str] = None
    jit: str = ""
    build: Mapping[str, Any] = field(default_factory=dict)  # compiler, config_args, cflags, gilbench_build ...
    packages: Mapping[str, str] = field(default_factory=dict)  # guest packages installed: requests and its own

    @property
    def config_args(self) -> str:
        """``./configure`` arguments of a CPython build (empty for PyPy)."""
        return str(self.build.get("config_args") or "")

    @property
    def source(self) -> Mapping[str, Any]:
        """What gilbench recorded when it built this interpreter (empty for one it found)."""
        info = self.build.get("gilbench_build")
        return info if isinstance(info, dict) else {}

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "implementation": self.implementation,
            "version": self.version,
            "version_info": list(self.version_info),
            "implementation_version": self.implementation_version,
            "executable": self.executable,
            "base_executable": self.base_executable,
            "free_threaded_build": self.free_threaded_build,
            "gil_enabled": self.gil_enabled,
            "python_gil_env": self.python_gil_env,
            "jit": self.jit,
            "build": dict(self.build),
            "packages": dict(self.packages),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "interpreter") -> Interpreter:
        fields = _Fields(data, where)
        version_info = fields.items("version_info", optional=True)
        if not all(_is_int(part) for part in version_info):
            raise ResultError(f"{fields.path('version_info')}: expected whole numbers, got {_shown(version_info)}")
        return cls(
            label=fields.text("label"),
            implementation=fields.text("implementation"),
            version=fields.text("version"),
            free_threaded_build=fields.flag("free_threaded_build"),
            gil_enabled=fields.flag("gil_enabled"),
            version_info=tuple(version_info),
            implementation_version=fields.text("implementation_version", optional=True) or "",
            executable=fields.text("executable", optional=True) or "",
            base_executable=fields.text("base_executable", optional=True) or "",
            python_gil_env=fields.text("python_gil_env", optional=True),
            jit=fields.text("jit", optional=True) or "",
            build=fields.mapping("build", optional=True),
            packages={str(name): str(version) for name, version in fields.mapping("packages", optional=True).items()},
        )


@dataclass(frozen=True)
class Machine:
    """Facts that explain a number: which CPUs, how many usable, the OS, what else was going on."""

    hostname: str
    cpu_model: str
    logical_cpus: int
    usable_cpus: int
    memory_bytes: Optional[int] = None
    os: str = ""
    kernel: str = ""
    arch: str = ""
    platform: str = ""
    cpu_governor: Optional[str] = None
    load_average_start: Optional[tuple[float, ...]] = None
    load_average_end: Optional[tuple[float, ...]] = None
    disturbances: Mapping[str, Any] = field(default_factory=dict)

    @property
    def others_cpu_share(self) -> Optional[float]:
        """Share of the CPUs other processes kept busy just before measuring (None where unknown)."""
        value = self.disturbances.get("others_cpu_share")
        return float(value) if isinstance(value, (int, float)) and _is_time(value) else None  # a share, 0 to 1

    @property
    def turbo(self) -> Optional[str]:
        value = self.disturbances.get("turbo")
        return str(value) if value else None

    def to_json(self) -> dict[str, Any]:
        return {
            "hostname": self.hostname,
            "cpu_model": self.cpu_model,
            "logical_cpus": self.logical_cpus,
            "usable_cpus": self.usable_cpus,
            "memory_bytes": self.memory_bytes,
            "os": self.os,
            "kernel": self.kernel,
            "arch": self.arch,
            "platform": self.platform,
            "cpu_governor": self.cpu_governor,
            "load_average_start": _list_or_none(self.load_average_start),
            "load_average_end": _list_or_none(self.load_average_end),
            "disturbances": dict(self.disturbances),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "machine") -> Machine:
        fields = _Fields(data, where)
        return cls(
            hostname=fields.text("hostname"),
            cpu_model=fields.text("cpu_model"),
            logical_cpus=fields.whole("logical_cpus", minimum=1),
            usable_cpus=fields.whole("usable_cpus", minimum=1),
            memory_bytes=fields.whole("memory_bytes", optional=True),
            os=fields.text("os", optional=True) or "",
            kernel=fields.text("kernel", optional=True) or "",
            arch=fields.text("arch", optional=True) or "",
            platform=fields.text("platform", optional=True) or "",
            cpu_governor=fields.text("cpu_governor", optional=True),
            load_average_start=_numbers(fields, "load_average_start"),
            load_average_end=_numbers(fields, "load_average_end"),
            disturbances=fields.mapping("disturbances", optional=True),
        )


def _list_or_none(values: Optional[Sequence[float]]) -> Optional[list[float]]:
    return None if values is None else list(values)


def _numbers(fields: _Fields, key: str) -> Optional[tuple[float, ...]]:
    values = fields.raw(key, optional=True)
    if values is None:
        return None
    if not isinstance(values, list) or not all(_is_time(value) for value in values):
        raise ResultError(f"{fields.path(key)}: expected a list of numbers >= 0, got {_shown(values)}")
    return tuple(float(value) for value in values)


@dataclass(frozen=True)
class WorkloadRecord:
    """A workload as resolved: its name, the argument every task got, and its traits (what its tasks do)."""

    name: str
    argument: Any = None
    has_argument: bool = True
    traits: WorkloadTraits = field(default_factory=WorkloadTraits)

    @property
    def text(self) -> str:
        """``cpu=200000``: how the user would write it in --workloads."""
        return self.name if self.argument is None else f"{self.name}={self.argument}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "argument": self.argument,
            "has_argument": self.has_argument,
            "traits": self.traits.to_json(),
            "traits_source": self.traits.source,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> WorkloadRecord:
        fields = _Fields(data, where)
        has_argument = fields.flag("has_argument", optional=True)
        return cls(
            fields.text("name"),
            fields.raw("argument", optional=True),
            True if has_argument is None else has_argument,
            _traits(fields),
        )


def _traits(fields: _Fields) -> WorkloadTraits:
    kinds = []
    for kind, traits in fields.mapping("traits").items():
        task = _Fields(traits, fields.path(f"traits.{kind}"))
        uses, gil = task.text("uses"), task.text("gil")
        if uses not in (*USES, UNKNOWN) or gil not in (*GIL, UNKNOWN):
            raise ResultError(
                f"{task.where}: expected uses in {', '.join((*USES, UNKNOWN))} and gil in "
                f"{', '.join((*GIL, UNKNOWN))}, got {_shown(traits)}"
            )
        kinds.append((str(kind), TaskTraits(uses, gil)))
    return WorkloadTraits(tuple(kinds), fields.text("traits_source"))


@dataclass(frozen=True)
class ServerFacts:
    """What gilbench's page server was set to: io and mixed times are mostly its latency."""

    latency_ms: float
    page_bytes: int

    def to_json(self) -> dict[str, Any]:
        return {"latency_ms": self.latency_ms, "page_bytes": self.page_bytes}

    @classmethod
    def from_json(cls, data: Any, where: str) -> ServerFacts:
        fields = _Fields(data, where)
        return cls(float(fields.seconds("latency_ms")), fields.whole("page_bytes", minimum=1))


WarmupSetting = Union[int, str]  # a count, or "auto"
ChunkSetting = Union[int, str]  # tasks per hand-over, or "auto"


@dataclass(frozen=True)
class Config:
    """Every resolved parameter of a run, so it can be repeated and so merged runs can be compared."""

    preset: str
    workloads: tuple[WorkloadRecord, ...]
    cells: tuple[tuple[str, int], ...]  # (executor, workers), crossed with every workload
    load: int
    repeat: int
    warmup: WarmupSetting
    timeout_s: float
    start_method: str
    seed: int = 0
    server_url: Optional[str] = None
    urls: tuple[str, ...] = ()
    pin: Optional[tuple[int, ...]] = None
    python_gil: Optional[str] = None
    argv: tuple[str, ...] = ()
    clock: str = ""
    chunksize: ChunkSetting = 1  # tasks handed to a process pool's worker at a time, or "auto"
    server: Optional[ServerFacts] = None  # gilbench's page server's settings (None: no server, or other pages)
    shared_rounds: tuple[str, ...] = ()  # labels of the interpreters measured in the same rounds (itself included)
    warmup_tasks: str = "quarter"  # tasks a warm-up pass runs: "quarter" of the cell's, or "one per worker"
    pools_warmed: bool = False  # process pools and subinterpreters warmed inside their pool (older files: cold)
    extra_cells: tuple[tuple[str, str, int], ...] = ()  # (workload, executor, workers) measured for that one only
    same_cpu: bool = False  # one-CPU cells ran on one CPU per round, the same for every interpreter of the run

    def cells_for(self, workload: str) -> list[tuple[str, int]]:
        """The (executor, workers) cells of one workload (its cell label): the crossed ones, then its own."""
        own = [(executor, workers) for name, executor, workers in self.extra_cells if name == workload]
        return list(dict.fromkeys([*self.cells, *own]))

    @property
    def all_cells(self) -> list[tuple[str, int]]:
        """Every (executor, workers) measured for any workload."""
        return list(dict.fromkeys([*self.cells, *((executor, workers) for _, executor, workers in self.extra_cells)]))

    def to_json(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "workloads": [workload.to_json() for workload in self.workloads],
            "cells": [list(cell) for cell in self.cells],
            "load": self.load,
            "repeat": self.repeat,
            "warmup": self.warmup,
            "timeout_s": self.timeout_s,
            "start_method": self.start_method,
            "seed": self.seed,
            "server_url": self.server_url,
            "urls": list(self.urls),
            "pin": None if self.pin is None else list(self.pin),
            "python_gil": self.python_gil,
            "argv": list(self.argv),
            "clock": self.clock,
            "chunksize": self.chunksize,
            "server": None if self.server is None else self.server.to_json(),
            "shared_rounds": list(self.shared_rounds),
            "warmup_tasks": self.warmup_tasks,
            "pools_warmed": self.pools_warmed,
            "extra_cells": [list(cell) for cell in self.extra_cells],
            "same_cpu": self.same_cpu,
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "config") -> Config:
        fields = _Fields(data, where)
        warmup = fields.raw("warmup")
        if warmup != "auto" and not (_is_int(warmup) and warmup >= 0):
            raise ResultError(f"{fields.path('warmup')}: expected a whole number >= 0 or 'auto', got {_shown(warmup)}")
        cells = []
        for index, cell in enumerate(fields.items("cells")):
            if not (isinstance(cell, list) and len(cell) == 2 and isinstance(cell[0], str) and _is_int(cell[1])):
                raise ResultError(f"{where}.cells[{index}]: expected [executor, workers], got {_shown(cell)}")
            cells.append((cell[0], cell[1]))
        extra = []
        for index, cell in enumerate(fields.items("extra_cells", optional=True)):
            if not (isinstance(cell, list) and len(cell) == 3 and all(isinstance(x, str) for x in cell[:2])):
                raise ResultError(
                    f"{where}.extra_cells[{index}]: expected [workload, executor, workers], got {_shown(cell)}"
                )
            if not _is_int(cell[2]):
                raise ResultError(
                    f"{where}.extra_cells[{index}]: expected [workload, executor, workers], got {_shown(cell)}"
                )
            extra.append((cell[0], cell[1], cell[2]))
        pin = fields.items("pin", optional=True)
        return cls(
            preset=fields.text("preset"),
            workloads=tuple(
                WorkloadRecord.from_json(item, f"{where}.workloads[{i}]")
                for i, item in enumerate(fields.items("workloads"))
            ),
            cells=tuple(cells),
            load=fields.whole("load", minimum=1),
            repeat=fields.whole("repeat", minimum=1),
            warmup=warmup,
            timeout_s=fields.seconds("timeout_s"),
            start_method=fields.text("start_method"),
            seed=fields.whole("seed", optional=True) or 0,
            server_url=fields.text("server_url", optional=True),
            urls=tuple(str(url) for url in fields.items("urls", optional=True)),
            pin=tuple(pin) if fields.raw("pin", optional=True) is not None else None,
            python_gil=fields.text("python_gil", optional=True),
            argv=tuple(str(part) for part in fields.items("argv", optional=True)),
            clock=fields.text("clock", optional=True) or "",
            chunksize=_chunksize(fields),
            server=_server(fields),
            shared_rounds=tuple(str(label) for label in fields.items("shared_rounds", optional=True)),
            warmup_tasks=fields.text("warmup_tasks", optional=True) or "quarter",
            pools_warmed=bool(fields.flag("pools_warmed", optional=True)),
            extra_cells=tuple(extra),
            same_cpu=bool(fields.flag("same_cpu", optional=True)),
        )


def _server(fields: _Fields) -> Optional[ServerFacts]:
    data = fields.raw("server", optional=True)
    return None if data is None else ServerFacts.from_json(data, fields.path("server"))


def _chunksize(fields: _Fields) -> ChunkSetting:
    value = fields.raw("chunksize", optional=True)
    if value is None:
        return 1
    if value != "auto" and not (_is_int(value) and value >= 1):
        raise ResultError(f"{fields.path('chunksize')}: expected a whole number >= 1 or 'auto', got {_shown(value)}")
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RunWarning:
    """Something a reader must know before trusting a number: a stable code, the cells it concerns, the text."""

    code: str
    text: str
    cells: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "cells": list(self.cells)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> RunWarning:
        fields = _Fields(data, where)
        return cls(
            fields.text("code"), fields.text("text"), tuple(str(c) for c in fields.items("cells", optional=True))
        )


@dataclass(frozen=True)
class CpuProbe:
    """One timing of the probe loop, pinned to one CPU, with that CPU's steal time so far."""

    cpu: int
    seconds: float
    steal_s: Optional[float] = None  # the kernel's steal time of this CPU since boot (None where unknown)
    pinned: bool = True  # False where pinning was not possible (the time is then of whichever CPU ran it)

    def to_json(self) -> dict[str, Any]:
        return {"cpu": self.cpu, "seconds": self.seconds, "steal_s": self.steal_s, "pinned": self.pinned}

    @classmethod
    def from_json(cls, data: Any, where: str) -> CpuProbe:
        fields = _Fields(data, where)
        return cls(
            fields.whole("cpu"),
            fields.seconds("seconds"),
            fields.seconds("steal_s", optional=True),
            bool(fields.flag("pinned", optional=True) is not False),
        )


@dataclass(frozen=True)
class ProbePoint:
    """The speed probe at one moment of the run: every usable CPU's loop time, and the machine's busy time."""

    label: str  # "start", "after round 3", "end"
    at_s: float  # seconds since the run started
    cpus: tuple[CpuProbe, ...]
    busy_s: Optional[float] = None  # busy seconds of all CPUs since boot (/proc/stat), None where unknown
    own_cpu_s: Optional[float] = None  # CPU seconds gilbench's own process tree had used by then

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "at_s": self.at_s,
            "cpus": [cpu.to_json() for cpu in self.cpus],
            "busy_s": self.busy_s,
            "own_cpu_s": self.own_cpu_s,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> ProbePoint:
        fields = _Fields(data, where)
        return cls(
            fields.text("label"),
            fields.seconds("at_s"),
            tuple(CpuProbe.from_json(item, f"{where}.cpus[{i}]") for i, item in enumerate(fields.items("cpus"))),
            fields.seconds("busy_s", optional=True),
            fields.seconds("own_cpu_s", optional=True),
        )


@dataclass(frozen=True)
class Tool:
    name: str = "gilbench"
    version: str = ""
    git_commit: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "git_commit": self.git_commit}

    @classmethod
    def from_json(cls, data: Any, where: str = "tool") -> Tool:
        fields = _Fields(data, where)
        return cls(fields.text("name"), fields.text("version"), fields.text("git_commit", optional=True))


@dataclass(frozen=True)
class Document:
    """One interpreter's result file."""

    run_id: str
    interpreter: Interpreter
    machine: Machine
    config: Config
    tool: Tool = field(default_factory=Tool)
    complete: bool = False
    interrupted: bool = False
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    warnings: tuple[RunWarning, ...] = ()
    cells: tuple[Cell, ...] = ()
    probe: tuple[ProbePoint, ...] = ()
    probe_loops: int = 0  # the probe loop's length (one fixed count since version 4; calibrated per run before)
    probe_executable: str = ""  # the Python that ran the probe
    round_orders: tuple[tuple[int, ...], ...] = ()  # per round, the cells (indices into cells) in measured order
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "run_id": self.run_id,
            "complete": self.complete,
            "interrupted": self.interrupted,
            "tool": self.tool.to_json(),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "interpreter": self.interpreter.to_json(),
            "machine": self.machine.to_json(),
            "config": self.config.to_json(),
            "task_fields": list(TASK_FIELDS),
            "warnings": [warning.to_json() for warning in self.warnings],
            "cells": [cell.to_json() for cell in self.cells],
            "probe_loops": self.probe_loops,
            "probe_executable": self.probe_executable,
            "probe": [point.to_json() for point in self.probe],
            "round_orders": [list(order) for order in self.round_orders],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":")) + "\n"

    @property
    def faults(self) -> tuple[Cell, ...]:
        """The cells that failed or timed out, in measuring order."""
        return tuple(cell for cell in self.cells if cell.status in FAULTS)

    @classmethod
    def from_json(cls, data: Any) -> Document:
        """Check and read a parsed result file (any known schema version); raises :class:`ResultError`."""
        fields = _Fields(data, "")
        version = data.get("schema_version")
        if not _is_int(version):
            raise ResultError("not a gilbench result (no schema_version)")
        if version > SCHEMA_VERSION:
            raise ResultError(
                f"schema_version {version} is newer than this gilbench understands "
                f"(up to {SCHEMA_VERSION}); upgrade gilbench to report it"
            )
        if version < 1:
            raise ResultError(f"schema_version {version} is not a gilbench version (1 to {SCHEMA_VERSION})")
        if version == 1:
            fields = _Fields(upgrade_v1(data), "")
        if version < 4:
            fields = _Fields(upgrade_traits(fields.data), "")
        return cls(
            run_id=fields.text("run_id"),
            interpreter=Interpreter.from_json(fields.raw("interpreter")),
            machine=Machine.from_json(fields.raw("machine")),
            config=Config.from_json(fields.raw("config")),
            tool=Tool.from_json(fields.raw("tool")) if fields.raw("tool", optional=True) else Tool(),
            complete=fields.flag("complete"),
            interrupted=fields.flag("interrupted", optional=True) or False,
            started_at=fields.text("started_at", optional=True),
            finished_at=fields.text("finished_at", optional=True),
            warnings=tuple(
                RunWarning.from_json(item, f"warnings[{i}]") for i, item in enumerate(fields.items("warnings"))
            ),
            cells=tuple(Cell.from_json(cell, f"cells[{i}]") for i, cell in enumerate(fields.items("cells"))),
            probe=tuple(
                ProbePoint.from_json(p, f"probe[{i}]") for i, p in enumerate(fields.items("probe", optional=True))
            ),
            probe_loops=fields.whole("probe_loops", optional=True) or 0,
            probe_executable=fields.text("probe_executable", optional=True) or "",
            round_orders=_orders(fields),
            schema_version=SCHEMA_VERSION,
        )

    @classmethod
    def loads(cls, data: bytes) -> Document:
        """Decode (UTF-8), parse and check one file's bytes."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ResultError(f"not UTF-8 text (byte {exc.start}); the file is corrupt") from None
        try:
            parsed = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
        except ResultError:
            raise
        except ValueError as exc:
            raise ResultError(f"not valid JSON, truncated or corrupt ({exc})") from None
        return cls.from_json(parsed)


def _orders(fields: _Fields) -> tuple[tuple[int, ...], ...]:
    orders = fields.items("round_orders", optional=True)
    if not all(isinstance(order, list) and all(_is_int(i) and i >= 0 for i in order) for order in orders):
        raise ResultError(f"{fields.path('round_orders')}: expected lists of cell indices, got {_shown(orders)}")
    return tuple(tuple(order) for order in orders)


_V1_WARNING_CODES = (
    ("other processes kept", "others-busy"),
    ("load average", "load-average"),
    ("CPU frequency governor", "governor"),
    ("turbo boost", "turbo"),
    ("up to ", "workers-over-cpus"),
)
"""Version 1 stored warnings as bare text; only the upgrade below ever looks at their wording."""


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2, so results written before typed warnings still report (see the history above)."""
    upgraded = dict(data)
    warnings = []
    for text in data.get("warnings") or []:
        code = next((code for prefix, code in _V1_WARNING_CODES if str(text).startswith(prefix)), "run")
        warnings.append({"code": code, "text": str(text), "cells": []})
    upgraded["warnings"] = warnings
    cells = []
    for old in data.get("cells") or []:
        cell = dict(old) if isinstance(old, dict) else old
        if isinstance(cell, dict):
            warmup = cell.pop("warmup", None) or []
            cell["warmup_s"] = [item.get("wall_s") if isinstance(item, dict) else item for item in warmup]
        cells.append(cell)
    upgraded["cells"] = cells if isinstance(data.get("cells"), list) else data.get("cells")
    return upgraded


def upgrade_traits(data: dict[str, Any]) -> dict[str, Any]:
    """Versions 1-3 -> 4: each workload's traits, derived from its name (the one place a name decides traits).

    Built-in workloads get their vocabulary traits, marked as derived; anything else (a user's
    ``module:function``) is unknown, as an undeclared workload is today.
    """
    config = data.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("workloads"), list):
        return data  # the checks that follow name what is wrong
    workloads = []
    for old in config["workloads"]:
        if not isinstance(old, dict):
            workloads.append(old)
            continue
        name = str(old.get("name", ""))
        known = BUILTIN_TRAITS.get(name)
        traits = WorkloadTraits(known.kinds, DERIVED) if known else WorkloadTraits(((name, TaskTraits()),))
        workloads.append({**old, "traits": traits.to_json(), "traits_source": traits.source})
    return {**data, "config": {**config, "workloads": workloads}}
