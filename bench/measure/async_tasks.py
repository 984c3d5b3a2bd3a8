"""The waiting tasks as coroutines, for the ``asyncio`` strategy: ``asyncio.sleep`` and a page download over the
standard library's asyncio streams.

Guest code: standard library only.  Why no async HTTP client: aiohttp and
httpx's async side bring compiled extensions (aiohttp's ``_http_parser``,
``frozenlist``, ``yarl``, ``multidict``) that must each support free
threading or they turn the GIL back on in 3.13t, and none installs on PyPy
3.9 without building; a GET of a known page over a keep-alive HTTP/1.1
connection is 40 lines of stdlib.  As the thread version keeps one
``requests.Session`` per thread, this keeps one connection per task in flight
(its *slot*), so N in flight open N connections, reused from task to task.

The CPU tasks have no variant: a coroutine that calls them blocks the loop,
which is what happens when people call them from a coroutine.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import urlsplit

from bench.measure.tasks import sleep

_HEAD_END = b"\r\n\r\n"


class Connections:
    """One keep-alive connection per slot (a task in flight), opened on first use and closed by :meth:`close`."""

    def __init__(self) -> None:
        self.open: dict[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}

    async def get(self, url: str, slot: int) -> int:
        """GET ``url`` on this slot's connection; the body's length.  A connection the server closed (its idle
        timeout) is opened again once."""
        for attempt in (1, 2):
            reader, writer = await self._connection(url, slot)
            try:
                return await _fetch(reader, writer, url)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.open.pop(slot, None)
                writer.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _connection(self, url: str, slot: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        found = self.open.get(slot)
        if found is None:
            parts = urlsplit(url)
            if parts.scheme != "http":
                raise ValueError(f"the asyncio io task downloads http:// pages only, not {url!r}")
            found = await asyncio.open_connection(parts.hostname, parts.port or 80)
            self.open[slot] = found
        return found

    async def close(self) -> None:
        for _, writer in self.open.values():
            writer.close()
        for _, writer in self.open.values():
            with contextlib.suppress(ConnectionError, OSError):  # the server may have closed it first
                await writer.wait_closed()
        self.open.clear()


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, url: str) -> int:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: keep-alive\r\n\r\n".encode("ascii"))
    await writer.drain()
    head = await reader.readuntil(_HEAD_END)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length)
    if status >= 400:
        raise OSError(f"HTTP {status} for {url}")
    return len(body)


async def async_sleep(seconds: float, slot: int, connections: Connections) -> float:
    await asyncio.sleep(seconds)
    return seconds


async def async_download(url: str, slot: int, connections: Connections) -> int:
    return await connections.get(url, slot)


AsyncVariant = Callable[[Any, int, Connections], Awaitable[Any]]


def async_variant(function: Callable[..., Any]) -> Optional[AsyncVariant]:
    """The coroutine that does ``function``'s waiting the asyncio way, if it waits; None for CPU tasks."""
    if function is sleep:
        return async_sleep
    if getattr(function, "__name__", "") == "download" and function.__module__ == "bench.measure.downloads":
        return async_download  # compared by name: importing downloads here would import requests for every cell
    return None
