"""The result model: the one owner of what a gilbench result file holds.

Shared by guest and host, so it imports only the standard library and runs on
Python >= 3.9, PyPy and free-threaded builds.  Each record is a frozen
dataclass whose fields are declared once, with how each is read back
(:func:`wired`); one generic writer (:meth:`Record.to_json`) and one generic
reader (:meth:`Record.from_json`) serve every record.  The reader checks every
field's type and range and names the first bad one (``cells[3].workers:
expected a whole number >= 1 and below 2**63, got 'two'``), so no reader ever
needs ``.get(...)`` guesses.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any, Callable, ClassVar, Mapping, Optional, Sequence, TypeVar, Union

from bench.verdict import DEFAULT_MARGIN, LOOK_STEP, planned_looks
from bench.vocabulary import BUILTIN_TRAITS, DERIVED, GIL, UNKNOWN, USES, TaskTraits, WorkloadTraits, cell_label

SCHEMA_VERSION = 8
"""History of ``schema_version`` (add a line, never rewrite one; older files are upgraded on load):

1. First version: the run, interpreter, machine, config and cells with their runs and task rows.
2. Interleaved rounds: ``round_orders``, per run ``round``, ``cpu_s``, ``on_cpu``; the speed probe (``probe``,
   ``probe_loops``); typed ``warnings``; ``cell.warmup_s`` for ``cell.warmup``; statuses ``interrupted`` and
   ``unsupported``.  Version 1 files: :func:`upgrade_v1`.
3. Per run ``peak_rss_bytes``, ``shutdown_s``, ``gaps_s``; ``config.chunksize``; the ``interpreters`` executor.
4. Workload ``traits`` and ``traits_source``; ``config.server``, ``config.shared_rounds``, ``config.warmup_tasks``,
   ``config.pools_warmed``; ``interpreter.packages``; ``probe_executable``.  Versions 1-3: :func:`upgrade_traits`.
