"""Loading results: every usable file becomes a column; every unusable one a problem naming it, never a crash."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench.report.load import load_paths, read_document, result_files
from bench.result import ResultError

BASIC = Path(__file__).parent / "fixtures" / "run-basic"


@pytest.fixture
def run(tmp_path: Path) -> Path:
    target = tmp_path / "run"
    shutil.copytree(BASIC, target)
    return target


def test_a_run_folder_gives_one_column_per_interpreter_and_its_manifest(run: Path) -> None:
    loaded = load_paths([run])
    assert [column.name for column in loaded.results] == ["3.13", "3.13t", "pypy3"]
    assert not loaded.problems
    assert len(loaded.manifests) == 1


def test_a_broken_file_is_a_problem_naming_it_and_the_others_still_load(run: Path) -> None:
    (run / "pypy3.json").write_text('{"schema_version": 6, "run_id": ')
    loaded = load_paths([run])
    assert [column.name for column in loaded.results] == ["3.13", "3.13t"]
    assert len(loaded.problems) == 1 and "pypy3.json" in loaded.problems[0] and "JSON" in loaded.problems[0]


def test_the_report_and_the_manifest_are_never_read_as_results(run: Path) -> None:
    (run / "answer.json").write_text("{}")
    (run / ".3.13.json.lock").write_text("")
    assert [path.name for path in result_files(run)] == ["3.13.json", "3.13t.json", "pypy3.json"]


def test_the_same_interpreter_twice_is_used_once(run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.json"
    shutil.copy(run / "3.13.json", copy)
    loaded = load_paths([run, copy])
    assert len(loaded.results) == 3
    assert any("already given by" in problem for problem in loaded.problems)


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ResultError, match="not a regular file"):
        read_document(fifo)  # opened without blocking: a FIFO never hangs the report


def test_a_label_that_is_no_safe_name_is_refused(run: Path) -> None:
    data = json.loads((run / "3.13.json").read_text())
    data["interpreter"]["label"] = "../../etc"
    (run / "3.13.json").write_text(json.dumps(data))
    with pytest.raises(ResultError, match=r"interpreter\.label"):
        read_document(run / "3.13.json")


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    loaded = load_paths([tmp_path / "nowhere"])
    assert loaded.results == [] and loaded.problems == [f"{tmp_path / 'nowhere'}: no such file or folder"]


def _edit_runs(path: Path, change: object) -> None:
    data = json.loads(path.read_text())
    change(data["cells"][0]["runs"])  # type: ignore[operator]
    path.write_text(json.dumps(data))


def test_a_round_recorded_twice_leaves_its_cell_out_with_one_line(run: Path) -> None:
    """Tempting: 6 runs from 5 distinct rounds would be "paired by round" with one round counted twice."""
    _edit_runs(run / "3.13.json", lambda runs: runs[1].update(round=runs[0]["round"]))
    loaded = load_paths([run])
    [problem] = loaded.problems
    assert "3.13.json: cell cpu serial: round" in problem and "recorded twice" in problem
    mine = next(column for column in loaded.results if column.name == "3.13")
    assert "cpu serial" not in [cell.name for cell in mine.document.cells]
    assert len(mine.document.cells) == len(json.loads((run / "3.13.json").read_text())["cells"]) - 1


def test_a_round_beyond_the_runs_last_is_refused(run: Path) -> None:
    _edit_runs(run / "3.13t.json", lambda runs: runs[0].update(round=10**9))
    [problem] = load_paths([run]).problems
    assert "round 1000000000 is not one of this run's rounds (1 to " in problem


def test_rounds_added_after_the_planned_ones_stay_valid_and_round_0_is_exempt(run: Path) -> None:
    manifest = json.loads((run / "run.json").read_text())
    last = len(manifest["round_orders"])
    manifest["round_orders"].append(manifest["round_orders"][-1])  # one round added, numbered on from the rest
    (run / "run.json").write_text(json.dumps(manifest))
    _edit_runs(run / "3.13.json", lambda runs: runs.append({**runs[-1], "round": last + 1}))
    _edit_runs(run / "pypy3.json", lambda runs: [run.update(round=0) for run in runs])
    assert load_paths([run]).problems == []


def test_a_malformed_manifest_is_one_line_and_the_results_beside_it_still_report(run: Path) -> None:
    manifest = json.loads((run / "run.json").read_text())
    manifest["round_orders"][0][0][1] = None  # a null cell index
    (run / "run.json").write_text(json.dumps(manifest))
    loaded = load_paths([run])
    assert [column.name for column in loaded.results] == ["3.13", "3.13t", "pypy3"]
    [problem] = loaded.problems
    assert problem.startswith(f"{run / 'run.json'}: unreadable run manifest (round_orders: expected [label")
    assert loaded.manifests == []
