"""The report, built from checked-in fixtures: exact tables (Markdown, CSV, HTML), merging, bad inputs survived.

The fixtures in ``tests/fixtures/run-basic`` are written by the real runner with
simulated facts and timings; ``nox -s fixtures`` rewrites them and the golden
files in ``tests/fixtures/golden`` (with ``UPDATE_GOLDEN=1``), to be reviewed as a diff.
"""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest

from bench.report import pipeline
from bench.report.load import load_paths
from bench.result import SCHEMA_VERSION
from tests.conftest import run_bench

FIXTURES = Path(__file__).parent / "fixtures"
BASIC = FIXTURES / "run-basic"
GOLDEN = FIXTURES / "golden"


@pytest.fixture
def run_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture run (the report is written next to the results)."""
    target = tmp_path / "results" / "fixture-run"
    shutil.copytree(BASIC, target)
    return target


def edit(path: Path, change: object) -> None:
    """Rewrite one result file through a function of its parsed JSON."""
    document = json.loads(path.read_text())
    change(document)  # type: ignore[operator]
    path.write_text(json.dumps(document))


def assert_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{name} differs; if intended, run `nox -s fixtures` and review the diff"


class _Structure(HTMLParser):
    """The HTML page as lines of text per structural element (headings, list items, table rows), no pixels."""

    BLOCKS: ClassVar[frozenset[str]] = frozenset({"h1", "h2", "h3", "li", "th", "td", "p", "figcaption"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.row: list[str] | None = None
        self.text: list[str] | None = None
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.row = []
        elif tag in self.BLOCKS:
            self.text, self.current = [], tag
            code = dict(attrs).get("data-code")
            if code:
                self.text.append(f"[{code}] ")
        elif tag == "table":
            self.lines.append("<table>")
        elif tag == "img":
            self.lines.append(f"<img alt={dict(attrs).get('alt')!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.row is not None:
            self.lines.append("| " + " | ".join(self.row) + " |")
            self.row = None
        elif tag in self.BLOCKS and self.text is not None:
            text = " ".join("".join(self.text).split())
            if self.row is not None and tag in ("th", "td"):
                self.row.append(text)
            else:
                self.lines.append(f"{tag}: {text}")
            self.text = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def html_structure(page: str) -> str:
    parser = _Structure()
    parser.feed(page)
    return "\n".join(parser.lines) + "\n"


def test_golden_markdown_csv_and_html(run_copy: Path) -> None:
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert_golden("report.md", (run_copy / "report.md").read_text())
    assert_golden("results.csv", (run_copy / "results.csv").read_text().replace(str(run_copy), "<run>"))
    assert_golden("report-html.txt", html_structure((run_copy / "report.html").read_text()))


def test_golden_rst_and_latex_carry_the_same_warnings_and_sentences(run_copy: Path) -> None:
    """One rendering walk: reStructuredText and LaTeX say every warning and sentence Markdown says, in its order."""
    done = run_bench("report", str(run_copy), "--format", "markdown,rst,latex")
    assert done.returncode == 0, done.stderr
    rst, tex = (run_copy / "report.rst").read_text(), (run_copy / "report.tex").read_text()
    assert_golden("report.rst", rst)
    assert_golden("report.tex", tex)
    report = pipeline.build(load_paths([run_copy]))
    assert report.warnings
    flat = {name: " ".join(text.split()) for name, text in (("rst", rst), ("tex", tex))}
    for warning in report.warnings:
        words = warning.text.split()[:6]  # the words before any character a format escapes
        assert all(" ".join(words) in text.replace("\\", "") for text in flat.values()), warning.text
    for section in report.sections:
        assert section.title in flat["rst"] and section.title in flat["tex"]
        for sentence in [*section.paragraphs, *section.after]:
            start = " ".join(sentence.split()[:4])
            assert start.replace("`", "") in flat["rst"].replace("`", "").replace("\\", ""), sentence
    markdown = (run_copy / "report.md").read_text()
    order = [title for title in ("The answer", "Warnings", "GIL impact", "Pictures") if title in markdown]
    for text in (markdown, rst, tex):
        assert [text.index(title) for title in order] == sorted(text.index(title) for title in order)


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
    assert len(frame) == 3 * 2 * 5 * 8  # interpreters x workloads x cells x rounds
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
    factors = (0.97, 0.98, 0.99, 1.0, 1.0, 1.01, 1.02, 1.04)
    assert sorted(cpu_ft["wall_s"]) == [round(0.62 * f, 6) for f in factors]
    assert sorted(cpu_ft["round"]) == list(range(1, 9))


def test_seed_preset_adds_the_talks_table(tmp_path: Path) -> None:
    target = tmp_path / "seed"
    shutil.copytree(BASIC, target)
    for path in target.glob("3.*.json"):
        edit(path, lambda document: document["config"].update(preset="seed"))
    (target / "pypy3.json").unlink()
    (target / "run.json").unlink()
    report = pipeline.build(load_paths([target]))
    seed = next(section for section in report.sections if section.title == "The talk's table")
    rows = seed.tables[0][1].rows
    assert [row[:2] for row in rows][:2] == [["cpu_work_load", "3.13"], ["cpu_work_load", "3.13t"]]
    assert rows[0] == ["cpu_work_load", "3.13", "1000", "–", "–"]  # 1 thread (ms); the fixture has no 5-worker cells
    assert [row[0] for row in rows][2:] == ["io_work_load"] * 2 + ["io_and_cpu_work_load"] * 2
    assert seed.after[0] == "Does CPU work need processes? 3.13: not measured; 3.13t: not measured."


def gil_interpreters(markdown: str) -> list[str]:
    """The interpreter column of the GIL impact table: who the report made claims about."""
    section = markdown.split("## GIL impact", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| workload")]
    return list(dict.fromkeys(line.split("|")[2].strip() for line in rows))


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
    assert gil_interpreters(markdown) == ["3.13", "3.13t"]
    assert "Interpreter pypy3 is missing from this run" in markdown
    assert not (run_copy.parent / "latest").exists()  # an incomplete run is not "latest"


def test_a_newer_schema_version_is_refused_by_name(run_copy: Path) -> None:
    edit(run_copy / "3.13t.json", lambda document: document.update(schema_version=99))
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0
    assert _problem_lines(done.stderr) == [
        f"gilbench: warning: {run_copy / '3.13t.json'}: schema_version 99 is newer than this gilbench understands "
        f"(up to {SCHEMA_VERSION}); upgrade gilbench to report it"
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
    """A label must obey ``--label``'s rule (test_hostile.py); a host name may hold anything, and is escaped."""
    edit(run_copy / "pypy3.json", lambda document: document["machine"].update(hostname="<script>alert(1)</script>|x"))
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    page = (run_copy / "report.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in page
    markdown = (run_copy / "report.md").read_text()
    assert "<script" not in markdown and "&lt;script>alert(1)&lt;/script>\\|x" in markdown  # no tag, no broken table


def test_free_threaded_build_with_gil_on_is_a_loud_warning(run_copy: Path) -> None:
    edit(run_copy / "3.13t.json", lambda document: document["interpreter"].update(gil_enabled=True, python_gil_env="1"))
    report = pipeline.build(load_paths([run_copy]))
    [warning] = [warning for warning in report.warnings if warning.code == "gil-on"]
    assert warning.text == (
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
    assert {"3.13 @ laptop", "3.13 @ fixture-host"} <= set(gil_interpreters(markdown))
    assert "2 results are labelled 3.13: they are shown as 3.13 @ fixture-host and 3.13 @ laptop" in markdown
    assert "The merged results differ in machine: fixture-host" in markdown


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
        "probe.png",
        "probe.svg",
        "speedup.png",
        "speedup.svg",
        "talk-cpu.png",  # the talk's picture for each of its workloads the run measured
        "talk-cpu.svg",
        "talk-io.png",
        "talk-io.svg",
    ]
    markdown = (run_copy / "report.md").read_text()
    assert "![Speed-up curves](plots/speedup.png)" in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "docx"],
            "gilbench: error: --format 'docx': unknown docx; accepted: markdown, json, html, csv, rst, latex, pyperf",
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


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["cells"][0].update(runs=None), "cells[0].runs: expected a list, got null"),
        (
            lambda d: d["cells"][1].update(workers="two"),
            "cells[1].workers: expected a whole number >= 1 and below 2**63, got 'two'",
        ),
        (lambda d: d.pop("interpreter"), "interpreter: missing"),
        (
            lambda d: d["cells"][2]["runs"][0].update(wall_s=-1),
            "cells[2].runs[0].wall_s: expected a number of seconds above 0, up to 1e+06, got -1",
        ),
        (lambda d: d["cells"][0].update(status="great"), "cells[0].status: expected one of ok, failed, timeout"),
        (lambda d: d.update(cells=[]), "interrupted before any cell was measured"),
        (
            lambda d: d["machine"].update(usable_cpus=0),
            "machine.usable_cpus: expected a whole number >= 1 and below 2**63, got 0",
        ),
    ],
)
def test_a_bad_file_is_skipped_with_one_line_and_the_report_still_renders(
    run_copy: Path, change: object, problem: str
) -> None:
    edit(run_copy / "pypy3.json", change)
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    [line] = _problem_lines(done.stderr)
    assert line.startswith(f"gilbench: warning: {run_copy / 'pypy3.json'}: ")
    assert problem in line
    markdown = (run_copy / "report.md").read_text()
    assert gil_interpreters(markdown) == ["3.13", "3.13t"]