5. ``config.extra_cells`` (cells of one workload only); the ``asyncio`` executor.
6. ``config.same_cpu``: one-CPU cells ran on the round's CPU, the same for every interpreter.
7. ``config.margin``: the equivalence margin the run's verdicts use (0.05: within 5%; older files read 0.05).
8. ``config.max_rounds``, ``config.extra_time_s``, ``config.look_step``: rounds a conducted run may add until the
   answer settles (older files: none); ``config.uncrossed`` (workloads measured in their own cells only); the
   ``io-stdlib`` and ``mixed-stdlib`` workloads; ``config.requirements``, ``interpreter.user_packages`` (the
   user's requirements and their installed versions); ``config.thread_env`` (OPENBLAS/OMP/MKL thread counts).
"""
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


# --- one declaration per field -----------------------------------------------------------------

Reader = Callable[[_Fields, str], Any]
"""How one field is read back: from the object being read and the field's key, checked."""


def wired(read: Reader, write: Optional[Callable[[Any], Any]] = None, **default: Any) -> Any:
    """A record's field, declared once: how it is read back (``read``), how it is written when not as it is
    (``write``; records, tuples and mappings are written by :func:`_plain`), and its default (``default=`` or
    ``default_factory=``, as :func:`dataclasses.field` takes them)."""
    return field(metadata={"read": read, "write": write or _plain}, **default)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: a record as its object, tuples as lists, mappings as objects."""
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


R = TypeVar("R", bound="Record")


class Record:
    """A frozen dataclass whose fields are :func:`wired`: written and read back by the two methods below."""

    WHERE: ClassVar[str] = ""  # the record's place in a file, for error messages, when read on its own

    def to_json(self) -> Any:
        return {item.name: item.metadata["write"](getattr(self, item.name)) for item in _wired_fields(type(self))}

    @classmethod
    def from_json(cls: type[R], data: Any, where: Optional[str] = None) -> R:
        fields = _Fields(data, cls.WHERE if where is None else where)
        return cls(**{item.name: item.metadata["read"](fields, item.name) for item in _wired_fields(cls)})


_DECLARED: dict[type, list[Any]] = {}


def _wired_fields(cls: type) -> list[Any]:
    """The declared fields, as the class that declared each one declared it (a subclass that only changes a
    default keeps its base's declaration; a field of its own, undeclared, is its own business)."""
    known = _DECLARED.get(cls)
    if known is None:
        known = []
        for item in dataclass_fields(cls):
            for base in cls.__mro__:
                declared = getattr(base, "__dataclass_fields__", {}).get(item.name)
                if declared is not None and "read" in declared.metadata:
                    known.append(declared)
                    break
        _DECLARED[cls] = known
    return known


# The readers: each a checked read of one key, with what an absent key means.


def _text(fields: _Fields, key: str) -> Any:
    return fields.text(key)


def _text_or(default: Optional[str]) -> Reader:
    return lambda fields, key: fields.text(key, optional=True) or default


def _flag(fields: _Fields, key: str) -> Any:
    return fields.flag(key)


def _flag_or(default: Optional[bool]) -> Reader:
    def read(fields: _Fields, key: str) -> Optional[bool]:
        value = fields.flag(key, optional=True)
        return default if value is None else bool(value)

    return read


def _whole(minimum: int = 0) -> Reader:
    return lambda fields, key: fields.whole(key, minimum=minimum)


def _whole_or(default: Optional[int]) -> Reader:
    def read(fields: _Fields, key: str) -> Optional[int]:
        value = fields.whole(key, optional=True)
        return default if value is None else int(value)

    return read


def _seconds(fields: _Fields, key: str) -> Any:
    return fields.seconds(key)


def _seconds_or_none(fields: _Fields, key: str) -> Any:
    return fields.seconds(key, optional=True)


def _duration(fields: _Fields, key: str) -> float:
    return fields.duration(key)


def _mapping_or_empty(fields: _Fields, key: str) -> dict[str, Any]:
    return fields.mapping(key, optional=True)


def _strings(optional: bool) -> Reader:
    return lambda fields, key: tuple(str(item) for item in fields.items(key, optional=optional))


def _one_of(accepted: Sequence[str]) -> Reader:
    def read(fields: _Fields, key: str) -> str:
        value = fields.text(key)
        if value not in accepted:
            raise ResultError(f"{fields.path(key)}: expected one of {', '.join(accepted)}, got {value!r}")
        return str(value)

    return read


def _record(cls: type[Record], optional: bool = False) -> Reader:
    """A nested record (None where an optional one is absent or null)."""

    def read(fields: _Fields, key: str) -> Any:
        data = fields.raw(key, optional=optional)
        return None if data is None and optional else cls.from_json(data, fields.path(key))

    return read


def _records(cls: type[Any], optional: bool = False) -> Reader:
    def read(fields: _Fields, key: str) -> tuple[Any, ...]:
        return tuple(
            cls.from_json(item, f"{fields.path(key)}[{index}]")
            for index, item in enumerate(fields.items(key, optional=optional))
        )

    return read


# --- the records --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRecord(Record):
    """One task of one repetition: when it started (from the repetition's start), how long, where, what.  A file
    holds it as a row, laid out as ``task_fields`` (:data:`TASK_FIELDS`) says."""

    start_s: float = wired(_seconds)
    duration_s: float = wired(_seconds)
    worker: int = wired(_whole())  # 0, 1, ... in order of first use within the repetition
    kind: str = wired(_text)

    def to_json(self) -> list[Any]:
        return list(super().to_json().values())

    @classmethod
    def from_json(cls, data: Any, where: Optional[str] = None) -> TaskRecord:
        if not isinstance(data, list) or len(data) != len(TASK_FIELDS):
            raise ResultError(f"{where}: expected a row [{', '.join(TASK_FIELDS)}], got {_shown(data)}")
        return super().from_json(dict(zip(TASK_FIELDS, data)), where)


TASK_FIELDS = tuple(item.name for item in _wired_fields(TaskRecord))
"""A task row's layout: ``start_s``, ``duration_s``, ``worker``, ``kind``."""


@dataclass(frozen=True)
class Repetition(Record):
    """One measured pass over a cell's task list; pool start-up is inside ``wall_s`` and also on its own."""

    wall_s: float = wired(_duration)
    pool_startup_s: float = wired(_seconds)
    tasks: tuple[TaskRecord, ...] = wired(_records(TaskRecord), default=())
    round: int = wired(_whole_or(0), default=0)  # which interleaved round measured it (1, 2, ...); 0: before rounds
    cpu_s: Optional[float] = wired(_seconds_or_none, default=None)  # user + system CPU of the cell's process tree
    on_cpu: Optional[int] = wired(_whole_or(None), default=None)  # the CPU the cell's main thread last ran on
    shutdown_s: Optional[float] = wired(_seconds_or_none, default=None)  # from the last task's result to pool exit
    gaps_s: Optional[float] = wired(_seconds_or_none, default=None)  # per worker (mean): not in a task, after start
    peak_rss_bytes: Optional[int] = wired(_whole_or(None), default=None)  # the cell's process plus pool workers


def _warmups(fields: _Fields, key: str) -> tuple[float, ...]:
    warmup = fields.items(key)
    if not all(_is_time(value) for value in warmup):
        raise ResultError(f"{fields.path(key)}: expected seconds >= 0, got {_shown(warmup)}")
    return tuple(float(value) for value in warmup)


@dataclass(frozen=True)
class Cell(Record):
    """One workload x executor x workers, with its measured repetitions (warm-ups kept apart)."""

    workload: str = wired(_text)
    executor: str = wired(_text)
    workers: int = wired(_whole(1))
    status: str = wired(_one_of(STATUSES), default="ok")
    reason: Optional[str] = wired(_text_or(None), default=None)
    gil_enabled: Optional[bool] = wired(_flag_or(None), default=None)  # in the cell's own process, after its imports
    warmup_s: tuple[float, ...] = wired(_warmups, default=())
    warmup_note: Optional[str] = wired(_text_or(None), default=None)  # "still improving after 10 warm-ups"
    runs: tuple[Repetition, ...] = wired(_records(Repetition), default=())

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.workload, self.executor, self.workers)

    @property
    def name(self) -> str:
        return cell_label(self.workload, self.executor, self.workers)


def _version_info(fields: _Fields, key: str) -> tuple[int, ...]:
    version_info = fields.items(key, optional=True)
    if not all(_is_int(part) for part in version_info):
        raise ResultError(f"{fields.path(key)}: expected whole numbers, got {_shown(version_info)}")
    return tuple(version_info)


def _packages(fields: _Fields, key: str) -> dict[str, str]:
    return {str(name): str(version) for name, version in fields.mapping(key, optional=True).items()}


@dataclass(frozen=True)
class Interpreter(Record):
    """What ran: the label the user asked for, and the exact interpreter recorded beside it."""

    WHERE: ClassVar[str] = "interpreter"

    label: str = wired(_text)
    implementation: str = wired(_text)  # sys.implementation.name
    version: str = wired(_text)  # "3.13.5"
    free_threaded_build: bool = wired(_flag)  # Py_GIL_DISABLED == 1
    gil_enabled: bool = wired(_flag)  # after importing every workload dependency
    version_info: tuple[int, ...] = wired(_version_info, default=())
    implementation_version: str = wired(_text_or(""), default="")
    executable: str = wired(_text_or(""), default="")
    base_executable: str = wired(_text_or(""), default="")
    python_gil_env: Optional[str] = wired(_text_or(None), default=None)
    jit: str = wired(_text_or(""), default="")
    build: Mapping[str, Any] = wired(_mapping_or_empty, default_factory=dict)  # compiler, config_args, cflags ...
    packages: Mapping[str, str] = wired(_packages, default_factory=dict)  # guest packages: requests and its own
    user_packages: Mapping[str, str] = wired(_packages, default_factory=dict)  # the user's requirements, installed

    @property
    def config_args(self) -> str:
        """``./configure`` arguments of a CPython build (empty for PyPy)."""
        return str(self.build.get("config_args") or "")

    @property
    def source(self) -> Mapping[str, Any]:
        """What gilbench recorded when it built this interpreter (empty for one it found)."""
        info = self.build.get("gilbench_build")
        return info if isinstance(info, dict) else {}


def _numbers(fields: _Fields, key: str) -> Optional[tuple[float, ...]]:
    values = fields.raw(key, optional=True)
    if values is None:
        return None
    if not isinstance(values, list) or not all(_is_time(value) for value in values):
        raise ResultError(f"{fields.path(key)}: expected a list of numbers >= 0, got {_shown(values)}")
    return tuple(float(value) for value in values)


@dataclass(frozen=True)
class Machine(Record):
    """Facts that explain a number: which CPUs, how many usable, the OS, what else was going on."""

    WHERE: ClassVar[str] = "machine"

    hostname: str = wired(_text)
    cpu_model: str = wired(_text)
    logical_cpus: int = wired(_whole(1))
    usable_cpus: int = wired(_whole(1))
    memory_bytes: Optional[int] = wired(_whole_or(None), default=None)
    os: str = wired(_text_or(""), default="")
    kernel: str = wired(_text_or(""), default="")
    arch: str = wired(_text_or(""), default="")
    platform: str = wired(_text_or(""), default="")
    cpu_governor: Optional[str] = wired(_text_or(None), default=None)
    load_average_start: Optional[tuple[float, ...]] = wired(_numbers, default=None)
    load_average_end: Optional[tuple[float, ...]] = wired(_numbers, default=None)
    disturbances: Mapping[str, Any] = wired(_mapping_or_empty, default_factory=dict)

    @property
    def others_cpu_share(self) -> Optional[float]:
        """Share of the CPUs other processes kept busy just before measuring (None where unknown)."""
        value = self.disturbances.get("others_cpu_share")
        return float(value) if isinstance(value, (int, float)) and _is_time(value) else None  # a share, 0 to 1

    @property
    def turbo(self) -> Optional[str]:
        value = self.disturbances.get("turbo")
        return str(value) if value else None


def _traits(fields: _Fields, key: str) -> WorkloadTraits:
    kinds = []
    for kind, traits in fields.mapping(key).items():
        task = _Fields(traits, fields.path(f"{key}.{kind}"))
        uses, gil = task.text("uses"), task.text("gil")
        if uses not in (*USES, UNKNOWN) or gil not in (*GIL, UNKNOWN):
            raise ResultError(
                f"{task.where}: expected uses in {', '.join((*USES, UNKNOWN))} and gil in "
                f"{', '.join((*GIL, UNKNOWN))}, got {_shown(traits)}"
            )
        kinds.append((str(kind), TaskTraits(uses, gil)))
    return WorkloadTraits(tuple(kinds), fields.text("traits_source"))


def _traits_json(traits: WorkloadTraits) -> Any:
    return traits.to_json()


@dataclass(frozen=True)
class WorkloadRecord(Record):
    """A workload as resolved: its name, the argument every task got, and its traits (what its tasks do)."""

    name: str = wired(_text)
    argument: Any = wired(lambda fields, key: fields.raw(key, optional=True), default=None)
    has_argument: bool = wired(_flag_or(True), default=True)
    traits: WorkloadTraits = wired(_traits, _traits_json, default_factory=WorkloadTraits)  # and traits_source

    @property
    def text(self) -> str:
        """``cpu=200000``: how the user would write it in --workloads."""
        return self.name if self.argument is None else f"{self.name}={self.argument}"

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "traits_source": self.traits.source}


