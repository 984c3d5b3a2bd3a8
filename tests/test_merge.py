"""Merge checks: every setting that changes the numbers, declared once, and a warning naming both values."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.report.load import load_paths
from bench.report.merge import MERGE_CHECKS, config_differences, merge_warnings

BASIC = Path(__file__).resolve().parent / "fixtures" / "run-basic"


def changed(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> list[str]:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    document = json.loads((run / "pypy3.json").read_text())
    change(document)
    (run / "pypy3.json").write_text(json.dumps(document))
    return [warning.text for warning in merge_warnings(load_paths([run]).results)]


def test_the_fixture_run_merges_without_a_difference() -> None:
    columns = load_paths([BASIC]).results
    assert set(config_differences(columns)) == {"warm-up"}  # PyPy takes more warm-ups by design
    assert merge_warnings(columns) == []


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d["config"].update(chunksize="auto"), "differ in chunk size: 1 (3.13, 3.13t) vs auto (pypy3)"),
        (lambda d: d["config"].update(pin=[0]), "differ in pinned CPUs: any (3.13, 3.13t) vs 0 (pypy3)"),
        (lambda d: d["config"].update(timeout_s=30), "differ in timeout: 600 s (3.13, 3.13t) vs 30 s (pypy3)"),
        (
            lambda d: d["config"].update(server={"latency_ms": 5, "page_bytes": 100}),
            "differ in pages: pages from --url (3.13, 3.13t) vs page server: 5 ms latency, 100 bytes a page (pypy3)",
        ),
        (
            lambda d: d["interpreter"].update(packages={"requests": "2.31.0"}),
            "differ in guest packages: not recorded (3.13, 3.13t) vs requests 2.31.0 (pypy3)",
        ),
        (
            lambda d: d["config"]["workloads"][0].update(traits={"cpu": {"uses": "wait", "gil": "releases"}}),
            "differ in workload traits: cpu=200000: cpu cpu/holds; io: io wait/releases (3.13, 3.13t) vs "
            "cpu=200000: cpu wait/releases; io: io wait/releases (pypy3)",
        ),
    ],
)
def test_a_setting_that_changes_the_numbers_is_a_warning_naming_both_values(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], said: str
) -> None:
    [text] = changed(tmp_path, change)
    assert said in text


def test_every_check_reads_a_value_from_any_file() -> None:
    columns = load_paths([BASIC]).results
    assert all(str(check(column)) for check in MERGE_CHECKS.values() for column in columns)
