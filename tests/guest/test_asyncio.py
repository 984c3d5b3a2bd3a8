"""The ``asyncio`` strategy: one event loop, N tasks in flight, waiting tasks as coroutines, CPU tasks blocking it.

Real loops, a real page server on loopback, real user coroutines; under every interpreter the guest tests run on.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from bench.errors import EXIT_CELLS_FAILED, EXIT_USAGE
from bench.measure import introspect
from bench.measure.async_tasks import Connections
from bench.measure.http_client import download
from bench.measure.strategies.asyncio import _run_all
from bench.measure.strategy import make_executor
from bench.measure.tasks import countdown, sleep
from bench.measure.workloads import Task
from tests.conftest import run_bench


def _countdown_lasting(seconds: float) -> int:
    """A countdown size that takes about ``seconds`` here (PyPy's JIT runs it a hundred times faster)."""
    size = 100_000
    while True:
        began = time.perf_counter()
        countdown(size)
        if time.perf_counter() - began > seconds / 4:
            return size * 4
        size *= 4


def _most_at_once(records: list[tuple[float, float, int, int]]) -> int:
    """The most tasks running at one instant, from their recorded start and duration."""
    edges = sorted([(start, 1) for start, _, _, _ in records] + [(start + d, -1) for start, d, _, _ in records])
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return most


def test_n_waiting_tasks_are_in_flight_at_once_each_in_a_slot_of_its_own() -> None:
    records = make_executor("asyncio", "fork").run([Task("sleep", sleep, 0.05)] * 12, 4).records
    assert len(records) == 12
    assert _most_at_once(records) == 4
    assert sorted({slot for _, _, _, slot in records}) == [0, 1, 2, 3]  # a task's row in the timeline


def test_downloads_keep_one_connection_per_task_in_flight(server_url: str) -> None:
    connections = Connections()
    tasks = [Task("io", download, f"{server_url}/page/{index % 2}") for index in range(10)]

    async def measured() -> tuple[list[tuple[float, float, int, int]], int]:
        records = await _run_all(tasks, 3, connections)
        opened = len(connections.open)
        await connections.close()
        return records, opened

    records, opened = asyncio.run(measured())
    assert len(records) == 10 and opened == 3  # reused from task to task, as a thread keeps its connection
    assert all(duration >= 0.005 for _, duration, _, _ in records)  # each waited for the server's 5 ms


def test_a_cpu_task_blocks_the_loop_and_stalls_every_download_in_flight(server_url: str) -> None:
    """mixed's telling case: the io tasks in flight when a countdown starts cannot finish before it ends."""
    tasks = [Task("io", download, f"{server_url}/page/0")] * 4 + [Task("cpu", countdown, 2_000_000)]
    records = make_executor("asyncio", "fork").run(tasks, 5).records
    cpu_start, cpu_duration, _, _ = records[-1]
    stalled = [(start, d) for start, d, _, _ in records[:4] if start < cpu_start]
    assert stalled, "the downloads start before the countdown takes the loop"
    for start, duration in stalled:
        assert start + duration >= cpu_start + cpu_duration  # none finished while the loop computed


def test_cpu_tasks_run_one_at_a_time() -> None:
    records = make_executor("asyncio", "fork").run([Task("cpu", countdown, 20_000)] * 6, 5).records
    assert _most_at_once(records) == 1


def test_a_user_coroutine_runs_under_asyncio_and_the_gil_stays_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_bench(
        "run", "--out", str(out), "--workloads", "tests.guest.faulty:async_double=4", "--executors", "asyncio",
        "--workers", "3", "--load", "6", "--repeat", "1", "--warmup", "0", "--workloads", "io-stdlib",
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    cells = {(cell["workload"], cell["executor"]): cell for cell in document["cells"]}
    for cell in cells.values():
        assert cell["status"] == "ok" and len(cell["runs"][0]["tasks"]) == 6
        if introspect.free_threaded_build():
            assert cell["gil_enabled"] is False  # asyncio and its streams leave 3.13t free-threaded


def test_a_coroutine_under_threads_and_a_plain_function_under_asyncio_are_one_line_errors() -> None:
    refused = run_bench("run", "--workloads", "tests.guest.faulty:async_double", "--executors", "threads", "--dry-run")
    assert refused.returncode == EXIT_USAGE and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "gilbench: error: workload 'tests.guest.faulty:async_double' is a coroutine function, which threads cannot "
        "run; accepted: an event loop, --executors asyncio or offload (or --cells "
        "tests.guest.faulty:async_double:asyncio:N)"
    ]
    plain = run_bench("run", "--workloads", "tests.guest.faulty:double", "--executors", "asyncio", "--dry-run")
    assert plain.returncode == EXIT_USAGE
    assert plain.stderr.strip().splitlines() == [
        "gilbench: error: workload 'tests.guest.faulty:double' is a plain function, which asyncio would run "
        "blocking its loop; make it a coroutine (async def), or use --executors threads"
    ]


def test_a_hung_coroutine_times_out_and_a_cancelled_one_fails_the_cell(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_bench(
        "run", "--out", str(out), "--workloads",
        "tests.guest.faulty:async_hang,tests.guest.faulty:async_cancelled,sleep=0.001",
        "--executors", "asyncio", "--workers", "2", "--load", "2", "--repeat", "1", "--warmup", "0",
        "--timeout", "3", "--cells", "sleep:threads:2",
        timeout=300,
    )  # fmt: skip
    assert done.returncode == EXIT_CELLS_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    cells = json.loads(out.read_text())["cells"]
    statuses = {(c["workload"].split(":")[-1], c["executor"], c["workers"]): (c["status"], c["reason"]) for c in cells}
    assert statuses[("async_hang", "asyncio", 2)][0] == "timeout"
    assert statuses[("async_cancelled", "asyncio", 2)] == ("failed", "cancelled")
    assert statuses[("sleep", "asyncio", 2)][0] == statuses[("sleep", "threads", 2)][0] == "ok"  # the others ran
    assert len(statuses) == 4  # --cells added sleep with 2 threads, for sleep only


def test_offload_sends_cpu_tasks_to_threads_so_downloads_in_flight_go_on(server_url: str) -> None:
    """The same tasks as the stall above, under ``offload``: the countdown runs in the loop's thread pool, and
    the downloads started around it finish while it computes (with a GIL too: threads take turns)."""
    tasks = [Task("cpu", countdown, _countdown_lasting(0.2))] + [Task("io", download, f"{server_url}/page/0")] * 4
    records = make_executor("offload", "fork").run(tasks, 5).records
    cpu_start, cpu_duration, _, _ = records[0]
    finished_meanwhile = [start + d for start, d, _, _ in records[1:] if start + d < cpu_start + cpu_duration]
    assert finished_meanwhile, "every download waited for the countdown: it blocked the loop"