@dataclass(frozen=True)
class ServerFacts(Record):
    """What gilbench's page server was set to: io and mixed times are mostly its latency."""

    latency_ms: float = wired(lambda fields, key: float(fields.seconds(key)))
    page_bytes: int = wired(_whole(1))


WarmupSetting = Union[int, str]  # a count, or "auto"
ChunkSetting = Union[int, str]  # tasks per hand-over, or "auto"


def _warmup(fields: _Fields, key: str) -> WarmupSetting:
    warmup = fields.raw(key)
    if warmup != "auto" and not (_is_int(warmup) and warmup >= 0):
        raise ResultError(f"{fields.path(key)}: expected a whole number >= 0 or 'auto', got {_shown(warmup)}")
    return warmup  # type: ignore[no-any-return]


def _chunksize(fields: _Fields, key: str) -> ChunkSetting:
    value = fields.raw(key, optional=True)
    if value is None:
        return 1
    if value != "auto" and not (_is_int(value) and value >= 1):
        raise ResultError(f"{fields.path(key)}: expected a whole number >= 1 or 'auto', got {_shown(value)}")
    return value  # type: ignore[no-any-return]


def _cell_rows(shape: str, optional: bool) -> Reader:
    """``[[executor, workers], ...]`` or ``[[workload, executor, workers], ...]``: strings, then a whole number."""
    size = len(shape.split(", "))

    def read(fields: _Fields, key: str) -> tuple[tuple[Any, ...], ...]:
        rows = []
        for index, row in enumerate(fields.items(key, optional=optional)):
            if not (
                isinstance(row, list)
                and len(row) == size
                and all(isinstance(part, str) for part in row[:-1])
                and _is_int(row[-1])
            ):
                raise ResultError(f"{fields.path(key)}[{index}]: expected [{shape}], got {_shown(row)}")
            rows.append(tuple(row))
        return tuple(rows)

    return read


