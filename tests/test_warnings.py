"""Warnings a reader must see before trusting a number: from the data and the recorded traits, never from names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.report import compute
from bench.report.load import load_paths
from bench.report.warnings import report_warnings
from tests.test_compute import swap_traits

BASIC = Path(__file__).resolve().parent / "fixtures" / "run-basic"


def warnings_of(run: Path) -> dict[str, str]:
    loaded = load_paths([run])
    return {w.code: w.text for w in report_warnings(compute.compute(loaded.results), loaded)}


def test_a_workload_without_declared_traits_is_named_with_what_the_report_then_cannot_say(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    for path in run.glob("*.json"):
        if path.name != "run.json":
            document = json.loads(path.read_text())
            document["config"]["workloads"][0].update(traits={"cpu": {"uses": "unknown", "gil": "unknown"}})
            document["config"]["workloads"][0].update(traits_source="unknown")
            path.write_text(json.dumps(document))
    text = warnings_of(run)["traits-unknown"]
    assert text.startswith("cpu: no traits declared")
    assert "--traits WORKLOAD=cpu/holds" in text
    assert "traits-unknown" not in warnings_of(BASIC)


def test_which_workloads_overlap_their_waits_is_read_from_their_traits(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    for path in run.glob("*.json"):
        if path.name != "run.json":
            document = json.loads(path.read_text())
            document["machine"]["usable_cpus"] = 1
            path.write_text(json.dumps(document))
    assert "while waiting ones (io) still overlap" in warnings_of(run)["workers-over-cpus"]
    swap_traits(run)
    assert "while waiting ones (cpu) still overlap" in warnings_of(run)["workers-over-cpus"]
