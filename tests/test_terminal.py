"""The answer in the terminal and in a GitHub job summary: answer.md's table fitted to the width, the report's
path, and --quiet printing the table alone (real `python -m bench report` runs on the checked-in fixture)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.report import pipeline
from bench.report.load import load_paths
from bench.report.terminal import NARROWEST_COLUMN, answer_table, fitted, terminal_answer
from tests.conftest import run_bench

BASIC = Path(__file__).resolve().parent / "fixtures" / "run-basic"


def test_the_table_is_fitted_to_the_terminal_by_wrapping_its_widest_columns() -> None:
    report = pipeline.build(load_paths([BASIC]))
    table = answer_table(report)
    assert table is not None
    wide = fitted(table, 400)
    assert len(wide.splitlines()) == len(table.rows) + 2  # header, rule, one line per row: nothing wrapped
    narrow = fitted(table, 80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert all(row[0] in narrow for row in table.rows)  # every workload still there
    tiny = fitted(table, 10)  # narrower than any table can be: every column at its narrowest, none lost
    assert len(tiny.splitlines()[0].split()) >= len(table.headers) - 1 and NARROWEST_COLUMN == 8


def test_the_report_ends_with_the_answer_and_where_the_full_report_is(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    done = run_bench("report", str(run), env={"COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == f"full report: {run / 'report.md'}"
    assert any(line.startswith("workload") and "fastest" in line for line in lines)
    assert all(len(line) <= 100 for line in lines if not line.startswith(("wrote", "full report")))


def test_quiet_prints_the_table_alone(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    done = run_bench("report", "--quiet", str(run), env={"COLUMNS": "160"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("workload")
    assert "wrote" not in done.stdout and "full report" not in done.stdout
    assert (run / "report.md").is_file()  # quiet, not idle


def test_a_github_job_summary_gets_the_answer_appended(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    done = run_bench("report", "--quiet", str(run), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith("earlier step\n## gilbench: the answer\n")
    assert "| workload | fastest |" in text and f"`{run / 'report.md'}`" in text


def test_no_answer_is_said_so() -> None:
    report = pipeline.build(load_paths([BASIC]))
    report.sections = [section for section in report.sections if section.title != "The answer"]
    assert terminal_answer(report, Path("r.md"), width=80).splitlines()[0].startswith("(no answer")
