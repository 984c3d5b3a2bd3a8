"""The report, built from checked-in fixtures: exact tables, escaping, and bad inputs survived."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bench.report import render
from bench.report.loading import load_paths
from tests.conftest import run_bench

FIXTURES = Path(__file__).parent / "fixtures"
BASIC = FIXTURES / "run-basic"
EXPECTED = FIXTURES / "expected-report.md"


@pytest.fixture
def run_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture run (the report is written next to the results)."""
    target = tmp_path / "results" / "fixture-run"
    shutil.copytree(BASIC, target)
    return target


def test_markdown_report_matches_the_expected_tables_exactly(run_copy: Path) -> None:
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (run_copy / "report.md").read_text() == EXPECTED.read_text()


def test_report_sections_and_latest_link(run_copy: Path) -> None:
    run_bench("report", str(run_copy))
    markdown = (run_copy / "report.md").read_text()
    for title in (
        "## What was measured",
        "## GIL impact",
        "## Cost of free-threading on one thread",
        "## Interpreters against each other",
        "## Every cell",
    ):
        assert title in markdown
    assert "## The talk's table" not in markdown  # only for the seed preset
    latest = run_copy.parent / "latest"
    assert latest.is_symlink() and latest.resolve() == run_copy.resolve()


def test_csv_has_one_tidy_row_per_measured_repetition(run_copy: Path) -> None:
    run_bench("report", str(run_copy))
    frame = pd.read_csv(run_copy / "results.csv")
    assert len(frame) == 3 * 2 * 4 * 6  # interpreters x workloads x cells x repetitions
    assert {
        "interpreter",
        "workload",
        "executor",
        "workers",
        "repetition",
        "wall_s",
        "machine",
        "free_threaded_build",
        "gil_enabled",
    } <= set(frame.columns)
    cpu_ft = frame[
        (frame["interpreter"] == "3.13t")
        & (frame["workload"] == "cpu")
        & (frame["executor"] == "threads")
        & (frame["workers"] == 2)
    ]
    assert sorted(cpu_ft["wall_s"]) == [round(0.62 * f, 6) for f in (0.97, 0.99, 1.0, 1.0, 1.01, 1.04)]


def test_seed_preset_adds_the_talks_table(tmp_path: Path) -> None:
    target = tmp_path / "seed"
    shutil.copytree(BASIC, target)
    for path in target.glob("3.*.json"):
        document = json.loads(path.read_text())
        document["config"]["preset"] = "seed"
        path.write_text(json.dumps(document))
    (target / "pypy3.json").unlink()
    (target / "run.json").unlink()
    report = render.build(load_paths([target]))
    seed = next(section for section in report.sections if section.title == "The talk's table")
    rows = seed.tables[0][1].rows
    assert [row[0] for row in rows][:3] == [
        "io_work_load single thread",
        "io_work_load 5 threads",
        "io_work_load 5 process",
    ]
    assert rows[3] == ["cpu_work_load single thread", "1.00 s", "1.20 s"]
    assert rows[4] == ["cpu_work_load 5 threads", "–", "–"]  # the fixture has no 5-worker cells


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("gilbench: warning: ")]


