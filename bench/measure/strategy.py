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
from typing import Any, Callable, TypeVar

from bench.measure.workloads import Task
from bench.vocabulary import STRATEGY_NAMES

TaskTiming = tuple[float, float, int, int]
"""(start perf_counter, duration s, process id, thread id) as measured inside the worker."""

STRATEGIES_PACKAGE = "bench.measure.strategies"


class Unsupported(Exception):
    """This strategy cannot run here, or cannot run this workload: the cell's status, with the reason."""


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


class Executor:
    """Runs a task list with ``workers`` workers and times it.  The default :meth:`run` drives a
    ``concurrent.futures`` pool made by :meth:`make_pool`; a strategy without one overrides :meth:`run`."""

    name = "executor"

    def __init__(self, start_method: str = "fork", chunksize: int = 1) -> None:
        self.start_method = start_method
        self.chunksize = chunksize

    def run(self, tasks: list[Task], workers: int) -> Pass:
        started = time.perf_counter()
        with self.make_pool(workers) as pool:
            wait([pool.submit(_ready, index) for index in range(workers)])
            startup = time.perf_counter() - started
            records = list(pool.map(timed_call, tasks, **self.map_options()))
            done = time.perf_counter()
            workers_peak = self.workers_peak_rss(pool)  # not the workload: kept out of the wall time below
            read = time.perf_counter()
        shutdown = time.perf_counter() - read
        return Pass(started, done - started + shutdown, startup, records, shutdown, workers_peak)

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