def test_non_utf8_bytes_are_named(run_copy: Path) -> None:
    (run_copy / "pypy3.json").write_bytes(b'{"schema_version": 2, "run_id": "\xff\xfe"}')
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    [line] = _problem_lines(done.stderr)
    assert line == f"gilbench: warning: {run_copy / 'pypy3.json'}: not UTF-8 text (byte 33); the file is corrupt"


def test_a_version_1_file_is_upgraded_and_reported(tmp_path: Path) -> None:
    run = tmp_path / "v1"
    shutil.copytree(FIXTURES / "v1", run)
    done = run_bench("report", str(run))
    assert done.returncode == 0, done.stderr
    markdown = (run / "report.md").read_text()
    assert (
        "| cpu        | 3.13          | 1.00x [0.96–1.04], 2 workers | 1.92x [1.84–2.01], 2 workers |" in markdown
    )  # independent: no rounds
    report = pipeline.build(load_paths([run]))
    assert report.columns[0].document.cells[0].warmup_s == (1.0,)
    answer = next(section for section in report.sections if section.title == "How to read this report")
    assert "carry no round numbers (an older file)" in answer.paragraphs[1]  # never described as paired


def test_results_of_two_runs_with_one_label_become_two_columns(run_copy: Path, tmp_path: Path) -> None:
    later = tmp_path / "results" / "later-run"
    later.mkdir()
    shutil.copy(run_copy / "3.13.json", later / "3.13.json")
    edit(later / "3.13.json", lambda document: document.update(run_id="later-run"))
    report = pipeline.build(load_paths([run_copy, later]))
    assert report.names == ["3.13 (fixture-run)", "3.13t", "pypy3", "3.13 (later-run)"]
    [warning] = [w for w in report.warnings if w.code == "same-label"]
    assert warning.text.startswith(
        "2 results are labelled 3.13: they are shown as 3.13 (fixture-run) and 3.13 (later-run)"
    )
    rows = next(section for section in report.sections if section.title == "GIL impact").tables[0][1].rows
    assert {"3.13 (fixture-run)", "3.13 (later-run)"} <= {row[1] for row in rows}


