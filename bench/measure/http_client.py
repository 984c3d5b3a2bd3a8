"""gilbench's standard-library HTTP/1.1 client: one response parser, driven by a blocking socket (threads,
processes, serial) and by asyncio streams (an event loop), so threads and asyncio download with the same work.

Guest code: standard library only, Python >= 3.9.  Why a client of our own: the talk's ``requests`` has no
asyncio API, and aiohttp and httpx's async side bring compiled extensions that must each support free threading
or turn the GIL back on in 3.13t (and do not install on PyPy 3.9 without building).  A strategy comparison
between threads and an event loop must not credit one of them with a lighter client, so both transports here
do the same steps: write one request, then read the socket in chunks of :data:`CHUNK` bytes and feed each to
:class:`Response` until the body is complete.  Each keeps one keep-alive connection per worker (a thread, or a
task's in-flight slot), as ``requests`` keeps one ``Session`` per thread, and opens it again once if the server
closed it while idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Optional
from urllib.parse import urlsplit

CHUNK = 65536
"""Bytes asked for per read, by both transports."""
_HEAD_END = b"\r\n\r\n"


class Response:
    """One response, parsed as its bytes arrive (no I/O here: both transports feed it)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.buffer = bytearray()
        self.body_start = -1
        self.length = 0
        self.status = 0

    def feed(self, data: bytes) -> bool:
        """Take the next bytes read; True once the body is complete.  An empty read (the server closed the
        connection) before that is a :class:`ConnectionError`."""
        if not data:
            raise ConnectionError(f"the server closed the connection during the response to {self.url}")
        self.buffer += data
        if self.body_start < 0:
            end = self.buffer.find(_HEAD_END)
            if end < 0:
                return False
            self._head(bytes(self.buffer[:end]))
            self.body_start = end + len(_HEAD_END)
        return len(self.buffer) - self.body_start >= self.length

    def _head(self, head: bytes) -> None:
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split(" ", 2)[1])
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                self.length = int(value.strip())

    def body_length(self) -> int:
        """The body's length, once complete; an HTTP error status is an :class:`OSError` naming the page."""
        if self.status >= 400:
            raise OSError(f"HTTP {self.status} for {self.url}")
        return min(self.length, len(self.buffer) - self.body_start)


def request(url: str) -> tuple[str, int, bytes]:
    """The host, port and bytes of a keep-alive GET of ``url`` (http:// only: the page server is plain HTTP)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"gilbench's HTTP client downloads http:// pages only, not {url!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    message = f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: keep-alive\r\n\r\n"
    return parts.hostname, parts.port or 80, message.encode("ascii")


# --- the blocking transport: one connection per thread --------------------------------------------------------

_thread_local = threading.local()


def _connections() -> dict[tuple[str, int], socket.socket]:
    found: Optional[dict[tuple[str, int], socket.socket]] = getattr(_thread_local, "connections", None)
    if found is None:
        found = _thread_local.connections = {}
    return found


def _connection(host: str, port: int) -> socket.socket:
    """This thread's connection to ``host:port``, opened on first use."""
    opened = _connections()
    found = opened.get((host, port))
    if found is None:
        found = socket.create_connection((host, port))
        found.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as asyncio sets on its TCP sockets
        opened[(host, port)] = found
    return found


def _drop_connection(host: str, port: int) -> None:
    found = _connections().pop((host, port), None)
    if found is not None:
        found.close()


def download(url: str) -> int:
    """Fetch a page over this thread's connection with a blocking socket; how many body bytes were read."""
    host, port, message = request(url)
    for attempt in (1, 2):
        connection = _connection(host, port)
        response = Response(url)
        try:
            connection.sendall(message)
            while not response.feed(connection.recv(CHUNK)):
                pass
            return response.body_length()
        except ConnectionError:
            _drop_connection(host, port)
            if attempt == 2 or response.buffer:
                raise
    raise AssertionError("unreachable")


# --- the asyncio transport: one connection per task in flight -------------------------------------------------


class Connections:
    """One keep-alive connection per slot (a task in flight) and server, opened on first use and closed by
    :meth:`close`."""

    def __init__(self) -> None:
        self.open: dict[tuple[int, str, int], tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}

    async def download(self, url: str, slot: int) -> int:
        """Fetch a page over this slot's connection with asyncio streams; how many body bytes were read."""
        host, port, message = request(url)
        for attempt in (1, 2):
            reader, writer = await self._connection(host, port, slot)
            response = Response(url)
            try:
                writer.write(message)
                await writer.drain()
                while not response.feed(await reader.read(CHUNK)):
                    pass
                return response.body_length()
            except ConnectionError:
                self.open.pop((slot, host, port), None)
                writer.close()
                if attempt == 2 or response.buffer:
                    raise
        raise AssertionError("unreachable")

    async def _connection(self, host: str, port: int, slot: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        found = self.open.get((slot, host, port))
        if found is None:
            found = await asyncio.open_connection(host, port)
            self.open[(slot, host, port)] = found
        return found

    async def close(self) -> None:
        for _, writer in self.open.values():
            writer.close()
        for _, writer in self.open.values():
            with contextlib.suppress(ConnectionError, OSError):  # the server may have closed it first
                await writer.wait_closed()
        self.open.clear()
