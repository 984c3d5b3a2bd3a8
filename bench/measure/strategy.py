"""The strategy interface: what every way of running a task list offers the runner, and where each registers.

Guest code: standard library only.  One small interface (:class:`Executor`),
so the runner treats every strategy alike; each strategy lives in its own
module of :mod:`bench.measure.strategies`, named as :mod:`bench.vocabulary`
names it, and registers its class with :func:`register` when imported.
:func:`make_executor` imports a strategy's module only when a cell needs it.

Each measures one pass the way the talk did, with the pool's start-up and
shut-down inside the wall time, and also records start-up on its own.

Clock: every timestamp is ``time.perf_counter()``.  On Linux it reads
``CLOCK_MONOTONIC`` (on macOS ``mach_absolute_time``, on Windows
``QueryPerformanceCounter``), a system-wide clock, so task start times taken in
pool worker processes are comparable with the parent's; ``tests`` check this.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import wait
from dataclasses import dataclass
from typing import Any, Callable, Optional, TypeVar

from bench.measure.workloads import Task
from bench.vocabulary import STRATEGY_NAMES

TaskTiming = tuple[float, float, int, int]
"""(start perf_counter, duration s, process id, thread id) as measured inside the worker."""

STRATEGIES_PACKAGE = "bench.measure.strategies"


class Unsupported(Exception):
    """This strategy cannot run here, or cannot run this workload: the cell's status, with the reason."""


class Cancelled(Exception):
    """A task was cancelled (an event loop's coroutine): the cell fails with "cancelled" as its reason."""


_PID = os.getpid()


def _refresh_pid() -> None:
    global _PID  # noqa: PLW0603 (cached so the hot path makes no system call)
    _PID = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_refresh_pid)


clock = time.perf_counter
"""The one clock every strategy times with."""
_clock = clock
_thread_id = threading.get_ident


def timed_call(task: Task) -> TaskTiming:
    """Run one task and time it; the only code between the two clock reads is the task.

    Module-level aliases and tuple unpacking keep the per-task cost to about
    two clock reads (free-threaded 3.13 does not specialise attribute loads).
    """
    _, function, argument = task
    start = _clock()
    function(argument)
    end = _clock()
    return start, end - start, _PID, _thread_id()


def _ready(_: int) -> int:
    """A no-op sent to each worker once, so pool start-up can be timed on its own."""
    return _PID


def current_worker() -> tuple[int, int]:
    """(process id, thread id) of the caller, as :func:`timed_call` records them."""
    return _PID, _thread_id()


@dataclass
class Pass:
    """One measured pass over the task list (the result file calls what it keeps of one a repetition)."""

    started: float  # perf_counter before the pool was created
    wall_s: float
    pool_startup_s: float
    records: list[TaskTiming]
    shutdown_s: float = 0.0  # from the last result to the pool's exit (its workers joined)
    workers_peak_rss: int = 0  # bytes: the peaks of a process pool's workers, summed (read before they exit)
    warmup_s: tuple[float, ...] = ()  # warm-up passes run inside this pool, left out of wall_s (see WarmUp)
    warmup_cpu_s: float = 0.0  # the CPU time those warm-up passes took, left out of the pass's CPU time