def test_merged_files_with_different_settings_warn_naming_both_values(run_copy: Path) -> None:
    edit(run_copy / "pypy3.json", lambda document: document["config"].update(load=8, start_method="spawn"))
    report = pipeline.build(load_paths([run_copy]))
    texts = [w.text for w in report.warnings if w.code == "config-differs"]
    assert texts == [
        "The merged results differ in load: 4 (3.13, 3.13t) vs 8 (pypy3). Their numbers are not like for like; "
        "each interpreter's own configuration is listed under What was measured.",
        "The merged results differ in start method: fork (3.13, 3.13t) vs spawn (pypy3). Their numbers are not like "
        "for like; each interpreter's own configuration is listed under What was measured.",
    ]
    measured = next(section for section in report.sections if section.title == "What was measured")
    caption, own = measured.tables[2]
    assert caption == "Each interpreter's own configuration (they differ)"
    assert own.headers[:4] == ["interpreter", "workloads", "workload traits", "load"]
    assert [row[3] for row in own.rows] == ["4", "4", "8"]
    assert not any(paragraph.startswith("Preset:") for paragraph in measured.paragraphs)  # no single config claimed


def test_pypy_taking_more_warm_ups_is_not_a_difference(run_copy: Path) -> None:
    report = pipeline.build(load_paths([run_copy]))
    codes = [w.code for w in report.warnings]
    assert codes == ["free-threaded-3.13", "others-busy", "turbo"]  # the fixtures' own warnings only
    assert "config-differs" not in codes


