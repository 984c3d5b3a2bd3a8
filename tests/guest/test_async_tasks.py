"""The waiting tasks as coroutines: sleep and a page download over asyncio streams, one connection per slot."""

from __future__ import annotations

import asyncio

from bench.measure import async_tasks, downloads, tasks


def test_waiting_tasks_have_a_coroutine_and_cpu_tasks_none() -> None:
    assert async_tasks.async_variant(tasks.sleep) is async_tasks.async_sleep
    assert async_tasks.async_variant(downloads.download) is async_tasks.async_download
    assert async_tasks.async_variant(tasks.countdown) is None


def test_a_slot_reuses_its_connection_from_task_to_task(server_url: str) -> None:
    async def main() -> tuple[list[int], int]:
        connections = async_tasks.Connections()
        try:
            sizes = [await connections.get(server_url + f"page/{i % 2}", slot=0) for i in range(3)]
            sizes.append(await connections.get(server_url + "page/0", slot=1))
            return sizes, len(connections.open)
        finally:
            await connections.close()

    sizes, opened = asyncio.run(main())
    assert sizes == [20_000] * 4
    assert opened == 2  # one per slot, not one per task
