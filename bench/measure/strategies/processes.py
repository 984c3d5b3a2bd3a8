"""``processes``: ``concurrent.futures.ProcessPoolExecutor`` with an explicit start method and chunk size.

Guest code: standard library only.  A worker that dies (killed, segfault)
raises ``BrokenProcessPool`` instead of hanging, which is why this, not
``multiprocessing.Pool``, is used.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import ProcessPoolExecutor, wait
from typing import Any, Optional

from bench.measure.memory import peak_rss_bytes
from bench.measure.strategy import Executor, register, timed_call
from bench.measure.workloads import Task

BARRIER_TIMEOUT_S = 600.0
"""How long a worker waits for the others at a warm-up's start (a dead one breaks the pool first)."""

_barrier: Optional[Any] = None  # a multiprocessing Barrier
"""In a pool worker: the pool's barrier, so that each warm-up share goes to a different worker."""


def _keep_barrier(barrier: Any) -> None:
    global _barrier  # noqa: PLW0603 (the pool's initializer: one per worker process)
    _barrier = barrier


def _warm_share(tasks: list[Task]) -> float:
    """One worker's share of a warm-up pass: it waits until every worker holds a share, then runs its own;
    returns the CPU time it took."""
    if _barrier is not None:
        _barrier.wait(BARRIER_TIMEOUT_S)
    begun = time.process_time()
    for task in tasks:
        timed_call(task)
    return time.process_time() - begun


class _ProcessPool(ProcessPoolExecutor):
    """``ProcessPoolExecutor``, repaired where Debian's PyPy 3.9 broke it.

    That PyPy renamed ``_adjust_process_count`` to ``_adjust_process_count_cpython``
    but still calls the old name for the spawn and forkserver start methods.
    """

    if not hasattr(ProcessPoolExecutor, "_adjust_process_count") and hasattr(
        ProcessPoolExecutor, "_adjust_process_count_cpython"
    ):
        _adjust_process_count = ProcessPoolExecutor._adjust_process_count_cpython  # type: ignore[attr-defined]


@register
class ProcessesExecutor(Executor):
    name = "processes"

    def make_pool(self, workers: int) -> FuturesExecutor:
        context = multiprocessing.get_context(self.start_method)
        if self.warm is None:
            return _ProcessPool(max_workers=workers, mp_context=context)
        barrier = context.Barrier(workers)  # inherited by each worker as it starts (not sent with a task)
        return _ProcessPool(max_workers=workers, mp_context=context, initializer=_keep_barrier, initargs=(barrier,))

    def warm_pool(self, pool: FuturesExecutor, workers: int) -> float:
        """Every worker its own share (the barrier keeps a worker from taking two); their CPU time, summed."""
        assert self.warm is not None
        shares = [pool.submit(_warm_share, self.warm.share(worker, workers)) for worker in range(workers)]
        return sum(future.result() for future in wait(shares).done)

    def workers_peak_rss(self, pool: FuturesExecutor) -> int:
        """Each worker's peak resident memory, read while it is still alive, summed."""
        processes = getattr(pool, "_processes", None) or {}
        return sum(peak_rss_bytes(pid) or 0 for pid in list(processes))

    def map_options(self) -> dict[str, Any]:
        """``chunksize`` tasks per hand-over (1 sends each task on its own)."""
        return {"chunksize": self.chunksize}


def start_methods() -> list[str]:
    return list(multiprocessing.get_all_start_methods())


def default_start_method() -> str:
    """``fork`` where it exists (the talk ran on Linux, where it was the default), else ``spawn``."""
    return "fork" if "fork" in start_methods() and sys.platform != "darwin" else "spawn"
