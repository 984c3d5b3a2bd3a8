"""The compute stage: traits read from the files (never from names), ideals from traits, every comparison once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.report import compute
from bench.report.load import load_paths
from bench.report.selection import cell_of, compared_pairs
from bench.vocabulary import DERIVED, TaskTraits

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def swap_traits(run: Path) -> None:
    """Record cpu's tasks as waiting and io's as CPU-bound: a report that reads names would not notice."""
    for path in run.glob("*.json"):
        if path.name == "run.json":
            continue
        document = json.loads(path.read_text())
        for workload in document["config"]["workloads"]:
            kind = workload["name"]
            traits = {"uses": "wait", "gil": "releases"} if kind == "cpu" else {"uses": "cpu", "gil": "holds"}
            workload["traits"] = {kind: traits}
            workload["traits_source"] = "declared"
        path.write_text(json.dumps(document))


@pytest.fixture(scope="module")
def computed() -> compute.Computed:
    return compute.compute(load_paths([FIXTURES / "run-basic"]).results)


def test_ideals_follow_the_recorded_traits_not_the_names(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "run-verdicts", run)  # pypy3's own probe there: its CPU 1 runs slower
    swap_traits(run)
    swapped = compute.compute(load_paths([run]).results)
    computed = compute.compute(load_paths([FIXTURES / "run-verdicts"]).results)
    assert not swapped.traits_of("cpu").cpu_bound and swapped.traits_of("io").cpu_bound
    # A CPU-bound ideal of 2 workers is what the probe measured those CPUs deliver, not 2.
    before_cpu = cell_of(computed.summary, "pypy3", "cpu", "threads", 2)
    after_cpu = cell_of(swapped.summary, "pypy3", "cpu", "threads", 2)
    after_io = cell_of(swapped.summary, "pypy3", "io", "threads", 2)
    assert before_cpu is not None and after_cpu is not None and after_io is not None
    assert before_cpu["ideal"] != pytest.approx(2.0)
    assert after_cpu["ideal"] == 2.0  # waiting work: the number of workers
    assert after_io["ideal"] == pytest.approx(before_cpu["ideal"])  # CPU-bound: what the CPUs delivered


def test_traits_are_found_under_the_names_cells_use() -> None:
    [column] = load_paths([FIXTURES / "run-basic" / "3.13.json"]).results
    traits = compute.workload_traits([column])
    assert traits["cpu"].cpu_bound and traits["cpu=200000"] is traits["cpu"]  # listed twice, cells say cpu=200000
    assert compute.traits_of(traits, "mod:elsewhere").known is False


def test_an_older_file_gets_traits_derived_from_names_and_says_so() -> None:
    [column] = load_paths([FIXTURES / "v1" / "3.13.json"]).results
    [cpu] = [w for w in column.config.workloads if w.name == "cpu"]
    assert cpu.traits.source == DERIVED and dict(cpu.traits.kinds) == {"cpu": TaskTraits("cpu", "holds")}


def test_every_comparison_is_computed_once_before_any_section(computed: compute.Computed) -> None:
    rows = computed.comparisons.rows
    pairs = list(compared_pairs(computed.summary, computed.selection))
    assert pairs
    assert len(rows) == len({key for key in rows})
    baseline_pairs = sum(1 for cell in computed.summary.itertuples() if cell.walls)
    assert len(rows) <= baseline_pairs + len(pairs)
    for a, b in pairs:
        assert computed.comparisons.of(a, b).a[0] == a["interpreter"]


def test_speed_ups_are_read_from_the_table(computed: compute.Computed) -> None:
    cell = cell_of(computed.summary, "3.13", "cpu", "processes", 2)
    serial = cell_of(computed.summary, "3.13", "cpu", "serial", 1)
    assert cell is not None and serial is not None
    row = computed.comparisons.of(serial, cell)
    assert (cell["speedup"], cell["p_vs_serial"]) == (row.value, row.p)
    assert row.paired


def test_the_task_length_at_which_pool_costs_are_a_quarter() -> None:
    cell = {"tasks": 20.0, "workers": 2, "pool_startup_s": 0.02, "shutdown_s": 0.01, "gaps_s": 0.03}
    assert compute.quarter_task_s(cell) == pytest.approx(3 * 0.06 / 10)  # 10 tasks per worker
    assert compute.quarter_task_s({**cell, "workers": 5}) == pytest.approx(3 * 0.06 / 4)
    assert compute.quarter_task_s({**cell, "gaps_s": float("nan")}) != compute.quarter_task_s(cell)  # NaN: unknown
