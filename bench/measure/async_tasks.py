"""The waiting tasks as coroutines, for the ``asyncio`` strategy: ``asyncio.sleep``, and a page download with
gilbench's own HTTP/1.1 client over asyncio streams (:mod:`bench.measure.http_client`), the client the
``io-stdlib`` and ``mixed-stdlib`` workloads' threads use over a blocking socket.

Guest code: standard library only.  The talk's ``requests`` client has no asyncio variant: ``io`` and ``mixed``
are refused under an event loop (:func:`bench.measure.workloads.check_strategies`), so threads and asyncio are
only ever compared downloading with the same client.

The CPU tasks have no variant: a coroutine that calls them blocks the loop,
which is what happens when people call them from a coroutine.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Optional

from bench.measure import http_client
from bench.measure.http_client import Connections
from bench.measure.tasks import sleep

__all__ = ["Connections", "async_variant"]


async def async_sleep(seconds: float, slot: int, connections: Connections) -> float:
    await asyncio.sleep(seconds)
    return seconds


async def async_download(url: str, slot: int, connections: Connections) -> int:
    return await connections.download(url, slot)


AsyncVariant = Callable[[Any, int, Connections], Awaitable[Any]]


def async_variant(function: Callable[..., Any]) -> Optional[AsyncVariant]:
    """The coroutine that does ``function``'s waiting the asyncio way, if it waits; None for CPU tasks."""
    if function is sleep:
        return async_sleep
    if function is http_client.download:
        return async_download
    return None
