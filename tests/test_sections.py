"""Sections: what they say is driven by the recorded traits and the vocabulary, never by a workload's name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.report import compute, sections
from bench.report.load import Column, load_paths
from bench.report.selection import cell_of
from tests.test_compute import swap_traits

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def computed() -> compute.Computed:
    return compute.compute(load_paths([FIXTURES / "run-verdicts"]).results)


def test_cpu_bound_workloads_are_listed_from_their_traits_those_holding_the_gil_first(
    computed: compute.Computed,
) -> None:
    assert sections.cpu_bound_workloads(computed) == ["cpu", "objects"]
    intro = sections.matrix_section(computed).paragraphs[0]
    assert "The ideal of a CPU-bound workload (cpu, objects) is min(workers, usable CPUs)" in intro


def test_a_speed_up_beyond_the_cpus_is_marked_only_for_cpu_bound_work(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "run-basic", run)
    document = json.loads((run / "3.13.json").read_text())
    for cell in document["cells"]:
        if (cell["executor"], cell["workers"]) == ("threads", 2):
            for repetition in cell["runs"]:
                repetition["wall_s"] /= 3  # 3x of a one-worker run with 2 workers on 2 CPUs: no CPU can give that
    (run / "3.13.json").write_text(json.dumps(document))
    marked = compute.compute(load_paths([run]).results)
    cpu, io = (cell_of(marked.summary, "3.13", w, "threads", 2) for w in ("cpu", "io"))
    assert cpu is not None and io is not None
    assert "⚠ above the 2-CPU limit" in sections.speedup_text(marked, cpu)
    assert "⚠" not in sections.speedup_text(marked, io)  # waits overlap: 2 workers may wait 3x as much
    swap_traits(run)
    swapped = compute.compute(load_paths([run]).results)
    cpu = cell_of(swapped.summary, "3.13", "cpu", "threads", 2)
    assert cpu is not None and "⚠" not in sections.speedup_text(swapped, cpu)  # recorded as waiting


def test_older_files_without_rounds_say_they_were_compared_as_independent_samples() -> None:
    computed = compute.compute(load_paths([FIXTURES / "v1" / "3.13.json"]).results)
    text = sections.method_text(computed)
    assert "These results carry no round numbers (an older file)" in text
    assert "Mann-Whitney U" in text


def test_the_strategy_columns_follow_the_vocabulary(computed: compute.Computed) -> None:
    headers = sections.gil_impact_section(computed).tables[0][1].headers
    assert headers == ["workload", "interpreter", "threads", "processes", "subinterpreters", "verdict"]


def _with_config(tmp_path: Path, **changes: object) -> list[Column]:
    """The basic fixture run's columns, with every file's config changed."""
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "run-basic", run)
    for path in run.glob("*.json"):
        if path.name != "run.json":
            document = json.loads(path.read_text())
            document["config"].update(changes)
            path.write_text(json.dumps(document))
    return load_paths([run]).results


def test_how_pools_were_warmed_is_said_as_each_file_recorded_it(tmp_path: Path) -> None:
    """Older files (no ``pools_warmed``) ran their pools cold; new ones warm them inside the pool; warm-up 0 is
    the talk's cold start.  A run mixing the two is not called warmed."""
    warmed = _with_config(tmp_path / "a", pools_warmed=True)
    said = sections.warmup_sentence(warmed)
    assert "process pools and subinterpreters warm up inside their pool, after its start-up" in said
    older = _with_config(tmp_path / "b", pools_warmed=False)  # as files from before pools were warmed read
    assert "process pools and subinterpreters were measured cold" in sections.warmup_sentence(older)
    assert "warm up inside" not in sections.warmup_sentence([*warmed[:1], *older[1:]])
    cold = sections.warmup_sentence(_with_config(tmp_path / "d", warmup=0, pools_warmed=True))
    assert cold.startswith("no warm-up: every cell measured cold") and "warm up inside" not in cold


def test_the_313t_cost_names_the_specializer_only_for_313t(tmp_path: Path) -> None:
    """3.13t's single-thread cost partly comes from its specializer being off (gh-115999); a 3.14t's does not."""
    columns = load_paths([FIXTURES / "run-basic"]).results
    [said] = sections.specializer_context([c for c in columns if c.name == "3.13t"], columns)
    assert said.startswith("Part of 3.13t's cost is the 3.13 free-threaded build's own")
    assert "gh-115999" in said and said.endswith("no 3.14t was measured here.")
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "run-basic", run)
    document = json.loads((run / "3.13t.json").read_text())
    document["interpreter"].update(version="3.14.0", version_info=[3, 14, 0, "final", 0])
    (run / "3.13t.json").write_text(json.dumps(document))
    later = load_paths([run]).results
    assert sections.specializer_context([c for c in later if c.interpreter.free_threaded_build], later) == []


def test_cpu_pairing_is_said_only_when_every_file_of_one_run_recorded_it(tmp_path: Path) -> None:
    """The method names the round's CPU only for a run whose every file was measured that way: not for one file
    short of it (a runner that could not pin), nor for the files of older runs."""
    said = "ran on the round's CPU, the same for every interpreter"
    paired = _with_config(tmp_path / "a", same_cpu=True)
    assert compute.compute(paired).one_run
    assert said in sections.method_text(compute.compute(paired))
    unpaired = _with_config(tmp_path / "b", same_cpu=False)
    assert said not in sections.method_text(compute.compute(unpaired))
    one_short = [*paired[:-1], *unpaired[-1:]]  # one interpreter's file without it, in the same run
    assert said not in sections.method_text(compute.compute(one_short))
    older = load_paths([FIXTURES / "run-basic"]).results  # files written before same_cpu existed
    assert said not in sections.method_text(compute.compute(older))