def _pin(fields: _Fields, key: str) -> Optional[tuple[int, ...]]:
    return tuple(fields.items(key)) if fields.raw(key, optional=True) is not None else None


def _seconds_or_zero(fields: _Fields, key: str) -> float:
    value = fields.seconds(key, optional=True)
    return 0.0 if value is None else float(value)


def _margin(fields: _Fields, key: str) -> float:
    value = fields.raw(key, optional=True)
    if value is None:
        return DEFAULT_MARGIN
    if not (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1):
        raise ResultError(f"{fields.path(key)}: expected a share above 0 and below 1, got {_shown(value)}")
    return float(value)


@dataclass(frozen=True)
class Config(Record):
    """Every resolved parameter of a run, so it can be repeated and so merged runs can be compared."""

    WHERE: ClassVar[str] = "config"

    preset: str = wired(_text)
    workloads: tuple[WorkloadRecord, ...] = wired(_records(WorkloadRecord))
    cells: tuple[tuple[str, int], ...] = wired(_cell_rows("executor, workers", False))  # crossed with every workload
    load: int = wired(_whole(1))
    repeat: int = wired(_whole(1))
    warmup: WarmupSetting = wired(_warmup)
    timeout_s: float = wired(_seconds)
    start_method: str = wired(_text)
    seed: int = wired(_whole_or(0), default=0)
    server_url: Optional[str] = wired(_text_or(None), default=None)
    urls: tuple[str, ...] = wired(_strings(optional=True), default=())
    pin: Optional[tuple[int, ...]] = wired(_pin, default=None)
    python_gil: Optional[str] = wired(_text_or(None), default=None)
    argv: tuple[str, ...] = wired(_strings(optional=True), default=())
    clock: str = wired(_text_or(""), default="")
    chunksize: ChunkSetting = wired(_chunksize, default=1)  # tasks handed to a process pool's worker, or "auto"
    server: Optional[ServerFacts] = wired(_record(ServerFacts, optional=True), default=None)  # None: other pages
    shared_rounds: tuple[str, ...] = wired(_strings(optional=True), default=())  # measured in the same rounds
    warmup_tasks: str = wired(_text_or("quarter"), default="quarter")  # "quarter" of the cell's, or "one per worker"
    pools_warmed: bool = wired(_flag_or(False), default=False)  # pools warmed inside themselves (older: cold)
    extra_cells: tuple[tuple[str, str, int], ...] = wired(
        _cell_rows("workload, executor, workers", True), default=()
    )  # (workload, executor, workers) measured for that one only
    same_cpu: bool = wired(_flag_or(False), default=False)  # one-CPU cells on one CPU per round, for everyone
    margin: float = wired(_margin, default=DEFAULT_MARGIN)  # two cells are equivalent within 1/(1+m) to 1+m
    uncrossed: tuple[str, ...] = wired(_strings(optional=True), default=())  # workloads in their own cells only
    max_rounds: int = wired(_whole_or(0), default=0)  # rounds a conducted run may reach by adding (0: none added)
    extra_time_s: float = wired(_seconds_or_zero, default=0.0)  # the added rounds' time, from the base rounds' end
    look_step: int = wired(_whole_or(LOOK_STEP), default=LOOK_STEP)  # rounds added between two looks
    requirements: tuple[str, ...] = wired(_strings(optional=True), default=())  # the user's, as given
    thread_env: Mapping[str, str] = wired(_packages, default_factory=dict)  # BLAS/OpenMP thread counts in force

    def cells_for(self, workload: str) -> list[tuple[str, int]]:
        """The (executor, workers) cells of one workload (its cell label): the crossed ones (unless it is
        measured in its own only), then its own."""
        own = [(executor, workers) for name, executor, workers in self.extra_cells if name == workload]
        crossed = [] if workload in self.uncrossed else list(self.cells)
        return list(dict.fromkeys([*crossed, *own]))

    @property
    def looks(self) -> list[int]:
        """The rounds after which the run looked (or would look) at the answer's comparisons: planned before the
        first, so every look's level is known (:func:`bench.verdict.planned_looks`)."""
        return planned_looks(self.repeat, max(self.repeat, self.max_rounds), self.look_step)

    @property
    def all_cells(self) -> list[tuple[str, int]]:
        """Every (executor, workers) measured for any workload."""
        return list(dict.fromkeys([*self.cells, *((executor, workers) for _, executor, workers in self.extra_cells)]))


