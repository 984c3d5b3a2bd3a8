"""The embedded IO server: pages after a fixed latency, on 127.0.0.1 only.

It always runs in its own process (``python -m bench serve``), never inside a
measured interpreter, where its threads would compete for that process's GIL.
Written with the standard library only so the runner can start one itself
when no ``--server-url`` is given.

Each response leaves in a single ``sendall`` with ``TCP_NODELAY`` set, so a
keep-alive request never waits ~40 ms on Nagle's algorithm meeting the
client's delayed ACK; one thread per connection keeps 64+ concurrent
keep-alive clients from queueing behind each other.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.errors import EXIT_USAGE

LOOPBACK = "127.0.0.1"
DEFAULT_LATENCY_MS = 50.0
DEFAULT_SIZE = 20_000
MAX_LATENCY_MS = 60_000.0
MAX_SIZE = 64 * 1024 * 1024  # a page is built in memory once; 3 GB would take minutes before the URL appears
IDLE_TIMEOUT_S = 30.0
HEAD_TIMEOUT_S = 30.0
"""From waiting for a request to having its whole head: a client dripping one byte every 10 s is cut off here
(a per-read timeout alone would let it hold its connection and thread for ever)."""
MAX_CONNECTIONS = 512
"""Open connections served at once (a thread each), above any client count a preset or benchmark uses (at most
a few dozen); past it, new connections are closed at once and one line says so."""
INFO_PATH = "/info"
"""GET this path for the server's settings as JSON ({"latency_ms", "page_bytes"}), answered at once."""


class PageHandler(BaseHTTPRequestHandler):
    """Answers any GET with ``size`` bytes after ``latency`` seconds, keep-alive."""

    protocol_version = "HTTP/1.1"
    server: PageServer
    timeout = IDLE_TIMEOUT_S  # a keep-alive connection idle this long (its client frozen or gone) is closed

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.head_reader = _HeadDeadline(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self.head_reader)

    def handle_one_request(self) -> None:
        self.head_reader.deadline = time.monotonic() + self.server.head_timeout_s
        super().handle_one_request()

    def parse_request(self) -> bool:
        parsed = super().parse_request()  # the head is read: no deadline for answering it
        self.head_reader.deadline = None
        self.connection.settimeout(self.timeout)
        return parsed

    def do_GET(self) -> None:
        if self.path == INFO_PATH:  # what the runner records of this server: no latency, not a page
            self._send(json.dumps(self.server.info).encode("ascii"), "application/json")
            return
        if self.server.latency_s > 0:
            time.sleep(self.server.latency_s)
        self._send(self.server.body, "text/html; charset=utf-8")
        self.server.count_request()

    def _send(self, body: bytes, content_type: str) -> None:
        head = (
            "HTTP/1.1 200 OK\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n"
            "\r\n"
        ).encode("ascii")
        self.wfile.write(head + body)

    def do_HEAD(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging: it would cost more than the request."""


class _HeadDeadline(io.RawIOBase):
    """The connection's reads, each given only the time left until the request head's deadline."""

    def __init__(self, connection: socket.socket, idle_s: float) -> None:
        self.connection = connection
        self.idle_s = idle_s  # no read waits longer than the idle timeout either
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("the request head took too long")  # handle_one_request closes the connection
            self.connection.settimeout(min(left, self.idle_s))
        return self.connection.recv_into(buffer)


class PageServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    head_timeout_s = HEAD_TIMEOUT_S
    max_connections = MAX_CONNECTIONS
    open_connections: int
    said_full: bool
    _count_lock: threading.Lock

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection, unless :data:`MAX_CONNECTIONS` are open: then it is closed at once."""
        with self._count_lock:
            full = self.open_connections >= self.max_connections
            if not full:
                self.open_connections += 1
            elif not self.said_full:
                sys.stderr.write(
                    f"page server: {self.open_connections} connections open, the cap; closing new ones until some end\n"
                )
                sys.stderr.flush()
            self.said_full = full
        if full:
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._count_lock:
                self.open_connections -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that resets or drops its connection (a killed cell, a timed-out one) is normal here: silent.
        Anything else is a bug worth the default traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def __init__(self, port: int, latency_s: float, size: int) -> None:
        super().__init__((LOOPBACK, port), PageHandler)
        self.latency_s = latency_s
        self.body = make_page(size)
        self.info = {"latency_ms": latency_s * 1000.0, "page_bytes": size}
        self.requests_served = 0
        self.open_connections = 0
        self.said_full = False
        self._count_lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}/"

    def count_request(self) -> None:
        with self._count_lock:
            self.requests_served += 1


