"""Guest fixtures: a real page server on loopback, shared by the guest tests of one interpreter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.server import ServerProcess


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The embedded server, in its own process, with a short latency to keep tests quick."""
    with ServerProcess(latency_ms=5, size=20_000) as server:
        yield server.url