@dataclass(frozen=True)
class RunWarning(Record):
    """Something a reader must know before trusting a number: a stable code, the cells it concerns, the text."""

    code: str = wired(_text)
    text: str = wired(_text)
    cells: tuple[str, ...] = wired(_strings(optional=True), default=())


@dataclass(frozen=True)
class CpuProbe(Record):
    """One timing of the probe loop, pinned to one CPU, with that CPU's steal time so far."""

    cpu: int = wired(_whole())
    seconds: float = wired(_seconds)
    steal_s: Optional[float] = wired(_seconds_or_none, default=None)  # steal time of this CPU since boot
    pinned: bool = wired(_flag_or(True), default=True)  # False: not pinned (the time is of whichever CPU ran it)


@dataclass(frozen=True)
class ProbePoint(Record):
    """The speed probe at one moment of the run: every usable CPU's loop time, and the machine's busy time."""

    label: str = wired(_text)  # "start", "after round 3", "end"
    at_s: float = wired(_seconds)  # seconds since the run started
    cpus: tuple[CpuProbe, ...] = wired(_records(CpuProbe))
    busy_s: Optional[float] = wired(_seconds_or_none, default=None)  # busy seconds of all CPUs since boot
    own_cpu_s: Optional[float] = wired(_seconds_or_none, default=None)  # CPU seconds gilbench's own processes used


