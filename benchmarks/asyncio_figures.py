"""Threads or an event loop: each pair's median times and verdict per interpreter, and the client work each did.

Prints two tables from a run that measured ``io-stdlib``/``mixed-stdlib`` under threads and asyncio (the
``standard`` preset: 5 of each; ``--preset asyncio``: 5 and 50):

1. each pair, threads against the other strategy, with the report's verdict (paired by round);
2. the client work of a download: its CPU time per io task minus the CPU time per sleep task of the same
   strategy and worker count (waiting costs both; what is left is the client's request and parsing), and its
   ratio asyncio / threads.  The io workloads compared give threads the asyncio client's parsing, so this
   ratio should stay near 1 (the goal: 0.67-1.5x on every interpreter).

Run with ``python benchmarks/asyncio_figures.py results/RUN_ID`` (needs the report extras).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import compute  # noqa: E402
from bench.report.comparisons import Comparisons  # noqa: E402
from bench.report.load import load_paths  # noqa: E402
from bench.report.selection import cell_of  # noqa: E402
from bench.report.words import subject_against  # noqa: E402
from bench.vocabulary import strategy_label  # noqa: E402

PAIRS = [
    ("io-stdlib", ("threads", 5), ("asyncio", 5)),
    ("io-stdlib", ("threads", 50), ("asyncio", 50)),
    ("sleep", ("threads", 5), ("asyncio", 5)),
    ("sleep", ("threads", 50), ("asyncio", 50)),
    ("mixed-stdlib", ("threads", 5), ("asyncio", 5)),
    ("mixed-stdlib", ("threads", 5), ("offload", 5)),
    ("mixed-stdlib", ("threads", 5), ("processes", 5)),
]
CLIENT_WORK = [("io-stdlib", "sleep", workers) for workers in (5, 50)]


def main(folder: Path) -> None:
    computed = compute.compute(load_paths([folder]).results)
    comparisons = Comparisons(computed.comparisons.groups, computed.comparisons.margin)
    summary = computed.summary
    print("| workload | interpreter | threads (ms) | other (ms) | other against threads |")
    print("|---|---|---|---|---|")
    for workload, (t_exec, t_workers), (o_exec, o_workers) in PAIRS:
        for column in computed.columns:
            threads = cell_of(summary, column.name, workload, t_exec, t_workers)
            other = cell_of(summary, column.name, workload, o_exec, o_workers)
            if threads is None or other is None or not threads["walls"] or not other["walls"]:
                continue
            test = comparisons.add(threads, other)  # threads / other: above 1, the other ran faster
            print(
                f"| {workload} | {column.name} | {strategy_label(t_exec, t_workers)}: "
                f"{float(threads['median']) * 1000:.0f} | {strategy_label(o_exec, o_workers)}: "
                f"{float(other['median']) * 1000:.0f} | {subject_against(test)} |"
            )
    print()
    print(
        "| interpreter | in flight | client work, threads (ms per task) | asyncio (ms per task) | asyncio / threads |"
    )
    print("|---|---|---|---|---|")
    for io, sleep, workers in CLIENT_WORK:
        for column in computed.columns:
            work = {}
            for executor in ("threads", "asyncio"):
                downloading = cell_of(summary, column.name, io, executor, workers)
                waiting = cell_of(summary, column.name, sleep, executor, workers)
                if downloading is None or waiting is None:
                    break
                work[executor] = float(downloading["cpu_per_task_s"]) - float(waiting["cpu_per_task_s"])
            if len(work) == 2:
                ratio = work["asyncio"] / work["threads"] if work["threads"] > 0 else float("nan")
                print(
                    f"| {column.name} | {workers} | {work['threads'] * 1000:.3f} | {work['asyncio'] * 1000:.3f} "
                    f"| {ratio:.2f}x |"
                )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
