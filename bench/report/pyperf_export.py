"""Export results as pyperf JSON, so ``python -m pyperf compare_to a.json b.json`` works on them.

Host code, built with pyperf itself (not a hand-written imitation of its
format): one pyperf benchmark per measured cell, named
``WORKLOAD-EXECUTOR-xWORKERS``, one pyperf run per measured repetition
(value = that repetition's wall time); warm-up repetitions go in as pyperf
warm-ups of the first run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyperf

from bench.runner import safe_file_name


def benchmark_name(cell: dict[str, Any]) -> str:
    return f"{cell['workload']}-{cell['executor']}-x{cell['workers']}"


def suite_of(document: dict[str, Any]) -> pyperf.BenchmarkSuite | None:
    """A pyperf suite for one interpreter's result file (None when no cell measured anything)."""
    interpreter = document["interpreter"]
    common = {
        "python_implementation": interpreter["implementation"],
        "python_version": interpreter["version"],
        "python_executable": interpreter.get("executable", ""),
        "hostname": document["machine"].get("hostname", ""),
        "cpu_count": document["machine"].get("logical_cpus") or 1,
        "description": f"gilbench {interpreter['label']} run {document['run_id']}",
    }
    benchmarks = []
    for cell in document["cells"]:
        values = [float(run["wall_s"]) for run in cell.get("runs", []) if float(run["wall_s"]) > 0]
        if not values:
            continue
        warmups = [(1, float(w["wall_s"])) for w in cell.get("warmup", []) if float(w["wall_s"]) >= 0]
        metadata = {**common, "name": benchmark_name(cell), "unit": "second", "loops": 1}
        runs = [
            pyperf.Run(
                [value], warmups=warmups if index == 0 and warmups else None, metadata=metadata, collect_metadata=False
            )
            for index, value in enumerate(values)
        ]
        benchmarks.append(pyperf.Benchmark(runs))
    return pyperf.BenchmarkSuite(benchmarks) if benchmarks else None


def write_all(documents: list[tuple[str, dict[str, Any]]], out_dir: Path) -> list[Path]:
    written = []
    for name, document in documents:
        suite = suite_of(document)
        if suite is None:
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{safe_file_name(name)}.json"
        suite.dump(str(path), replace=True)
        written.append(path)
    return written