@dataclass(frozen=True)
class Tool(Record):
    WHERE: ClassVar[str] = "tool"

    name: str = wired(_text, default="gilbench")
    version: str = wired(_text, default="")
    git_commit: Optional[str] = wired(_text_or(None), default=None)


def _orders(fields: _Fields, key: str) -> tuple[tuple[int, ...], ...]:
    orders = fields.items(key, optional=True)
    if not all(isinstance(order, list) and all(_is_int(i) and i >= 0 for i in order) for order in orders):
        raise ResultError(f"{fields.path(key)}: expected lists of cell indices, got {_shown(orders)}")
    return tuple(tuple(order) for order in orders)


def _tool(fields: _Fields, key: str) -> Tool:
    return Tool.from_json(fields.raw(key)) if fields.raw(key, optional=True) else Tool()


@dataclass(frozen=True)
class Document(Record):
    """One interpreter's result file."""

    run_id: str = wired(_text)
    interpreter: Interpreter = wired(_record(Interpreter))
    machine: Machine = wired(_record(Machine))
    config: Config = wired(_record(Config))
    tool: Tool = wired(_tool, default_factory=Tool)
    complete: bool = wired(_flag, default=False)
    interrupted: bool = wired(_flag_or(False), default=False)
    started_at: Optional[str] = wired(_text_or(None), default=None)
    finished_at: Optional[str] = wired(_text_or(None), default=None)
    warnings: tuple[RunWarning, ...] = wired(_records(RunWarning), default=())
    cells: tuple[Cell, ...] = wired(_records(Cell), default=())
    probe: tuple[ProbePoint, ...] = wired(_records(ProbePoint, optional=True), default=())
    probe_loops: int = wired(_whole_or(0), default=0)  # the probe loop's length (one fixed count since version 4)
    probe_executable: str = wired(_text_or(""), default="")  # the Python that ran the probe
    round_orders: tuple[tuple[int, ...], ...] = wired(_orders, default=())  # per round, cells in measured order
    schema_version: int = SCHEMA_VERSION  # what this gilbench writes; an older file is upgraded as it is read

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **super().to_json(), "task_fields": list(TASK_FIELDS)}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":")) + "\n"

    @property
    def faults(self) -> tuple[Cell, ...]:
        """The cells that failed or timed out, in measuring order."""
        return tuple(cell for cell in self.cells if cell.status in FAULTS)

    @classmethod
    def from_json(cls, data: Any, where: Optional[str] = None) -> Document:
        """Check and read a parsed result file (any known schema version); raises :class:`ResultError`."""
        _Fields(data, "")
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
            data = upgrade_v1(data)
        if version < 4:
            data = upgrade_traits(data)
        return super().from_json(data, "")

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
