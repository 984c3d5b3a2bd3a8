"""What each part of a run cost: seconds of measured passes and warm-ups per interpreter, workload and strategy.

The default ``nox -s bench`` must finish in minutes; this prints where a run's time went, from its result files,
so a change that adds cells shows what it adds.  Run with ``python benchmarks/run_costs.py results/RUN_ID``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.vocabulary import strategy  # noqa: E402


def costs(folder: Path) -> dict[str, dict[str, float]]:
    """Seconds of every cell's measured passes and warm-ups, summed per interpreter, workload and strategy."""
    parts: dict[str, dict[str, float]] = {"interpreter": defaultdict(float), "workload": defaultdict(float)}
    parts["strategy"] = defaultdict(float)
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_text())
        if "cells" not in document:
            continue
        label = document["interpreter"]["label"]
        for cell in document["cells"]:
            spent = sum(run["wall_s"] for run in cell["runs"]) + sum(cell.get("warmup_s") or [])
            parts["interpreter"][label] += spent
            parts["workload"][cell["workload"]] += spent
            parts["strategy"][strategy(cell["executor"]).words] += spent
    return parts


def main(folder: Path) -> None:
    parts = costs(folder)
    total = sum(parts["interpreter"].values())
    print(f"run {folder.name}: {total:.0f} s of cells' measured passes and warm-ups")
    print("| part | seconds | share of the cells' time |")
    print("|---|---|---|")
    for kind, spent in parts.items():
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
            print(f"| {kind} {name} | {seconds:.0f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "results" / "latest")
