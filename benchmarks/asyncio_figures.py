"""Threads or an event loop, from a ``--preset asyncio`` run: each pair's median times and paired test, per interpreter.

Prints the README's table: io and sleep with 5 and 50 threads against as many asyncio tasks in flight, and
mixed with 5 threads, processes, asyncio tasks and asyncio tasks offloading CPU work to threads (each against
5 threads).  Run with ``python benchmarks/asyncio_figures.py results/RUN_ID`` (needs the report extras).
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
    ("io", ("threads", 5), ("asyncio", 5)),
    ("io", ("threads", 50), ("asyncio", 50)),
    ("sleep", ("threads", 5), ("asyncio", 5)),
    ("sleep", ("threads", 50), ("asyncio", 50)),
    ("mixed", ("threads", 5), ("asyncio", 5)),
    ("mixed", ("threads", 5), ("offload", 5)),
    ("mixed", ("threads", 5), ("processes", 5)),
]


def main(folder: Path) -> None:
    computed = compute.compute(load_paths([folder]).results)
    comparisons = Comparisons(computed.comparisons.groups)
    print("| workload | interpreter | threads (ms) | other (ms) | other against threads |")
    print("|---|---|---|---|---|")
    for workload, (t_exec, t_workers), (o_exec, o_workers) in PAIRS:
        for column in computed.columns:
            threads = cell_of(computed.summary, column.name, workload, t_exec, t_workers)
            other = cell_of(computed.summary, column.name, workload, o_exec, o_workers)
            if threads is None or other is None or not threads["walls"] or not other["walls"]:
                continue
            test = comparisons.add(threads, other)  # threads / other: above 1, the other ran faster
            words = subject_against(test)  # threads / other: how the other fares against threads
            print(
                f"| {workload} | {column.name} | {strategy_label(t_exec, t_workers)}: "
                f"{float(threads['median']) * 1000:.0f} | {strategy_label(o_exec, o_workers)}: "
                f"{float(other['median']) * 1000:.0f} | {words} |"
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
