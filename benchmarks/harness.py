"""Benchmarks of gilbench itself: does the harness stay out of the way of what it measures?

Prints five figures (medians of repeated trials in one run; no assertion, the
goals are printed next to them):

1. overhead: 10,000 trivial tasks through gilbench's serial and threads
   executors against a bare hand-written loop / ``executor.map``
   (goal: at most 5% extra wall time), under each interpreter given;
2. server: per-request time of the embedded page server, sequential and with
   64 concurrent keep-alive clients (goals: <= latency x 1.05 + 1 ms and
   <= latency x 1.10 + 2 ms);
3. free-threading not spoiled, and steady: under a free-threaded interpreter,
   ``cpu`` with 2 threads against serial in 5 runs of the default rounds (goal:
   >= 1.8x on 2 cores; the spread across runs is printed) and ``gil_enabled``;
4. the A/A self-check (``python -m bench check``) under each GIL CPython: ratios
   of two cells that cost the same (goals: 9 in 10 within 0.97-1.03, at most
   1 in 20 called different);
5. (printed first) against the talk's own code: 20 tasks of ``countdown(850000)``
   through gilbench's threads executor and through the talk's
   ``ThreadPoolExecutor.map`` over (function, argument) pairs, whose tasks time
   themselves and return a record, 1 and 5 threads, warm, interleaved (goal:
   gilbench / talk <= 1.03 on every interpreter; ``--only-talk`` prints just this).

Run with ``nox -s harness`` (uses the provisioned interpreters) or
``python benchmarks/harness.py --python 3.13t=/path/to/python3.13t ...``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRIVIAL_N = 1000  # countdown(1000): a task of some tens of microseconds
TASKS = 10_000
TRIALS = 15


def _bare_serial(tasks: list[int]) -> float:
    from bench.measure.workloads import countdown

    started = time.perf_counter()
    for n in tasks:
        countdown(n)
    return time.perf_counter() - started


def _bare_threads(tasks: list[int], workers: int) -> float:
    from bench.measure.workloads import countdown

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(countdown, tasks))
    return time.perf_counter() - started


def measure_overhead() -> dict[str, float]:
    """Runs inside the interpreter under test: median ratio gilbench / bare, per executor."""
    from bench.measure.strategy import make_executor
    from bench.measure.workloads import Task, countdown

    numbers = [TRIVIAL_N] * TASKS
    tasks = [Task("cpu", countdown, TRIVIAL_N)] * TASKS
    serial, threads = make_executor("serial", "fork"), make_executor("threads", "fork")
    ratios: dict[str, list[float]] = {"serial": [], "threads": []}
    _bare_serial(numbers)  # warm up (PyPy's JIT, caches)
    serial.run(tasks, 1)
    for trial in range(TRIALS):
        # Alternate which goes first, so drift and warm caches favour neither.
        if trial % 2:
            bare_serial, ours_serial = _bare_serial(numbers), serial.run(tasks, 1).wall_s
            bare_threads, ours_threads = _bare_threads(numbers, 2), threads.run(tasks, 2).wall_s
        else:
            ours_serial, bare_serial = serial.run(tasks, 1).wall_s, _bare_serial(numbers)
            ours_threads, bare_threads = threads.run(tasks, 2).wall_s, _bare_threads(numbers, 2)
        ratios["serial"].append(ours_serial / bare_serial)
        ratios["threads"].append(ours_threads / bare_threads)
    ratios["task_us"] = [_bare_serial(numbers) / TASKS * 1e6]
    return {name: statistics.median(values) for name, values in ratios.items()}


TALK_N = 850_000  # the talk's countdown
TALK_TASKS = 20
TALK_PAIRS = 9


def _talk_countdown(n: int) -> dict[str, object]:
    """A task as the talk wrote it: it times itself with ``time.time`` and returns a record."""
    began = time.time()
    while n > 0:
        n -= 1
    return {"work_start_time": began, "work_duration": time.time() - began, "work_output": n, "work_type": "CPU"}


def _talk_work(pair: tuple[object, int]) -> object:
    function, argument = pair
    return function(argument)  # type: ignore[operator]


def _talk_threads(workers: int) -> float:
    """The talk's thread pool: ``ThreadPoolExecutor(max_workers).map`` over (function, argument) pairs, timed from
    the pool's creation to its exit, as its ``get_runtime`` did (``time.time`` there; ``perf_counter`` here)."""
    work_load = [(_talk_countdown, TALK_N)] * TALK_TASKS
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as executor:
        list(executor.map(_talk_work, work_load))
    return time.perf_counter() - started


def measure_talk_overhead() -> dict[str, float]:
    """Runs inside the interpreter under test: gilbench's threads cell (one pass, as the runner times it) against
    the talk's code on the same 20 ``countdown(850000)`` tasks, 1 and 5 threads, warm, in interleaved pairs whose
    order alternates; the median of gilbench / talk per worker count."""
    from bench.measure.strategy import make_executor
    from bench.measure.workloads import Task, countdown

    tasks = [Task("cpu", countdown, TALK_N)] * TALK_TASKS
    threads = make_executor("threads", "fork")
    ratios: dict[str, float] = {}
    for workers in (1, 5):
        threads.run(tasks, workers), _talk_threads(workers)  # warm: JIT traces, specialised bytecode
        pairs = []
        for pair in range(TALK_PAIRS):
            if pair % 2:
                talk, ours = _talk_threads(workers), threads.run(tasks, workers).wall_s
            else:
                ours, talk = threads.run(tasks, workers).wall_s, _talk_threads(workers)
            pairs.append(ours / talk)
        ratios[f"threads{workers}"] = statistics.median(pairs)
    return ratios