def test_runner_warnings_keep_their_codes_and_worker_counts_come_from_the_data(run_copy: Path) -> None:
    def add_warning(document: dict[str, object]) -> None:
        document["warnings"] = [{"code": "workers-over-cpus", "text": "anything at all", "cells": []}]

    edit(run_copy / "3.13.json", add_warning)
    report = pipeline.build(load_paths([run_copy]))
    assert "anything at all" not in " ".join(w.text for w in report.warnings)  # by code, never by wording
    assert "workers-over-cpus" not in [w.code for w in report.warnings]  # no cell above 2 usable CPUs here


def _keep_rounds(count: int) -> object:
    def change(document: dict[str, object]) -> None:
        for cell in document["cells"]:  # type: ignore[attr-defined]
            cell["runs"] = [run for run in cell["runs"] if run["round"] <= count]
        document["config"]["repeat"] = count  # type: ignore[index]

    return change


def test_fewer_rounds_widen_the_intervals_and_the_words_still_follow_them(run_copy: Path) -> None:
    """5 rounds: Wilcoxon's p can never fall below 0.0625, yet a difference the interval settles is still a
    difference; and nothing the interval leaves open is called the same."""
    for path in run_copy.glob("*.json"):
        if path.name != "run.json":
            edit(path, _keep_rounds(5))
    report = pipeline.build(load_paths([run_copy]))
    answer = next(section for section in report.sections if section.title == "How to read this report")
    assert "with 5 rounds its smallest is 0.0625" in answer.paragraphs[1]
    for row in report.computed.comparisons.unique():
        assert row.n <= 5
        if row.outcome in ("faster", "slower"):
            assert row.low > 1 or row.high < 1
    gil = next(section for section in report.sections if section.title == "GIL impact")
    verdicts = " ".join(row[-1] for row in gil.tables[0][1].rows)
    assert "no significant difference" not in verdicts and "tied" not in verdicts


