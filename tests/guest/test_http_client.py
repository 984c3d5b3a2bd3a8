"""gilbench's standard-library HTTP/1.1 client: the same parsing over a blocking socket and asyncio streams,
against the real page server on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Iterator

import pytest

from bench.measure import http_client


def test_both_transports_read_the_same_pages(server_url: str) -> None:
    async def fetch() -> list[int]:
        connections = http_client.Connections()
        try:
            return [await connections.download(server_url + f"page/{i % 2}", slot=0) for i in range(3)]
        finally:
            await connections.close()

    blocking = [http_client.download(server_url + f"page/{i % 2}") for i in range(3)]
    assert blocking == asyncio.run(fetch()) == [20_000] * 3


def test_a_slot_or_a_thread_reuses_its_connection(server_url: str) -> None:
    async def main() -> int:
        connections = http_client.Connections()
        try:
            for slot in (0, 0, 1, 1):
                await connections.download(server_url + "page/0", slot)
            return len(connections.open)
        finally:
            await connections.close()

    assert asyncio.run(main()) == 2  # one per slot in flight, not one per task
    http_client.download(server_url + "page/0")
    first = dict(http_client._connections())
    http_client.download(server_url + "page/1")
    assert http_client._connections() == first  # kept alive
    seen = []
    thread = threading.Thread(
        target=lambda: (http_client.download(server_url + "page/0"), seen.append(dict(http_client._connections())))
    )
    thread.start()
    thread.join()
    assert seen and set(seen[0].values()).isdisjoint(
        first.values()
    )  # a connection per thread, as requests keeps a Session per thread


def test_the_parser_reads_a_response_fed_a_byte_at_a_time() -> None:
    response = http_client.Response("http://x/")
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 5\r\n\r\nhello"
    done = [response.feed(raw[at : at + 1]) for at in range(len(raw))]
    assert done[-1] and not any(done[:-1])
    assert response.body_length() == 5


def test_an_error_status_names_the_page() -> None:
    response = http_client.Response("http://x/missing")
    assert response.feed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    with pytest.raises(OSError, match="HTTP 404 for http://x/missing"):
        response.body_length()


@pytest.mark.parametrize("url", ["https://example.org/", "ftp://x/", "http:///nohost"])
def test_only_plain_http_pages_are_accepted(url: str) -> None:
    with pytest.raises(ValueError, match="http:// pages only"):
        http_client.request(url)


@pytest.fixture
def closing_server() -> Iterator[str]:
    """A real server that answers one request per connection, then closes it (as an idle timeout does)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join()
    listener.close()


def test_a_connection_the_server_closed_is_opened_again_once(closing_server: str) -> None:
    async def twice() -> list[int]:
        connections = http_client.Connections()
        try:
            return [await connections.download(closing_server, 0) for _ in range(2)]
        finally:
            await connections.close()

    assert [http_client.download(closing_server) for _ in range(3)] == [3, 3, 3]
    assert asyncio.run(twice()) == [3, 3]
