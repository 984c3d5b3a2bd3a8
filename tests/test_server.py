"""The embedded page server: loopback only, exact pages, keep-alive, 64 concurrent clients, clean exit."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from bench.server import ServerProcess
from tests.conftest import ROOT, run_bench


def test_serves_pages_of_the_asked_size_on_loopback() -> None:
    with ServerProcess(latency_ms=1, size=12_345) as server:
        parts = urlsplit(server.url)
        assert parts.hostname == "127.0.0.1" and parts.port
        response = requests.get(server.url + "page/3", timeout=10)
        assert response.status_code == 200
        assert len(response.content) == 12_345
        assert response.headers["Connection"] == "keep-alive"


def test_one_connection_serves_many_requests() -> None:
    """Keep-alive: several requests, one TCP connection (the server sees one client port)."""
    with ServerProcess(latency_ms=1) as server:
        parts = urlsplit(server.url)
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
            stream = connection.makefile("rb")
            for _ in range(3):
                connection.sendall(b"GET /page/0 HTTP/1.1\r\nHost: x\r\n\r\n")
                status = stream.readline()
                assert status.startswith(b"HTTP/1.1 200")
                length = 0
                while (line := stream.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                assert len(stream.read(length)) == 20_000


def test_sixty_four_concurrent_keep_alive_clients_are_all_served() -> None:
    with ServerProcess(latency_ms=20) as server:
        failures: list[BaseException] = []
        served = []

        def client() -> None:
            try:
                with requests.Session() as session:
                    for _ in range(3):
                        served.append(len(session.get(server.url, timeout=30).content))
            except BaseException as exc:  # collected and reported by the test
                failures.append(exc)

        threads = [threading.Thread(target=client) for _ in range(64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert failures == []
        assert served == [20_000] * 192


def test_server_stops_when_its_parent_dies() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from bench.server import ServerProcess; "
            "s = ServerProcess(); print(s.process.pid, flush=True); time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{server_pid}/status") as status:
                if "State:\tZ" in status.read():
                    break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the page server outlived the process that started it")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "0"], "gilbench: error: --size 0: expected a number of bytes from 1 to 67108864 (64 MiB)"),
        (
            ["--size", "3000000000"],
            "gilbench: error: --size 3000000000: expected a number of bytes from 1 to 67108864 (64 MiB)",
        ),
        (
            ["--latency-ms", "-5"],
            "gilbench: error: --latency-ms -5.0: expected a number of milliseconds from 0 to 60000",
        ),
        (
            ["--latency-ms", "inf"],
            "gilbench: error: --latency-ms inf: expected a number of milliseconds from 0 to 60000",
        ),
        (
            ["--latency-ms", "nan"],
            "gilbench: error: --latency-ms nan: expected a number of milliseconds from 0 to 60000",
        ),
        (["--port", "70000"], "gilbench: error: --port 70000: expected 0 (any free port) to 65535"),
    ],
)
def test_bad_server_options(args: list[str], message: str) -> None:
    done = run_bench("serve", *args, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip() == message


def test_a_client_resetting_its_connection_leaves_no_traceback() -> None:
    """A killed or timed-out io cell drops its connections mid-request: normal here, so the server stays silent."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bench", "serve", "--latency-ms", "200"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        parts = urlsplit(server.stdout.readline().strip())
        for _ in range(5):
            client = socket.create_connection((parts.hostname, parts.port))
            client.sendall(b"GET /page/0 HTTP/1.1\r\nHost: x\r\n\r\n")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            client.close()  # linger 0: an RST while the server still sleeps before answering
        time.sleep(0.6)  # every handler has tried to answer its reset connection
        answered = requests.get(f"{parts.scheme}://{parts.netloc}/page/1", timeout=10)
        assert answered.status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


def test_an_idle_keep_alive_connection_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that connects and never asks (a frozen cell) does not hold a server thread for ever."""
    import bench.server

    assert 0 < bench.server.PageHandler.timeout <= 60  # the real setting; shortened below so the test is quick
    monkeypatch.setattr(bench.server.PageHandler, "timeout", 0.5)
    server = bench.server.PageServer(0, 0.0, 100)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        client = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10)
        started = time.monotonic()
        assert client.recv(1) == b""  # the server closed it
        assert time.monotonic() - started < 10
        client.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_connection_cap_stays_above_every_presets_largest_worker_count() -> None:
    """Each task in flight holds a connection (a requests.Session per thread, one stream per asyncio slot): a
    preset whose largest pool reached the cap would measure connections being refused, not the strategy."""
    from bench.measure.config import PRESETS, standard_workers
    from bench.server import MAX_CONNECTIONS

    for name, preset in PRESETS.items():
        counts = [*(preset.workers or standard_workers(64)), *(w for _, w in preset.cells or ())]
        counts += [workers for _, _, workers in preset.extra_cells]
        assert max(counts) * 2 < MAX_CONNECTIONS, name  # twice: a pool's old connections may still be closing
