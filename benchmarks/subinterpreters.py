"""Benchmark of the ``interpreters`` strategy (subinterpreters, each with its own GIL): does it pay?

Prints three figures per interpreter given (medians of interleaved rounds in one run; the goals are printed next to
them, nothing is asserted):

1. start-up: gilbench's pool start-up per subinterpreter for ``cpu`` (only the task's module is imported in each)
   against creating and destroying a bare isolated subinterpreter and defining ``countdown`` in it (goal: within
   2x of bare);
2. parallel speed-up: 12 tasks of ``countdown(400000)`` with 2 subinterpreters against serial (goal on 2 CPUs: at
   least 1.7x), and against a 2-process pool (goal: within 10%: interpreters' time / processes' time <= 1.10);
3. per-task overhead: 10,000 tiny tasks (``cpu=1``), (wall - pool start-up - shut-down) / tasks, subinterpreters
   against the process pool with one task per hand-over (goal: within 20%: at most 1.2x the process pool's).

Run with ``nox -s subinterpreters`` (the provisioned 3.13 and 3.13t) or
``python benchmarks/subinterpreters.py --python 3.13=/path/to/python3.13``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 8


def run(python: str, out: Path, *args: str) -> dict[str, Any]:
    command = [python, "-m", "bench", "run", "--out", str(out), "--force", "--warmup", "1", *args]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def runs(document: dict[str, Any], executor: str, workers: int) -> dict[int, dict[str, Any]]:
    cell = next(c for c in document["cells"] if c["executor"] == executor and c["workers"] == workers)
    if cell["status"] != "ok":
        raise SystemExit(f"{executor} x{workers}: {cell['status']} ({cell.get('reason')})")
    return {run["round"]: run for run in cell["runs"]}


def paired(document: dict[str, Any], top: tuple[str, int], bottom: tuple[str, int]) -> float:
    """Median over rounds of top's wall time / bottom's (paired by round)."""
    a, b = runs(document, *top), runs(document, *bottom)
    return statistics.median(a[r]["wall_s"] / b[r]["wall_s"] for r in a if r in b)


def per_task_overhead(document: dict[str, Any], executor: str) -> float:
    values = [
        (run["wall_s"] - run["pool_startup_s"] - (run.get("shutdown_s") or 0.0)) / len(run["tasks"])
        for run in runs(document, executor, 2).values()
    ]
    return statistics.median(values)


BARE = """
import statistics, time
try:
    import concurrent.interpreters as api
    create = api.create
    def run(handle, code): handle.exec(code)
    def close(handle): handle.close()
except ImportError:
    import _interpreters as api
    create = lambda: api.create("isolated")
    run = api.exec
    close = api.destroy
times = []
for _ in range(15):
    began = time.perf_counter()
    handle = create()
    run(handle, "def countdown(n):\\n    while n > 0:\\n        n -= 1\\n")
    close(handle)
    times.append(time.perf_counter() - began)
print(statistics.median(times))
"""


def bare_subinterpreter_s(python: str) -> float:
    """Creating an isolated subinterpreter, defining countdown in it and destroying it (median of 15)."""
    done = subprocess.run([python, "-c", BARE], check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def startup_per_worker(document: dict[str, Any], executor: str, workers: int) -> float:
    """Median over rounds of (pool start-up + shut-down) / workers."""
    return statistics.median(
        (run["pool_startup_s"] + (run.get("shutdown_s") or 0.0)) / workers
        for run in runs(document, executor, workers).values()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", required=True, metavar="LABEL=PATH")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for item in args.python:
            label, _, python = item.partition("=")
            print(f"== {label} ({python})")
            scaling = run(
                python,
                Path(folder) / f"{label}-cpu.json",
                "--workloads",
                "cpu=400000",  # 12 tasks of about 20 ms on 3.13: start-up is a visible share of the cell
                "--executors",
                "serial,processes,interpreters",
                "--workers",
                "2",
                "--load",
                "12",
                "--repeat",
                str(ROUNDS),
            )
            ours, bare = startup_per_worker(scaling, "interpreters", 2), bare_subinterpreter_s(python)
            print(
                f"  start-up + shut-down per subinterpreter: {ours * 1000:.1f} ms, a bare one {bare * 1000:.1f} ms: "
                f"{ours / bare:.2f}x   (goal <= 2x)"
            )
            speedup = 1 / paired(scaling, ("interpreters", 2), ("serial", 1))
            versus = paired(scaling, ("interpreters", 2), ("processes", 2))
            print(f"  12 x countdown(400000), 2 interpreters vs serial:     {speedup:.2f}x   (goal >= 1.70x on 2 CPUs)")
            print(f"  12 x countdown(400000), 2 interpreters / 2 processes: {versus:.3f}   (goal <= 1.10)")
            tiny = run(
                python,
                Path(folder) / f"{label}-tiny.json",
                "--workloads",
                "cpu=1",
                "--executors",
                "processes,interpreters",
                "--workers",
                "2",
                "--load",
                "10000",
                "--repeat",
                "5",
                "--chunksize",
                "1",  # the process pool as the talk ran it: one task per hand-over, like the subinterpreters
            )
            mine, theirs = per_task_overhead(tiny, "interpreters"), per_task_overhead(tiny, "processes")
            print(
                f"  per-task overhead, 10,000 tiny tasks: interpreters {mine * 1e6:.1f} us, "
                f"processes {theirs * 1e6:.1f} us"
            )
            print(f"  interpreters / processes:            {mine / theirs:.2f}   (goal <= 1.20)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
