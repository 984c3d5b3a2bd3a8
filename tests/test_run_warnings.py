"""Warnings a reader must see before trusting a number: from the data and the recorded traits, never from names."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import compute
from bench.report.load import load_paths
from bench.report.run_warnings import report_warnings
from tests.test_compute import swap_traits

BASIC = Path(__file__).resolve().parent / "fixtures" / "run-basic"


def warnings_of(run: Path) -> dict[str, str]:
    loaded = load_paths([run])
    return {w.code: w.text for w in report_warnings(compute.compute(loaded.results), loaded)}


def edited(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the fixture run with every result file changed by ``change``."""
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    for path in run.glob("*.json"):
        if path.name != "run.json":
            document = json.loads(path.read_text())
            change(document)
            path.write_text(json.dumps(document))
    return run


def forget_cpu_traits(document: dict[str, Any]) -> None:
    document["config"]["workloads"][0].update(traits={"cpu": {"uses": "unknown", "gil": "unknown"}})
    document["config"]["workloads"][0].update(traits_source="unknown")


def one_cpu(document: dict[str, Any]) -> None:
    document["machine"]["usable_cpus"] = 1


def test_a_workload_without_declared_traits_is_named_with_what_the_report_then_cannot_say(tmp_path: Path) -> None:
    run = edited(tmp_path, forget_cpu_traits)
    text = warnings_of(run)["traits-unknown"]
    assert text.startswith("cpu: no traits declared")
    assert "--traits WORKLOAD=cpu/holds" in text
    assert "traits-unknown" not in warnings_of(BASIC)


def test_which_workloads_overlap_their_waits_is_read_from_their_traits(tmp_path: Path) -> None:
    run = edited(tmp_path, one_cpu)
    assert "while waiting ones (io) still overlap" in warnings_of(run)["workers-over-cpus"]
    swap_traits(run)
    assert "while waiting ones (cpu) still overlap" in warnings_of(run)["workers-over-cpus"]


def test_heavy_pools_are_named_with_the_task_length_that_would_bring_them_under_a_quarter() -> None:
    texts = warnings_of(Path(__file__).resolve().parent / "fixtures" / "run-verdicts")
    text = texts["overhead"]
    assert "would bring each strategy's pool costs under a quarter of its cells: pypy3 processes" in text
    assert "(its tasks now: " in text


def test_separate_measurements_are_said_and_one_conducted_run_is_not() -> None:
    verdicts = warnings_of(Path(__file__).resolve().parent / "fixtures" / "run-verdicts")  # one after another
    text = verdicts["separate-measurements"]
    assert text.startswith("These results come from 3 separate measurements: 3.13 (run fixture-run")
    assert "compared as independent samples" in text and "The speed probe (the same loop under the same Python)" in text
    assert "separate-measurements" not in warnings_of(BASIC)  # one conducted run: the same rounds


def drifting(document: dict[str, Any]) -> None:
    for index, point in enumerate(document["probe"]):
        for cpu in point["cpus"]:
            cpu["seconds"] *= 1.5 if index in (3, 4, 5) else 1.0  # the machine slower for three probes


def test_drift_in_one_conducted_run_is_said_once_and_not_blamed_on_comparisons(tmp_path: Path) -> None:
    text = warnings_of(edited(tmp_path, drifting))["probe-drift"]
    assert text.startswith("3.13, 3.13t, pypy3: the machine's speed drifted by 5")  # about 50%: once for all three
    assert "measured in the same rounds, so their comparisons are paired by round and stay fair" in text
    assert "comparisons with other interpreters, carry that drift" not in text


def free_threaded(version: str, gil: bool = False) -> Callable[[dict[str, Any]], None]:
    """Every file claims to be a free-threaded build of ``version``, with the GIL on or off."""

    def change(document: dict[str, Any]) -> None:
        document["interpreter"].update(version=version, free_threaded_build=True, gil_enabled=gil)

    return change


def only_processes(document: dict[str, Any]) -> None:
    document["cells"] = [cell for cell in document["cells"] if cell["executor"] != "threads"]


def test_free_threaded_313_scaling_is_said_to_depend_on_where_objects_were_made(tmp_path: Path) -> None:
    text = warnings_of(BASIC)["free-threaded-3.13"]
    assert text.startswith("On 3.13t (free-threaded 3.13), how code scales over threads depends on where and when")
    assert "gh-117783" in text and "imported from its module before any thread started" in text
    assert "3.13," not in text and "pypy3" not in text  # the GIL build and PyPy are not named


