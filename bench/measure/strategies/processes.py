"""``processes``: ``concurrent.futures.ProcessPoolExecutor`` with an explicit start method and chunk size.

Guest code: standard library only.  A worker that dies (killed, segfault)
raises ``BrokenProcessPool`` instead of hanging, which is why this, not
``multiprocessing.Pool``, is used.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bench.measure.memory import peak_rss_bytes
from bench.measure.strategy import Executor, register


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
        return _ProcessPool(max_workers=workers, mp_context=multiprocessing.get_context(self.start_method))

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
