"""The ``interpreters`` strategy under the interpreter running these tests (each provisioned one in turn).

Where subinterpreters exist (3.13, 3.13t) a CPU-bound cell must run its two workers' tasks at the same time,
user workloads must be imported inside the subinterpreters and a raising task must fail the cell with the
exception's type and message.  Where they do not (PyPy) the cell is ``unsupported`` with the reason, and the
other cells of the run are measured all the same.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from bench.errors import EXIT_CELLS_FAILED
from bench.measure.strategies.interpreters import backend
from tests.guest.test_runner import bench_run, cell_of

HAVE_SUBINTERPRETERS = backend() is not None
needs_subinterpreters = pytest.mark.skipif(not HAVE_SUBINTERPRETERS, reason="no subinterpreters here (PyPy, < 3.13)")


def _intervals(cell: dict[str, Any]) -> dict[int, list[tuple[float, float]]]:
    """Each worker's task intervals in the cell's first run: {worker: [(start, end), ...]}."""
    by_worker: dict[int, list[tuple[float, float]]] = {}
    for start, duration, worker, _kind in cell["runs"][0]["tasks"]:
        by_worker.setdefault(worker, []).append((start, start + duration))
    return by_worker


def run_cells(
    tmp_path: Path, *workloads: str, executors: str = "interpreters", load: int = 4, repeat: int = 1
) -> tuple[Any, dict[str, Any]]:
    """``bench run`` with 2 workers and no warm-up: the options every test here shares."""
    options = ["--executors", executors, "--workers", "2", "--load", str(load), "--repeat", str(repeat)]
    return bench_run(tmp_path, *workloads, *options, "--warmup", "0")


@needs_subinterpreters
def test_two_subinterpreters_run_cpu_tasks_at_the_same_time(tmp_path: Path) -> None:
    done, document = run_cells(tmp_path, "--workloads", "cpu=3000000", executors="serial,interpreters")
    assert done.returncode == 0, done.stderr
    cell = cell_of(document, "cpu", "interpreters")
    assert cell["status"] == "ok", cell.get("reason")
    workers = _intervals(cell)
    assert sorted(workers) == [0, 1]
    overlap = max(
        min(end_a, end_b) - max(start_a, start_b) for start_a, end_a in workers[0] for start_b, end_b in workers[1]
    )
    assert overlap > 0, workers  # a GIL shared by both would make the intervals take turns
    if document["interpreter"]["free_threaded_build"]:
        assert cell["gil_enabled"] is False  # subinterpreters never switch the GIL back on
    [run] = cell["runs"]
    assert 0 < run["pool_startup_s"] < run["wall_s"]
    assert run["peak_rss_bytes"] > 1_000_000  # a Python process holds megabytes
    busy = sum(duration for _start, duration, _worker, _kind in run["tasks"])
    assert 0.5 * busy <= run["cpu_s"] <= 2 * run["wall_s"] * 2  # CPU time: the work, at most 2 CPUs' worth


@needs_subinterpreters
def test_a_user_workload_is_imported_inside_the_subinterpreters(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    done, document = run_cells(tmp_path, "--workload", f"tests.guest.faulty:note_interpreter={str(notes)!r}")
    assert done.returncode == 0, done.stderr
    assert document["cells"][0]["status"] == "ok", document["cells"][0].get("reason")
    lines = [line.split() for line in notes.read_text().splitlines()]
    assert len(lines) == 4
    assert all(int(ident) != 0 for _pid, ident in lines)  # never the main interpreter
    assert 1 <= len({ident for _pid, ident in lines}) <= 2  # each task ran in one of the two workers' interpreters


@needs_subinterpreters
def test_a_task_raising_inside_a_subinterpreter_fails_the_cell_with_its_type_and_message(tmp_path: Path) -> None:
    done, document = run_cells(
        tmp_path, "--workload", "tests.guest.faulty:raise_value_error=7", "--workloads", "cpu=1000", load=2
    )
    assert done.returncode == EXIT_CELLS_FAILED, done.stderr  # a failed cell is recorded, nothing crashed
    failed = next(cell for cell in document["cells"] if "raise_value_error" in cell["workload"])
    assert failed["status"] == "failed"
    assert "a task raised ValueError: bad input 7" in failed["reason"]
    assert cell_of(document, "cpu", "interpreters")["status"] == "ok"  # the other cell still ran


@pytest.mark.skipif(HAVE_SUBINTERPRETERS, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_the_cell_is_unsupported_and_the_rest_runs(tmp_path: Path) -> None:
    done, document = run_cells(tmp_path, "--workloads", "cpu=1000", executors="serial,interpreters", load=2, repeat=2)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert document["complete"] is True  # unsupported is a final answer, not a gap
    cell = cell_of(document, "cpu", "interpreters")
    assert cell["status"] == "unsupported"
    assert cell["reason"].startswith(
        f"subinterpreters with their own GIL are not available on {sys.implementation.name}"
    )
    assert "\n" not in cell["reason"]
    assert len(cell_of(document, "cpu", "serial")["runs"]) == 2
