"""Export results as pyperf JSON, so ``python -m pyperf compare_to a.json b.json`` works on them.

Host code, built with pyperf itself (not a hand-written imitation of its
format): one pyperf benchmark per measured cell, named
``WORKLOAD-EXECUTOR-xWORKERS``, one pyperf run per measured repetition
(value = that repetition's wall time); warm-up repetitions go in as pyperf
warm-ups of the first run.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyperf

from bench import layout
from bench.layout import file_name
from bench.result import Cell, Document


def one_line(text: str) -> str:
    """pyperf refuses metadata with a newline; a result file's text (a host name, a workload) may hold any."""
    return " ".join(text.split()) if any(not char.isprintable() for char in text) else text


def benchmark_name(cell: Cell) -> str:
    return one_line(f"{cell.workload}-{cell.executor}-x{cell.workers}")


def suite_of(document: Document) -> pyperf.BenchmarkSuite | None:
    """A pyperf suite for one interpreter's result file (None when no cell measured anything)."""
    interpreter = document.interpreter
    common = {
        "python_implementation": one_line(interpreter.implementation),
        "python_version": one_line(interpreter.version),
        "python_executable": one_line(interpreter.executable),
        "hostname": one_line(document.machine.hostname),
        "cpu_count": document.machine.logical_cpus,
        "description": f"gilbench {interpreter.label} run {document.run_id}",
    }
    benchmarks = []
    for cell in document.cells:
        values = [run.wall_s for run in cell.runs if run.wall_s > 0]
        if not values:
            continue
        warmups = [(1, wall) for wall in cell.warmup_s]
        metadata = {**common, "name": benchmark_name(cell), "unit": "second", "loops": 1}
        runs = [
            pyperf.Run(
                [value], warmups=warmups if index == 0 and warmups else None, metadata=metadata, collect_metadata=False
            )
            for index, value in enumerate(values)
        ]
        benchmarks.append(pyperf.Benchmark(runs))
    return pyperf.BenchmarkSuite(benchmarks) if benchmarks else None


def distinct_file_names(names: list[str]) -> list[str]:
    """One file name per column, never two alike: columns ``a (run 1)`` and ``a (run-1)`` would both mend to
    ``a_run_1``, so a later one gets ``-2``, ``-3``... (compared without case, for case-blind file systems)."""
    taken: set[str] = set()
    chosen = []
    for name in names:
        base = file_name(name)
        candidate, number = base, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate.lower())
        chosen.append(candidate)
    return chosen


def write_all(documents: list[tuple[str, Document]], out_dir: Path) -> list[Path]:
    written = []
    for (_, document), stem in zip(documents, distinct_file_names([name for name, _ in documents])):
        suite = suite_of(document)
        if suite is None:
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{stem}.json"
        buffer = io.StringIO()
        suite.dump(buffer)  # pyperf's own JSON, written atomically like every gilbench file
        layout.write_atomically(path, buffer.getvalue())
        written.append(path)
    return written