def test_the_313_scaling_sentence_is_not_said_where_it_does_not_hold(tmp_path: Path) -> None:
    """Tempting files: 3.14t (deferred reference counting), a 3.13t with the GIL forced on, no threads cells."""
    for name, change in (
        ("314t", free_threaded("3.14.0")),
        ("gil-on", free_threaded("3.13.5", gil=True)),
        ("no-threads", only_processes),
    ):
        run = edited(tmp_path / name, change)
        assert "free-threaded-3.13" not in warnings_of(run), name


def _set_tasks(document: dict[str, Any], executor: str, rows: list[list[Any]]) -> None:
    """Every round of ``cpu <executor> 2`` gets these task rows (start, duration, worker)."""
    for cell in document["cells"]:
        if (cell["workload"], cell["executor"], cell["workers"]) == ("cpu", executor, 2):
            for run in cell["runs"]:
                run["tasks"] = [[*row, "cpu"] for row in rows]


def _chunked(document: dict[str, Any], rows: list[list[Any]]) -> None:
    document["config"]["chunksize"] = 2
    _set_tasks(document, "processes", rows)


def test_a_chunked_split_that_left_the_last_worker_a_chunk_more_is_named(tmp_path: Path) -> None:
    """8 tasks in chunks of 2 on 2 processes: worker 0 runs 3 chunks and finishes last, worker 1 one chunk."""
    rows = [[0.1 * i, 0.1, 0] for i in range(6)] + [[0, 0.1, 1], [0.1, 0.1, 1]]
    text = warnings_of(edited(tmp_path / "a", lambda d: _chunked(d, rows)))["uneven-split"]
    assert "3.13 cpu 2 processes: 6 of 8 tasks where an even share is 4 (8 of 8 rounds)" in text
    assert "threads" not in text and "cpu serial" not in text


def test_tasks_handed_over_one_at_a_time_are_never_called_uneven(tmp_path: Path) -> None:
    """Tempting: a thread pool's worker 0 ran 3 of 4 tasks and finished last; with one task per hand-over that is
    dynamic scheduling balancing, and a chunked pool whose long chunk ended early is balanced too."""
    rows = [[0, 0.1, 0], [0.1, 0.1, 0], [0.2, 0.1, 0], [0, 0.25, 1]]
    assert "uneven-split" not in warnings_of(edited(tmp_path / "b", lambda d: _set_tasks(d, "threads", rows)))
    early = [[0.01 * i, 0.01, 0] for i in range(6)] + [[0, 0.5, 1], [0.5, 0.5, 1]]
    assert "uneven-split" not in warnings_of(edited(tmp_path / "c", lambda d: _chunked(d, early)))
    assert "uneven-split" not in warnings_of(BASIC)


def _cold(document: dict[str, Any], warmed: bool) -> None:
    document["config"]["pools_warmed"] = warmed
    for executor in ("processes", "threads"):  # first task of each worker twice its last
        _set_tasks(document, executor, [[0, 0.2, 0], [0, 0.2, 1], [0.2, 0.1, 0], [0.2, 0.1, 1]])


def test_pools_measured_cold_say_how_much_slower_a_workers_first_task_ran(tmp_path: Path) -> None:
    text = warnings_of(edited(tmp_path / "a", lambda d: _cold(d, warmed=False)))["cold-pool"]
    assert "3.13 cpu 2 processes 2.0x" in text and "measured cold" in text
    assert "threads" not in text  # a thread pool's warm-up carries over: never called cold for this
    assert "cold-pool" not in warnings_of(edited(tmp_path / "b", lambda d: _cold(d, warmed=True)))


def test_io_under_an_event_loop_and_under_threads_is_said_to_compare_two_clients(tmp_path: Path) -> None:
    """Tempting: "5 asyncio tasks 1.26x faster than 5 threads" on io read as the strategy's doing, when the loop's
    client did a tenth of requests' work per page (files from before such cells were refused had both)."""
    import json
    import shutil

    from bench.report import pipeline

    run = tmp_path / "run"
    shutil.copytree(Path(__file__).parent / "fixtures" / "run-basic", run)
    for path in run.glob("*.json"):
        document = json.loads(path.read_text())
        if "cells" not in document:
            continue
        threads = [cell for cell in document["cells"] if cell["workload"] == "io" and cell["executor"] == "threads"]
        document["cells"].append({**threads[0], "executor": "asyncio"})  # as an older run measured it
        path.write_text(json.dumps(document))
    warned = [w for w in pipeline.build(load_paths([run])).warnings if w.code == "two-clients"]
    assert len(warned) == 1 and warned[0].text.startswith("io: under an event loop")
    basic = pipeline.build(load_paths([Path(__file__).parent / "fixtures" / "run-basic"]))
    assert not [w for w in basic.warnings if w.code == "two-clients"]  # io, but no event loop: one client