@dataclass(frozen=True)
class WarmUp:
    """Warm-up passes inside a pool whose workers are new in every pass (processes, subinterpreters).

    They run after the pool's start-up and before the measured tasks, every worker its own share, and their
    time is left out of the pass: the measured tasks then run in warm workers (a JIT's traces, specialised
    bytecode, imports), as the serial cell's do, while start-up and shut-down stay in the wall time.
    """

    tasks: tuple[Task, ...]
    passes: int
    until_steady: bool = False  # --warmup auto: stop once a pass is no more than ``tolerance`` faster
    tolerance: float = 0.02

    def share(self, worker: int, workers: int) -> list[Task]:
        """Worker ``worker``'s tasks of one pass (every worker gets at least one when there are enough)."""
        return list(self.tasks[worker::workers])

    def run(self, one_pass: Callable[[], float]) -> tuple[tuple[float, ...], float]:
        """Runs ``one_pass`` as often as the setting says: each pass's wall time, and the CPU time the passes
        took (this process's, plus what ``one_pass`` returns: its workers' in other processes), which the
        measured pass's CPU time must not include."""
        walls: list[float] = []
        cpu_before = time.process_time()
        elsewhere = 0.0
        for _ in range(self.passes):
            begun = _clock()
            elsewhere += one_pass()
            walls.append(round(_clock() - begun, 6))
            if self.until_steady and len(walls) > 1 and walls[-1] >= walls[-2] * (1 - self.tolerance):
                break
        return tuple(walls), time.process_time() - cpu_before + elsewhere


class Executor:
    """Runs a task list with ``workers`` workers and times it.  The default :meth:`run` drives a
    ``concurrent.futures`` pool made by :meth:`make_pool`; a strategy without one overrides :meth:`run`."""

    name = "executor"

    def __init__(self, start_method: str = "fork", chunksize: int = 1) -> None:
        self.start_method = start_method
        self.chunksize = chunksize
        self.warm: Optional[WarmUp] = None  # set by the cell for strategies whose workers are new in every pass

    def run(self, tasks: list[Task], workers: int) -> Pass:
        started = time.perf_counter()
        with self.make_pool(workers) as pool:
            wait([pool.submit(_ready, index) for index in range(workers)])
            startup = time.perf_counter() - started
            warmups, warm_cpu = self.warm.run(lambda: self.warm_pool(pool, workers)) if self.warm else ((), 0.0)
            resumed = time.perf_counter()  # the pass's clock stops over the warm-up: started moves by its length
            records = list(pool.map(timed_call, tasks, **self.map_options()))
            done = time.perf_counter()
            workers_peak = self.workers_peak_rss(pool)  # not the workload: kept out of the wall time below
            read = time.perf_counter()
        shutdown = time.perf_counter() - read
        origin = resumed - startup
        return Pass(origin, done - origin + shutdown, startup, records, shutdown, workers_peak, warmups, warm_cpu)

    def warm_pool(self, pool: FuturesExecutor, workers: int) -> float:
        """One warm-up pass inside ``pool`` (:class:`WarmUp`), and the CPU time its workers took in other processes;
        this default lets the pool hand the tasks out (threads: this process's own CPU time counts them)."""
        assert self.warm is not None
        list(pool.map(timed_call, self.warm.tasks))
        return 0.0

    def workers_peak_rss(self, pool: FuturesExecutor) -> int:
        """Bytes held at peak by the pool's own worker processes (none for threads)."""
        return 0

    def make_pool(self, workers: int) -> FuturesExecutor:
        raise NotImplementedError

    def map_options(self) -> dict[str, Any]:
        return {}


REGISTRY: dict[str, type[Executor]] = {}
"""Strategy name -> its executor class, filled as each strategy's module is imported."""

E = TypeVar("E", bound=type[Executor])


def register(cls: E) -> E:
    """Class decorator: make ``cls`` the implementation of the strategy ``cls.name`` (listed in the vocabulary)."""
    if cls.name not in STRATEGY_NAMES:
        raise ValueError(f"strategy {cls.name!r} is not listed in bench.vocabulary.STRATEGIES")
    REGISTRY[cls.name] = cls
    return cls


def implementation(name: str) -> type[Executor]:
    """The registered class of strategy ``name``, importing its module on first use."""
    if name not in REGISTRY:
        importlib.import_module(f"{STRATEGIES_PACKAGE}.{name}")
    return REGISTRY[name]


def make_executor(name: str, start_method: str, chunksize: int = 1) -> Executor:
    factory: Callable[..., Executor] = implementation(name)
    return factory(start_method=start_method, chunksize=chunksize)
