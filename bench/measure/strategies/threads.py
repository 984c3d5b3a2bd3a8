"""``threads``: ``concurrent.futures.ThreadPoolExecutor``, the talk's thread pool.

Guest code: standard library only.
"""

from __future__ import annotations

from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import ThreadPoolExecutor

from bench.measure.strategy import Executor, register


@register
class ThreadsExecutor(Executor):
    name = "threads"

    def make_pool(self, workers: int) -> FuturesExecutor:
        return ThreadPoolExecutor(max_workers=workers)