def test_a_speed_up_range_beyond_the_cpus_is_marked(run_copy: Path) -> None:
    def faster_threads_in_one_round(document: dict[str, object]) -> None:
        for cell in document["cells"]:  # type: ignore[attr-defined]
            if (cell["workload"], cell["executor"], cell["workers"]) == ("cpu", "threads", 2):
                cell["runs"][0]["wall_s"] = 0.5  # one round 2.4x faster than serial: impossible on 2 CPUs

    edit(run_copy / "3.13t.json", faster_threads_in_one_round)
    report = pipeline.build(load_paths([run_copy]))
    every = next(section for section in report.sections if section.title == "Every cell")
    cpu = dict(every.tables)["cpu"]
    threads_2 = next(row for row in cpu.rows if row[:3] == ["3.13t", "threads", "2"])
    serial = next(row for row in cpu.rows if row[:2] == ["3.13t", "serial"])
    column = cpu.headers.index("speed-up")
    assert threads_2[column].endswith("⚠ above the 2-CPU limit")
    assert "⚠" not in serial[column]  # the serial row is its own baseline


def test_other_processes_busy_while_measuring_is_a_warning(run_copy: Path) -> None:
    def busy_machine(document: dict[str, object]) -> None:
        probes = document["probe"]  # type: ignore[index]
        probes[-1]["busy_s"] = probes[0]["busy_s"] + 100.0  # type: ignore[index]
        probes[-1]["own_cpu_s"] = probes[0]["own_cpu_s"] + 20.0  # type: ignore[index]

    edit(run_copy / "3.13.json", busy_machine)
    report = pipeline.build(load_paths([run_copy]))
    [warning] = [w for w in report.warnings if w.code == "others-busy-during"]
    assert warning.text.startswith("3.13: other processes used 50% of the CPUs while gilbench measured")


def test_a_jit_is_named_only_on_pypy(run_copy: Path) -> None:
    def getting_faster(document: dict[str, object]) -> None:
        for cell in document["cells"]:  # type: ignore[attr-defined]
            if cell["executor"] == "serial":
                for run in cell["runs"]:
                    run["wall_s"] = round(1.0 - 0.05 * run["round"], 6)

    edit(run_copy / "3.13.json", getting_faster)
    edit(run_copy / "pypy3.json", getting_faster)
    report = pipeline.build(load_paths([run_copy]))
    warming = [w.text for w in report.warnings if w.code == "warming"]
    assert len(warming) == 2
    assert "PyPy's JIT still compiling: pypy3 cpu serial; pypy3 io serial" in warming[0]
    assert "not a JIT: caches, memory or the machine: 3.13 cpu serial; 3.13 io serial" in warming[1]


def test_the_cpus_drift_is_not_divided_out_of_waiting_cells(run_copy: Path) -> None:
    """The probe says the CPUs got 30% slower; io waits did not, and must not look as if they got faster."""

    def slowing_cpus(document: dict[str, object]) -> None:
        for index, point in enumerate(document["probe"]):  # type: ignore[arg-type]
            for cpu in point["cpus"]:
                cpu["seconds"] = 0.020 * (1 + 0.04 * index)

    edit(run_copy / "3.13.json", slowing_cpus)
    report = pipeline.build(load_paths([run_copy]))
    flagged = [name for w in report.warnings if w.code == "warming" for name in w.cells]
    assert "3.13 cpu serial" in flagged  # flat CPU-bound times while the CPUs slowed: faster than the machine
    assert not [name for name in flagged if " io " in name]
    assert any(w.code == "probe-drift" for w in report.warnings)


def test_more_workers_than_cpus_is_said_truly_for_waiting_workloads(run_copy: Path) -> None:
    for label in ("3.13", "3.13t", "pypy3"):
        edit(run_copy / f"{label}.json", lambda document: document["machine"].update(usable_cpus=1))
    report = pipeline.build(load_paths([run_copy]))
    [warning] = [w for w in report.warnings if w.code == "workers-over-cpus"]
    assert warning.text == (
        "Worker counts 2 exceed the 1 usable CPU(s): beyond that, CPU-bound workers can only time-share, "
        "while waiting ones (io) still overlap."
    )
    every = next(section for section in report.sections if section.title == "Every cell")
    io = dict(every.tables)["io"]
    threads_2 = next(row for row in io.rows if row[:3] == ["3.13", "threads", "2"])
    assert threads_2[io.headers.index("efficiency")] == "100% of 2.00x"  # io's ideal is the workers, not the CPU


