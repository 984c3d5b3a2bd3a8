"""`benchmarks/opt_builds.py`: each optimized build against its plain twin, paired by round, on a committed run."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench import verdict
from tests.conftest import load_benchmark

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "results" / "opt-builds"  # 3.13, 3.13+opt, 3.13t, 3.13t+opt in the same 8 rounds


def walls(label: str, executor: str) -> dict[int, float]:
    document = json.loads((RUN / f"{label}.json").read_text())
    [cell] = [c for c in document["cells"] if c["workload"] == "cpu" and c["executor"] == executor]
    return {run["round"]: run["wall_s"] for run in cell["runs"]}


def test_each_optimized_build_is_paired_with_its_plain_twin_round_by_round() -> None:
    from bench.report.compute import tidy_runs
    from bench.report.load import load_paths

    table = load_benchmark("opt_builds").paired_ratios(tidy_runs(load_paths([RUN]).results))
    assert sorted(set(table["pair"])) == ["3.13 / 3.13+opt", "3.13t / 3.13t+opt"]  # never 3.13 against 3.13t+opt
    assert len(table) == 8 and set(table["rounds"]) == {8}
    plain, optimized = walls("3.13t", "serial"), walls("3.13t+opt", "serial")
    ratios = [plain[r] / optimized[r] for r in plain]
    [row] = table[(table["pair"] == "3.13t / 3.13t+opt") & (table["cell"] == "cpu serial x1")].to_dict("records")
    interval = verdict.paired_interval(ratios)
    assert row["plain / optimized"] == f"{interval.ratio:.2f}x [{interval.low:.2f}-{interval.high:.2f}]"
    assert row["verdict"] == interval.outcome()
    assert row["plain ms"] == 1000 * statistics.median(plain.values())


def test_a_run_without_an_optimized_build_says_so_in_one_line(tmp_path: Path) -> None:
    run = tmp_path / "plain-only"
    run.mkdir()
    (run / "3.13.json").write_bytes((RUN / "3.13.json").read_bytes())
    command = [sys.executable, str(ROOT / "benchmarks" / "opt_builds.py"), str(run)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == f"{run}: no label X with an X+opt beside it"
