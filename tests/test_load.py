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