def test_corrupt_and_truncated_files_are_named_and_the_rest_reported(run_copy: Path) -> None:
    text = (run_copy / "pypy3.json").read_text()
    (run_copy / "pypy3.json").write_text(text[: len(text) // 2])
    (run_copy / "junk.json").write_text("[1, 2")
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    problems = _problem_lines(done.stderr)
    assert len(problems) == 2
    assert any(f"{run_copy / 'pypy3.json'}: not valid JSON, truncated or corrupt" in line for line in problems)
    assert any(f"{run_copy / 'junk.json'}: not valid JSON" in line for line in problems)
    markdown = (run_copy / "report.md").read_text()
    assert "| 3.13t threads" in markdown and "pypy3 threads" not in markdown
    assert "Interpreter pypy3 is missing from this run" in markdown
    assert not (run_copy.parent / "latest").exists()  # an incomplete run is not "latest"


def test_a_newer_schema_version_is_refused_by_name(run_copy: Path) -> None:
    document = json.loads((run_copy / "3.13t.json").read_text())
    document["schema_version"] = 99
    (run_copy / "3.13t.json").write_text(json.dumps(document))
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0
    assert _problem_lines(done.stderr) == [
        f"gilbench: warning: {run_copy / '3.13t.json'}: schema_version 99 is newer than this gilbench understands "
        "(up to 1); upgrade gilbench to report it"
    ]


def test_two_files_claiming_one_interpreter(run_copy: Path) -> None:
    shutil.copy(run_copy / "3.13.json", run_copy / "3.13-again.json")
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0
    [line] = _problem_lines(done.stderr)
    assert f"{run_copy / '3.13.json'}: claims interpreter '3.13' of run 'fixture-run', already given by" in line
    assert str(run_copy / "3.13-again.json") in line


def test_a_folder_with_no_results_is_a_one_line_error(tmp_path: Path) -> None:
    done = run_bench("report", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"gilbench: warning: {tmp_path}: no result files (*.json) in this folder",
        f"gilbench: error: no usable result files in {tmp_path}",
    ]


def test_strings_from_result_files_are_escaped(run_copy: Path) -> None:
    document = json.loads((run_copy / "pypy3.json").read_text())
    document["interpreter"]["label"] = "<script>alert(1)</script>|x"
    (run_copy / "pypy3.json").write_text(json.dumps(document))
    run_bench("report", str(run_copy))
    page = (run_copy / "report.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in page
    markdown = (run_copy / "report.md").read_text()
    assert "<script>alert(1)</script>\\|x" in markdown  # the pipe cannot break a Markdown table


def test_free_threaded_build_with_gil_on_is_a_loud_warning(run_copy: Path) -> None:
    document = json.loads((run_copy / "3.13t.json").read_text())
    document["interpreter"]["gil_enabled"] = True
    document["interpreter"]["python_gil_env"] = "1"
    (run_copy / "3.13t.json").write_text(json.dumps(document))
    report = render.build(load_paths([run_copy]))
    assert report.warnings[0] == (
        "3.13t is a free-threaded build but ran with the GIL ON (PYTHON_GIL=1 forced it): "
        "its numbers are not free-threaded numbers."
    )


def test_results_from_two_machines_get_a_machine_column(run_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-machine"
    other.mkdir()
    document = json.loads((run_copy / "3.13.json").read_text())
    document["machine"]["hostname"] = "laptop"
    (other / "3.13.json").write_text(json.dumps(document))
    out = tmp_path / "combined"
    done = run_bench("report", str(run_copy), str(other), "--out", str(out))
    assert done.returncode == 0, done.stderr
    markdown = (out / "report.md").read_text()
    assert "3.13 @ laptop threads" in markdown and "3.13 @ fixture-host threads" in markdown


def test_every_table_format_and_the_pictures(run_copy: Path) -> None:
    done = run_bench("report", str(run_copy), "--format", "markdown,html,csv,rst,latex")
    assert done.returncode == 0, done.stderr
    for name in ("report.md", "report.html", "report.rst", "report.tex", "results.csv", "cells.csv"):
        assert (run_copy / name).stat().st_size > 0, name
    assert "+--------" in (run_copy / "report.rst").read_text() or "====" in (run_copy / "report.rst").read_text()
    assert "\\toprule" in (run_copy / "report.tex").read_text()
    plots = sorted(path.name for path in (run_copy / "plots").iterdir())
    assert plots == [
        "interpreters.png",
        "interpreters.svg",
        "speedup.png",
        "speedup.svg",
        "timeline-cpu-threads-x2.png",
        "timeline-cpu-threads-x2.svg",
    ]
    markdown = (run_copy / "report.md").read_text()
    assert "![Speed-up curves](plots/speedup.png)" in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "docx"],
            "gilbench: error: --format 'docx': unknown docx; accepted: markdown, html, csv, rst, latex",
        ),
        (
            ["--timeline", "cpu:threads:64"],
            "gilbench: error: --timeline cpu:threads:64: no interpreter measured that cell",
        ),
        (
            ["--timeline", "cpu-threads"],
            "gilbench: error: --timeline 'cpu-threads': expected WORKLOAD:EXECUTOR:WORKERS",
        ),
    ],
)
def test_bad_report_options_are_one_line_errors_and_lose_nothing(run_copy: Path, args: list[str], message: str) -> None:
    before = {path.name: path.read_bytes() for path in run_copy.glob("*.json")}
    done = run_bench("report", str(run_copy), *args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith(message)
    assert {path.name: path.read_bytes() for path in run_copy.glob("*.json")} == before


def test_chosen_timeline_is_drawn(run_copy: Path) -> None:
    done = run_bench("report", str(run_copy), "--timeline", "io:processes:2")
    assert done.returncode == 0, done.stderr
    assert (run_copy / "plots" / "timeline-io-processes-x2.png").is_file()
    assert not (run_copy / "plots" / "timeline-cpu-threads-x2.png").exists()


def test_pyperf_compare_to_reads_the_export(run_copy: Path) -> None:
    import subprocess
    import sys

    run_bench("report", str(run_copy))
    exported = run_copy / "pyperf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyperf",
            "compare_to",
            str(exported / "3.13.json"),
            str(exported / "3.13t.json"),
            "--table",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "cpu-threads-x2" in done.stdout
    assert "1.61x faster" in done.stdout  # 3.13t's two threads against 3.13's: 1.00 s / 0.62 s