def test_a_failed_cell_is_warned_with_its_reason_and_never_named_fastest(run_copy: Path) -> None:
    """Tempting: the failed cell keeps rounds faster than any other io cell."""

    def fail_fastest_io(document: dict[str, Any]) -> None:
        cell = next(
            c for c in document["cells"] if (c["workload"], c["executor"], c["workers"]) == ("io", "threads", 2)
        )
        cell.update(status="failed", reason="a task raised ConnectionError: refused.")
        for run in cell["runs"]:
            run["wall_s"] /= 4

    edit(run_copy / "3.13.json", fail_fastest_io)
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    markdown = (run_copy / "report.md").read_text()
    assert "- ⚠ 3.13 io 2 threads: failed (a task raised ConnectionError: refused)." in markdown
    answer = markdown.split("## The answer", 1)[1].split("\n## ", 1)[0]
    io_row = next(line for line in answer.splitlines() if line.startswith("| io "))
    assert "3.13 2 threads" not in io_row


def _wide_prose_lines(text: str) -> list[str]:
    """Lines over the width outside tables and fenced code blocks."""
    from bench.report.exporters import MARKDOWN_WIDTH

    wide, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and not line.startswith("|") and len(line) > MARKDOWN_WIDTH:
            wide.append(line)
    return wide


@pytest.mark.parametrize("fixture", ["run-basic", "run-verdicts"])
def test_report_and_answer_have_no_line_a_terminal_must_scroll_outside_tables(tmp_path: Path, fixture: str) -> None:
    target = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, target)
    done = run_bench("report", str(target))
    assert done.returncode == 0, done.stderr
    report = (target / "report.md").read_text()
    assert max(len(line) for line in report.splitlines()) > 160  # its tables are wider: the check can fail
    for name in ("report.md", "answer.md"):
        assert _wide_prose_lines((target / name).read_text()) == [], name


def test_wrapping_keeps_every_word_and_starts_no_block() -> None:
    """Markdown joins a paragraph's lines with a space: the lines hold the same words, and none starts what
    would open a list, heading, quote or setext underline there (the break moves a word back instead)."""
    from bench.report.exporters import MARKDOWN_WIDTH, wrapped

    words = ["efficiency", "=", "speed-up", "-", "x", "# y", "1.", "`a b c`", "> q", "ratio"] * 40
    text = " ".join(words)
    lines = wrapped(text, "- ", "  ")
    assert len(lines) > 3 and all(len(line) <= MARKDOWN_WIDTH for line in lines)
    assert " ".join(line[2:] for line in lines) == text
    starts = [line[2:].split(" ")[0] for line in lines[1:]]
    assert not [start for start in starts if start in {"=", "-", "#", "1.", ">"}], starts
    long_span = "`" + " ".join(["--option value"] * 20) + "`"  # longer than a line: broken at its spaces
    assert all(len(line) <= MARKDOWN_WIDTH for line in wrapped(f"Reproduce with: {long_span}"))


def test_every_term_the_report_uses_is_defined_in_how_to_read_it(run_copy: Path) -> None:
    done = run_bench("report", str(run_copy))
    assert done.returncode == 0, done.stderr
    text = " ".join((run_copy / "report.md").read_text().split())
    how_to_read = text[text.index("## How to read this report") : text.index("## The answer in detail")]
    terms = ["workload", "strategy", "cell", "round", "offload", "warm-up", "efficiency", "speed probe", "GIL question",
             "equivalent", "not settled", "level", "reference", "baseline", "free-threaded", "(GIL on!)"]  # fmt: skip
    used = [term for term in terms if term.lower() in text.lower()]
    assert len(used) >= 12  # the fixture's report uses most of them: the check can fail
    assert [term for term in used if term.lower() not in how_to_read.lower()] == []
