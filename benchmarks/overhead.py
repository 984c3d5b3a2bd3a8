"""Does the report's "at which task length would a pool's costs fall under a quarter" hold when measured?

For each interpreter given, it measures one process-pool cell of ``cpu`` (2 workers, 20 tasks, 8 rounds) at the
standard preset's task length, computes with the report's own rule (:func:`bench.report.compute.quarter_task_s`)
the task length at which start-up, hand-overs and shut-down would be a quarter of the cell's wall time, scales
``countdown``'s argument to that length, measures the cell again and prints both overhead shares.  The goal printed
beside them (nothing is asserted): at the computed length the share is at most about 25%.

Run with ``nox -s overhead`` (the provisioned interpreters) or
``python benchmarks/overhead.py --python pypy3=/usr/bin/pypy3``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report.compute import compute, quarter_task_s  # noqa: E402
from bench.report.load import load_paths  # noqa: E402
from bench.report.selection import cell_of  # noqa: E402

STANDARD = 500_000
CELL = ["--executors", "processes", "--workers", "2", "--load", "20", "--repeat", "8", "--warmup", "1"]


def measure(python: str, label: str, argument: int, folder: Path) -> tuple[float, float, float]:
    """(overhead share, median task seconds, task length for a quarter) of the cell at this ``countdown`` size."""
    import subprocess

    out = folder / f"{label}-{argument}.json"
    command = [python, "-m", "bench", "run", "--workloads", f"cpu={argument}", *CELL, "--label", label]
    subprocess.run([*command, "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    computed = compute(load_paths([out]).results)
    cell = cell_of(computed.summary, label, "cpu", "processes", 2)
    if cell is None:
        raise SystemExit(f"{label}: the cell was not measured")
    return float(cell["overhead_share"]), float(cell["task_s"]), quarter_task_s(cell)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--python", action="append", required=True, metavar="LABEL=EXECUTABLE")
    args = parser.parse_args()
    print("cpu, 2 processes, 20 tasks, 8 rounds: overhead share at the standard length and at the computed one")
    with tempfile.TemporaryDirectory() as scratch:
        for entry in args.python:
            label, _, python = entry.partition("=")
            share, task_s, wanted_s = measure(python, label, STANDARD, Path(scratch))
            scaled = max(1, round(STANDARD * wanted_s / task_s))
            share_after, task_after, _ = measure(python, label, scaled, Path(scratch))
            print(
                f"{label}: tasks of {task_s * 1000:.2f} ms: {share:.0%} outside the tasks; the report's rule says "
                f"{wanted_s * 1000:.1f} ms for a quarter; measured at cpu={scaled} (tasks of {task_after * 1000:.1f} "
                f"ms): {share_after:.0%} (goal: about 25% or less)"
            )


if __name__ == "__main__":
    main()
