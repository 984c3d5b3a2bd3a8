"""``offload``: the ``asyncio`` strategy with the built-in CPU tasks sent to ``asyncio.to_thread``'s executor.

Guest code: standard library only.  One event loop, N tasks in flight, as
``asyncio``; ``cpu``, ``objects``, ``hash`` and mixed's cpu tasks run in a
thread pool of N threads made with the loop (what ``asyncio.to_thread`` uses),
so they stop blocking the loop; on a free-threaded build they also run in
parallel.  Waiting tasks and a user's coroutines run as under ``asyncio``.
"""

from __future__ import annotations

from bench.measure.strategies.asyncio import AsyncioExecutor
from bench.measure.strategy import register


@register
class OffloadExecutor(AsyncioExecutor):
    name = "offload"
    offload = True
