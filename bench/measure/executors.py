"""Strategies that run a task list: serial, a thread pool, a process pool, subinterpreters.

Guest code: standard library only.  One small interface (:class:`Executor`)
so the runner treats every strategy alike; each measures one repetition the
way the talk did, with the pool's start-up and shut-down inside the wall
time, and also records start-up on its own.

Clock: every timestamp is ``time.perf_counter()``.  On Linux it reads
``CLOCK_MONOTONIC`` (on macOS ``mach_absolute_time``, on Windows
``QueryPerformanceCounter``), a system-wide clock, so task start times taken in
pool worker processes are comparable with the parent's; ``tests`` check this.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable

from bench.measure.memory import peak_rss_bytes
from bench.measure.workloads import Task

TaskRecord = tuple[float, float, int, int]
"""(start perf_counter, duration s, process id, thread id) as measured inside the worker."""

_PID = os.getpid()


def _refresh_pid() -> None:
    global _PID  # noqa: PLW0603 (cached so the hot path makes no system call)
    _PID = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_refresh_pid)


_clock = time.perf_counter
_thread_id = threading.get_ident


def timed_call(task: Task) -> TaskRecord:
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


@dataclass
class Repetition:
    """One measured pass over the task list."""

    started: float  # perf_counter before the pool was created
    wall_s: float
    pool_startup_s: float
    records: list[TaskRecord]
    shutdown_s: float = 0.0  # from the last result to the pool's exit (its workers joined)
    workers_peak_rss: int = 0  # bytes: the peaks of a process pool's workers, summed (read before they exit)


class Executor:
    """Runs a task list with ``workers`` workers and times it."""

    name = "executor"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name}

    def run(self, tasks: list[Task], workers: int) -> Repetition:
        started = time.perf_counter()
        with self.make_pool(workers) as pool:
            wait([pool.submit(_ready, index) for index in range(workers)])
            startup = time.perf_counter() - started
            records = list(pool.map(timed_call, tasks, **self.map_options()))
            done = time.perf_counter()
            workers_peak = self.workers_peak_rss(pool)  # not the workload: kept out of the wall time below
            read = time.perf_counter()
        shutdown = time.perf_counter() - read
        return Repetition(started, done - started + shutdown, startup, records, shutdown, workers_peak)

    def workers_peak_rss(self, pool: FuturesExecutor) -> int:
        """Bytes held at peak by the pool's own worker processes (none for threads)."""
        return 0

    def make_pool(self, workers: int) -> FuturesExecutor:
        raise NotImplementedError

    def map_options(self) -> dict[str, Any]:
        return {}


class SerialExecutor(Executor):
    """The calling thread, no pool: the baseline every speed-up is relative to."""

    name = "serial"

    def run(self, tasks: list[Task], workers: int) -> Repetition:
        clock = _clock
        timings: list[tuple[float, float]] = []
        record = timings.append
        started = clock()
        for _, function, argument in tasks:  # timed_call inlined: one call less per task
            start = clock()
            function(argument)
            end = clock()
            record((start, end - start))
        wall = clock() - started
        pid, thread = _PID, _thread_id()
        return Repetition(started, wall, 0.0, [(start, duration, pid, thread) for start, duration in timings])


class ThreadsExecutor(Executor):
    """``concurrent.futures.ThreadPoolExecutor``: the talk's thread pool."""

    name = "threads"

    def make_pool(self, workers: int) -> FuturesExecutor:
        return ThreadPoolExecutor(max_workers=workers)


class _ProcessPool(ProcessPoolExecutor):
    """``ProcessPoolExecutor``, repaired where Debian's PyPy 3.9 broke it.

    That PyPy renamed ``_adjust_process_count`` to ``_adjust_process_count_cpython``
    but still calls the old name for the spawn and forkserver start methods.
    """

    if not hasattr(ProcessPoolExecutor, "_adjust_process_count") and hasattr(
        ProcessPoolExecutor, "_adjust_process_count_cpython"
    ):
        _adjust_process_count = ProcessPoolExecutor._adjust_process_count_cpython  # type: ignore[attr-defined]


class ProcessesExecutor(Executor):
    """``concurrent.futures.ProcessPoolExecutor`` with an explicit start method.

    A worker that dies (killed, segfault) raises ``BrokenProcessPool`` instead of
    hanging, which is why this, not ``multiprocessing.Pool``, is used.
    """

    name = "processes"

    def __init__(self, start_method: str, chunksize: int = 1) -> None:
        self.start_method = start_method
        self.chunksize = chunksize

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "start_method": self.start_method, "chunksize": self.chunksize}

    def make_pool(self, workers: int) -> FuturesExecutor:
        return _ProcessPool(max_workers=workers, mp_context=multiprocessing.get_context(self.start_method))

    def workers_peak_rss(self, pool: FuturesExecutor) -> int:
        """Each worker's peak resident memory, read while it is still alive, summed."""
        processes = getattr(pool, "_processes", None) or {}
        return sum(peak_rss_bytes(pid) or 0 for pid in list(processes))

    def map_options(self) -> dict[str, Any]:
        """``chunksize`` tasks per hand-over: 1 (the default, as the talk ran) sends each task on its own."""
        return {"chunksize": self.chunksize}


def start_methods() -> list[str]:
    return list(multiprocessing.get_all_start_methods())


def default_start_method() -> str:
    """``fork`` where it exists (the talk ran on Linux, where it was the default), else ``spawn``."""
    return "fork" if "fork" in start_methods() and sys.platform != "darwin" else "spawn"


def _interpreters(start_method: str, chunksize: int) -> Executor:
    from bench.measure.subinterpreters import InterpretersExecutor  # it builds on this module

    return InterpretersExecutor()


EXECUTORS: dict[str, Callable[[str, int], Executor]] = {
    "serial": lambda start_method, chunksize: SerialExecutor(),
    "threads": lambda start_method, chunksize: ThreadsExecutor(),
    "processes": ProcessesExecutor,
    "interpreters": _interpreters,
}


def make_executor(name: str, start_method: str, chunksize: int = 1) -> Executor:
    return EXECUTORS[name](start_method, chunksize)