def _client_process(url: str, threads: int, requests_each: int) -> list[float]:
    """One client process: ``threads`` keep-alive sessions, each timing ``requests_each`` requests."""
    import requests

    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def client() -> None:
        own = requests.Session()
        own.get(url).raise_for_status()  # connect first: keep-alive requests are what is timed
        barrier.wait()
        for _ in range(requests_each):
            started = time.perf_counter()
            own.get(url).raise_for_status()
            with lock:
                times.append(time.perf_counter() - started)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return times


def measure_server(latency_ms: float = 50.0) -> dict[str, float]:
    """Median per-request seconds, sequential and with 64 concurrent keep-alive clients.

    The 64 clients live in 4 processes of 16 threads, so the clients' own GIL
    is not what gets measured.
    """
    import multiprocessing

    import requests

    from bench.server import ServerProcess

    with ServerProcess(latency_ms=latency_ms) as server:
        session = requests.Session()
        session.get(server.url).raise_for_status()
        sequential = []
        for _ in range(100):
            started = time.perf_counter()
            session.get(server.url).raise_for_status()
            sequential.append(time.perf_counter() - started)
        with multiprocessing.get_context("spawn").Pool(4) as pool:
            batches = pool.starmap(_client_process, [(server.url, 16, 10)] * 4)
    concurrent = [value for batch in batches for value in batch]
    return {"sequential": statistics.median(sequential), "concurrent64": statistics.median(concurrent)}


def measure_free_threading(python: str, runs: int = 5) -> dict[str, object]:
    """cpu: 2 threads against serial under ``python``, through gilbench's runner, ``runs`` times.

    Each run interleaves the two cells in the default rounds; its speed-up is the
    median of the per-round ratios (the report's own statistic).
    """
    from bench.report import stats

    speedups, gil_enabled, version = [], [], ""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "ft.json"
            command = [python, "-m", "bench", "run", "--workloads", "cpu=850000", "--executors", "serial,threads"]
            command += ["--workers", "2", "--load", "12", "--out", str(out)]
            subprocess.run(command, cwd=ROOT, check=True, stderr=subprocess.DEVNULL)
            document = json.loads(out.read_text())
        cells = {cell["executor"]: cell for cell in document["cells"]}
        serial, threads = cells["serial"]["runs"], cells["threads"]["runs"]
        compared = stats.compare(
            [r["wall_s"] for r in serial],
            [r["round"] for r in serial],
            [r["wall_s"] for r in threads],
            [r["round"] for r in threads],
            paired=True,
        )
        speedups.append(compared.value)
        gil_enabled.append(document["interpreter"]["gil_enabled"])
        version = document["interpreter"]["version"]
    return {"speedups": speedups, "gil_enabled": any(gil_enabled), "version": version}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--python", action="append", default=[], metavar="LABEL=PATH", help="interpreter to measure")
    parser.add_argument("--overhead-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--talk-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only-talk", action="store_true", help="print only figure 5 (gilbench against the talk)")
    args = parser.parse_args()
    if args.overhead_only:
        print(json.dumps(measure_overhead()))
        return 0
    if args.talk_only:
        print(json.dumps(measure_talk_overhead()))
        return 0
    pythons = dict(item.split("=", 1) for item in args.python) or {"host": sys.executable}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    print(
        f"5. against the talk's code: {TALK_TASKS} tasks of countdown({TALK_N}), gilbench's threads cell / the talk's "
        f"ThreadPoolExecutor, warm, median of {TALK_PAIRS} interleaved pairs (goal <= 1.03)"
    )
    for label, python in pythons.items():
        done = subprocess.run([python, __file__, "--talk-only"], capture_output=True, text=True, env=env, check=True)
        talk = json.loads(done.stdout)
        print(f"   {label:<8} 1 thread {talk['threads1']:.3f}   5 threads {talk['threads5']:.3f}")
    if args.only_talk:
        return 0

    print(f"1. overhead: {TASKS} tasks of countdown({TRIVIAL_N}), gilbench / bare, median of {TRIALS} (goal <= 1.05)")
    for label, python in pythons.items():
        done = subprocess.run(
            [python, __file__, "--overhead-only"], capture_output=True, text=True, env=env, check=True
        )
        ratios = json.loads(done.stdout)
        print(
            f"   {label:<8} serial {ratios['serial']:.3f}   threads(2) {ratios['threads']:.3f}"
            f"   (one task takes {ratios['task_us']:.2f} us here)"
        )

    server = measure_server()
    print("2. server, latency 50 ms, 20 kB pages, median per request")
    print(f"   sequential    {server['sequential'] * 1000:.2f} ms (goal <= {50 * 1.05 + 1:.2f} ms)")
    print(f"   64 concurrent {server['concurrent64'] * 1000:.2f} ms (goal <= {50 * 1.10 + 2:.2f} ms)")

    for label, python in pythons.items():
        if label.endswith("t"):
            figures = measure_free_threading(python)
            speedups = sorted(figures["speedups"])  # type: ignore[call-overload]
            print(
                f"3. {label} ({figures['version']}): cpu 2 threads vs serial, 5 runs of the default rounds: "
                + ", ".join(f"{value:.2f}x" for value in figures["speedups"])  # type: ignore[attr-defined]
                + f"; median {statistics.median(speedups):.2f}x (goal >= 1.8x),"
                f" spread {speedups[-1] - speedups[0]:.3f}, gil_enabled={figures['gil_enabled']}"
            )
    for label, python in pythons.items():
        if label[:1].isdigit() and not label.endswith("t"):
            print(f"4. {label}: A/A self-check, 20 runs", flush=True)
            subprocess.run(
                [sys.executable, "-m", "bench", "check", "--python", python, "--runs", "20"], cwd=ROOT, check=False
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
