"""The waiting tasks as coroutines: sleep and the standard-library client's download over asyncio streams."""

from __future__ import annotations

from bench.measure import async_tasks, downloads, http_client, tasks


def test_waiting_tasks_have_a_coroutine_and_cpu_tasks_none() -> None:
    assert async_tasks.async_variant(tasks.sleep) is async_tasks.async_sleep
    assert async_tasks.async_variant(http_client.download) is async_tasks.async_download
    assert async_tasks.async_variant(tasks.countdown) is None


def test_the_talk_s_requests_client_has_no_coroutine() -> None:
    """So threads and asyncio are never compared downloading with two clients (the workloads refuse it)."""
    assert async_tasks.async_variant(downloads.download) is None