def make_page(size: int) -> bytes:
    """An HTML page of exactly ``size`` bytes."""
    head = b"<!doctype html><html><body><pre>"
    tail = b"</pre></body></html>\n"
    filler = max(0, size - len(head) - len(tail))
    page = head + (b"gilbench " * (filler // 9 + 1))[:filler] + tail
    return page[:size] if size < len(head) + len(tail) else page


def _exit_when_parent_dies(parent_pid: int, server: PageServer) -> None:
    """Stop with the process that started us, even if it was killed and could not tell us."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            server.shutdown()
            return
        except PermissionError:
            continue


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``python -m bench serve``."""
    parser.add_argument(
        "--latency-ms", type=float, default=DEFAULT_LATENCY_MS, help="delay before each response (default 50)"
    )
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="bytes per page (default 20000)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--parent-pid", type=int, default=None, help="exit when this process exits")
    parser.add_argument(
        "--head-timeout",
        type=float,
        default=HEAD_TIMEOUT_S,
        help=f"seconds a request's head may take (default {HEAD_TIMEOUT_S:g})",
    )


def check_options(latency_ms: float, size: int, port: int) -> str | None:
    if not 0 <= latency_ms <= MAX_LATENCY_MS:
        return f"--latency-ms {latency_ms}: expected a number of milliseconds from 0 to {MAX_LATENCY_MS:g}"
    if not 1 <= size <= MAX_SIZE:
        return f"--size {size}: expected a number of bytes from 1 to {MAX_SIZE} (64 MiB)"
    if not 0 <= port <= 65535:
        return f"--port {port}: expected 0 (any free port) to 65535"
    return None


def serve(
    latency_ms: float, size: int, port: int, parent_pid: int | None, head_timeout_s: float = HEAD_TIMEOUT_S
) -> int:
    problem = check_options(latency_ms, size, port) or (
        None if 0 < head_timeout_s <= 3600 else f"--head-timeout {head_timeout_s}: expected seconds above 0, up to 3600"
    )
    if problem:
        sys.stderr.write(f"gilbench: error: {problem}\n")
        return EXIT_USAGE
    try:
        server = PageServer(port, latency_ms / 1000.0, size)
        server.head_timeout_s = head_timeout_s
    except OSError as exc:
        sys.stderr.write(f"gilbench: error: cannot listen on {LOOPBACK}:{port}: {exc.strerror}\n")
        return EXIT_USAGE
    if parent_pid:
        threading.Thread(target=_exit_when_parent_dies, args=(parent_pid, server), daemon=True).start()
    print(server.url, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


class ServerProcess:
    """A page server in a child process; a context manager that always stops it."""

    def __init__(
        self,
        python: str = sys.executable,
        latency_ms: float = DEFAULT_LATENCY_MS,
        size: int = DEFAULT_SIZE,
        startup_timeout_s: float = 20.0,
    ) -> None:
        self.process = subprocess.Popen(
            [
                python,
                "-m",
                "bench",
                "serve",
                "--latency-ms",
                str(latency_ms),
                "--size",
                str(size),
                "--parent-pid",
                str(os.getpid()),
            ],
            stdout=subprocess.PIPE,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
        self.url = self._first_line(startup_timeout_s)
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the page server did not start within {startup_timeout_s:.0f}s")

    def _first_line(self, timeout_s: float) -> str:
        """The server's first line (its URL), or "" after ``timeout_s``.  Waited for with ``select``, not a
        thread: on free-threaded 3.13 a runner that ever started a thread would change how the workloads
        imported after it scale (see :mod:`bench.measure.cell`)."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout_s
        line = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in line and time.monotonic() < deadline:
                if selector.select(max(0.0, deadline - time.monotonic())):
                    chunk = os.read(self.process.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    line += chunk
        return line.partition(b"\n")[0].decode("ascii", "replace").strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
