"""The report's conclusions, each checked on a fixture built to tempt it into a wrong one.

``tests/fixtures/run-verdicts`` is written by the real runner from simulated
timings (``make_fixtures.py``): PyPy serial 50x faster than CPython, a PyPy
1-thread pool already at 0.53x, 3.13 processes beating 3.13t threads in
absolute time, 3.13t threads gaining over their own slow serial run yet
slower than 3.13 serial, 1-worker pools as fast as serial, io scaling with 5
workers on 2 CPUs, two identical cells, and PyPy process pools that spend 70%
of their time between tasks.  Each test names the wrong sentence it guards
against.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.report import pipeline
from bench.report.comparisons import Comparisons
from bench.report.content import Report, Section
from bench.report.load import load_paths
from bench.report.selection import cell_of
from bench.vocabulary import named_with_client
from tests.conftest import ROOT, run_bench

VERDICTS = Path(__file__).resolve().parent / "fixtures" / "run-verdicts"


@pytest.fixture(scope="module")
def report() -> Report:
    return pipeline.build(load_paths([VERDICTS]))


def section(report: Report, title: str) -> Section:
    return next(s for s in report.sections if s.title == title)


def verdict(report: Report, workload: str, interpreter: str) -> str:
    rows = section(report, "GIL impact").tables[0][1].rows
    return next(row[-1] for row in rows if row[:2] == [workload, interpreter])


def answer_row(report: Report, workload: str, interpreter: str | None = None) -> dict[str, str]:
    """The answer's row of ``workload`` for ``interpreter`` (default: the fastest interpreter's), with a
    ``fastest`` entry naming interpreter and strategy together."""
    table = section(report, "The answer in detail").tables[0][1]
    found = (dict(zip(table.headers, row)) for row in table.rows if row[0] == workload)
    row = next(row for row in found if interpreter in (None, row["interpreter"]))
    return {**row, "fastest": f"{row['interpreter']} {row['fastest there']}"}


def answer_sentence(report: Report, workload: str) -> str:
    """The answer's sentence of ``workload`` (named with its client where it downloads)."""
    detail = section(report, "The answer in detail")
    [sentence] = [s for s in detail.after if s.startswith(f"{named_with_client(workload)}:")]
    return sentence


def test_the_answer_comes_first_in_absolute_time(tmp_path: Path) -> None:
    """Wrong: speed-ups only over each interpreter's own serial run ("pypy3 processes 0.03x" reads as slow)."""
    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    done = run_bench("report", str(run))
    assert done.returncode == 0, done.stderr
    markdown = (run / "report.md").read_text()
    assert markdown.index("## The answer") < markdown.index("## Warnings") < markdown.index("## GIL impact")
    html = (run / "report.html").read_text()
    assert html.index('id="the-answer"') < html.index('id="warnings"')


def test_pypy_serial_is_named_fastest_with_its_gain_over_cpython_serial(report: Report) -> None:
    cpu = answer_row(report, "cpu")
    assert (cpu["rank"], cpu["fastest"]) == ("1", "pypy3 serial")
    assert cpu["vs its best other strategy"] == "2 threads: 2.00x faster ([1.91–2.10], 99.86%, 8 rounds, p=0.008)"
    assert cpu["both: vs 3.13 serial"].startswith("50.0x")
    assert cpu["per cell (ms)"] == "20.0" and cpu["per task (ms)"] == "5.00"  # 4 tasks per cell


def test_each_interpreter_gets_its_fastest_and_processes_outrank_free_threaded_threads(report: Report) -> None:
    """Wrong: 3.13t threads 1.97x against 3.13 processes 1.79x suggests 3.13t is the faster CPython."""
    table = section(report, "The answer in detail").tables[0][1]
    cpu = [dict(zip(table.headers, row)) for row in table.rows if row[0] == "cpu"]
    assert [(row["rank"], row["interpreter"], row["fastest there"]) for row in cpu] == [
        ("1", "pypy3", "serial"),
        ("2", "3.13", "2 processes"),
        ("3", "3.13t", "5 threads"),
    ]
    assert cpu[1]["vs its best other strategy"].startswith("2 subinterpreters: equivalent (within ±5%: [")
    summary = report.summary
    processes = cell_of(summary, "3.13", "cpu", "processes", 2)
    threads = cell_of(summary, "3.13t", "cpu", "threads", 5)
    assert processes is not None and threads is not None
    comparison = Comparisons(report.computed.comparisons.groups).add(threads, processes)
    assert comparison.value > 1 and comparison.p < 0.01  # the data the ranking rests on
    assert "but pypy3 serial is faster still" in verdict(report, "cpu", "3.13t")


def test_the_gain_over_cpython_serial_splits_into_interpreter_and_strategy(report: Report) -> None:
    """Wrong: "3.13t with 5 threads, 1.52x faster than 3.13 serial" read as what threads give, when 3.13t's
    threads gain 1.95x over its own serial run and 3.13t's serial run is 0.77x of 3.13's."""
    row = answer_row(report, "cpu", "3.13t")
    strategy, interpreter, both = (
        float(row[name].split("x")[0])
        for name in ("strategy: vs its serial", "interpreter: its serial vs 3.13 serial", "both: vs 3.13 serial")
    )
    assert (strategy, interpreter, both) == (1.97, 0.77, 1.52)
    assert both == pytest.approx(strategy * interpreter, rel=0.03)
    assert answer_row(report, "cpu", "3.13")["interpreter: its serial vs 3.13 serial"] == "– (is the reference)"
    assert answer_row(report, "cpu")["strategy: vs its serial"] == "– (is its baseline)"
    sentence = answer_sentence(report, "cpu")
    assert "the interpreter (pypy3 serial against 3.13 serial) gives 50.0x [" in sentence
    assert "the strategy nothing (serial is the baseline)" in sentence


def test_runner_ups_are_choices_never_the_same_strategy_with_another_worker_count(report: Report) -> None:
    """Wrong: "3.13t 5 threads, 1.1x faster than 3.13t 2 threads": the next cell by time is the same strategy,
    which no reader is choosing between; the choices are another strategy and another interpreter."""
    from bench.report.selection import candidates

    ranked = candidates(report.summary, "cpu", ["3.13t"])
    assert list(zip(ranked["executor"], ranked["workers"]))[:2] == [("threads", 5), ("threads", 2)]  # the temptation
    assert answer_row(report, "cpu", "3.13t")["vs its best other strategy"].startswith("2 subinterpreters: ")
    table = section(report, "The answer in detail").tables[0][1]
    for row in map(lambda cells: dict(zip(table.headers, cells)), table.rows):
        other = row["vs its best other strategy"].split(":")[0]
        assert other.split(" ")[-1].rstrip("s") != row["fastest there"].split(" ")[-1].rstrip("s"), row
    sentence = answer_sentence(report, "cpu")
    assert "against the best on another interpreter, 3.13 with 2 processes: 28.0x faster" in sentence
    assert "against the best of another strategy, pypy3 with 2 threads: 2.00x faster ([1.91–2.10], 99.86%" in sentence


def test_answer_json_holds_the_same_breakdown_as_the_table(tmp_path: Path) -> None:
    import json

    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    done = run_bench("report", str(run), "--format", "json")
    assert done.returncode == 0, done.stderr
    record = json.loads((run / "answer.json").read_text())
    built = pipeline.build(load_paths([run]))
    cpu = next(entry for entry in record["workloads"] if entry["workload"] == "cpu")
    assert cpu["fastest"]["interpreter"] == "pypy3" and cpu["fastest"]["strategy"] == "serial"
    assert cpu["sentence"] == answer_sentence(built, "cpu")
    [ft] = [part for part in cpu["interpreters"] if part["fastest"]["interpreter"] == "3.13t"]
    assert ft["rank"] == 3 and ft["fastest"]["strategy"] == "5 threads"
    assert round(ft["strategy_gain"]["ratio"], 2) == 1.97 and ft["strategy_gain"]["verdict"] == "faster"
    assert round(ft["interpreter_gain"]["ratio"], 2) == 0.77 and ft["interpreter_gain"]["verdict"] == "slower"
    assert ft["best_other_strategy"]["configuration"]["strategy"] == "2 subinterpreters"
    assert cpu["best_of_another_strategy"]["test"]["family"] == "answer"  # its level corrected for the family
    assert cpu["best_of_another_strategy"]["test"]["level"] > 0.99
    io = next(entry for entry in record["workloads"] if entry["workload"] == "io")
    assert io["best_on_another_interpreter"]["test"]["verdict"] == "equivalent"
    again = run_bench("report", str(run))  # the folder now holds answer.json: it is no result to read
    assert again.returncode == 0, again.stderr
    assert "answer.json" not in again.stderr and "answer.json" not in (run / "report.md").read_text()


def test_a_one_worker_pool_is_never_best_or_scaling(report: Report) -> None:
    """Wrong: "0.99x (1)" as 3.13's best threads result, while 5 threads are significantly slower."""
    for row in section(report, "GIL impact").tables[0][1].rows:
        for strategy in row[2:4]:
            assert strategy == "–" or not strategy.endswith(", 1 workers"), row
    table = section(report, "The answer in detail").tables[0][1]
    for row in table.rows:
        named = row[table.headers.index("fastest there")] + " " + row[table.headers.index("vs its best other strategy")]
        assert not re.search(r"\b1 (thread|process|interpreter)\b", named), row
    text = verdict(report, "cpu", "3.13")
    assert text.startswith("threads: equivalent to serial (within ±5%: ")
    assert "run in parallel" not in text.split(";")[0]


def test_pool_overhead_is_not_blamed_on_the_gil(report: Report) -> None:
    """Wrong: "the GIL serialises threads" for PyPy, whose 1-thread pool is already 0.53x."""
    text = verdict(report, "cpu", "pypy3")
    threads = text.split("; processes")[0]
    assert re.search(r"a 1-thread pool is already 0\.5\dx: the pool's own cost", threads)
    assert "GIL" not in threads
    assert "the GIL lets one thread run at a time" in verdict(report, "cpu", "3.13")  # GIL on, pool costs nothing


def test_processes_are_judged_per_interpreter(report: Report) -> None:
    """Wrong: "processes 0.06x-1.59x on all" hides that processes help 3.13 and wreck PyPy."""
    assert re.search(r"processes run in parallel: 1\.\d\dx", verdict(report, "cpu", "3.13"))
    assert "processes slower than serial: 0.06x" in verdict(report, "cpu", "pypy3")
    every = " ".join(row[-1] for row in section(report, "GIL impact").tables[0][1].rows)
    assert "on all" not in every


def test_a_parallel_gain_is_compared_with_the_fastest_alternative(report: Report) -> None:
    """Wrong: "free-threading runs them in parallel" when 3.13t's best threaded time is slower than 3.13 serial."""
    text = verdict(report, "objects", "3.13t")
    assert text.startswith("threads run in parallel: 1.33x")
    assert "but pypy3 serial is faster still" in text
    threads = cell_of(report.summary, "3.13t", "objects", "threads", 2)
    serial = cell_of(report.summary, "3.13", "objects", "serial", 1)
    assert threads is not None and serial is not None and threads["median"] > serial["median"]
    assert answer_row(report, "objects")["fastest"] != "3.13t 2 threads"


def test_waiting_workloads_scale_past_the_cpus_and_are_judged_against_their_workers(report: Report) -> None:
    """Wrong: "worker counts above the usable CPUs never add speed" and "efficiency 232%" for io."""
    [warning] = [w for w in report.warnings if w.code == "workers-over-cpus"]
    assert "waiting ones (io) still overlap" in warning.text  # the waiting workloads measured, by their traits
    assert "never add speed" not in " ".join(w.text for w in report.warnings)
    io = dict(section(report, "Every cell").tables)["io"]
    threads_5 = next(row for row in io.rows if row[:3] == ["3.13", "threads", "5"])
    assert re.fullmatch(r"9\d% of 5\.00x", threads_5[io.headers.index("efficiency")])
    cpu = dict(section(report, "Every cell").tables)["cpu"]
    threads_5 = next(row for row in cpu.rows if row[:3] == ["3.13t", "threads", "5"])
    assert threads_5[cpu.headers.index("efficiency")].endswith("of 2.00x")


def test_identical_cells_are_equivalent_not_ranked_nor_tied(report: Report) -> None:
    """Wrong: calling one of two indistinguishable configurations "faster", or "tied" without a margin."""
    sentence = answer_sentence(report, "io")
    assert "against the best on another interpreter, 3.13t with 5 threads: equivalent (within ±5%: [0.96–1.04]" in (
        sentence
    )
    assert "equivalent with 3.13t with 5 threads (within ±5%" in verdict(report, "io", "3.13")
    assert "tied" not in sentence + verdict(report, "io", "3.13")


def test_the_method_is_said_once_near_the_answer(report: Report) -> None:
    answer = section(report, "How to read this report")
    method = answer.paragraphs[1]
    assert "paired by round" in method and "with 8 rounds its smallest is 0.0078" in method
    assert "Student-t interval" in method and "equivalent where it lies within ±5%" in method
    assert "(Bonferroni)" in method and "descriptive" in method
    assert "tied" not in method and "no significant difference" not in method
    others = " ".join(p for s in report.sections if s.title != "How to read this report" for p in s.paragraphs)
    assert "Wilcoxon" not in others


def test_overheads_are_shown_and_warned_about_with_the_reason(report: Report) -> None:
    """Wrong: PyPy's process pools measured as if all of their time were work."""
    [warning] = [w for w in report.warnings if w.code == "overhead"]
    assert "pypy3 cpu 2 processes" in warning.cells
    assert all((name.startswith("pypy3 ") and " processes" in name) or " process" in name for name in warning.cells)
    assert "a pool that hands tasks over one at a time leaves a gap before each" in warning.text
    cpu = dict(section(report, "Every cell").tables)["cpu"]
    row = dict(zip(cpu.headers, next(r for r in cpu.rows if r[:3] == ["pypy3", "processes", "2"])))
    assert row["overhead"] == "70%"
    assert float(row["gaps (ms)"]) > 0 and float(row["task (ms)"]) > 0 and row["start-up (ms)"] == "2.00"


def test_time_columns_carry_one_unit_in_their_header(report: Report) -> None:
    """Wrong: "89.3 ms" and "0.165 s" in one column."""
    for s in report.sections:
        for _, table in s.tables:
            for index, header in enumerate(table.headers):
                if header.endswith(("(ms)", "(s)")):
                    assert all(not re.search(r"\d (ms|s)\b", row[index]) for row in table.rows), (s.title, header)
    assert all(
        "x5" not in cell and "x2" not in cell for row in section(report, "GIL impact").tables[0][1].rows for cell in row
    )


class _SortKeys(HTMLParser):
    """The data-sort keys of one column of the answer table."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[float] = []
        self.column = 0
        self.in_answer = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self.in_answer = values.get("id") == "the-answer-in-detail"
        if tag == "tr":
            self.column = 0
        if tag == "td" and self.in_answer:
            self.column += 1
            if self.column == 6 and values.get("data-sort"):
                self.keys.append(float(values["data-sort"] or "nan"))


def test_html_tables_sort_by_number_not_by_text(tmp_path: Path) -> None:
    """Wrong: "89.3 ms" sorted after "0.165 s" because text sorts by its first character."""
    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    assert run_bench("report", str(run)).returncode == 0
    parser = _SortKeys()
    parser.feed((run / "report.html").read_text())
    # per cell, in seconds whatever unit the column shows: cpu, objects, io, each interpreter fastest first
    assert parser.keys == pytest.approx([0.020, 0.56, 0.66, 0.5, 0.59, 0.9, 0.105, 0.105, 0.110])


def test_answer_md_and_the_readme_table_fit_in_140_characters(tmp_path: Path) -> None:
    """answer.md's table is the narrow one (one row per workload), not the report's ten columns."""
    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    assert run_bench("report", str(run)).returncode == 0
    answer = (run / "answer.md").read_text()
    rows = [line for line in answer.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 3 and all(len(line) <= 140 for line in rows), max(rows, key=len)
    assert rows[0].startswith("| workload | fastest | vs 3.13 serial (interpreter × strategy) |")
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## The answer on this machine", 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    lines = ("|" + table).splitlines()
    assert len(lines) >= 3 and all(line.startswith("|") and len(line) <= 140 for line in lines), max(lines, key=len)


def test_subinterpreters_stand_beside_threads_and_processes(report: Report) -> None:
    """A fourth strategy in the GIL-impact table, judged like the others; n/a with the reason where unsupported."""
    table = section(report, "GIL impact").tables[0][1]
    assert table.headers[:5] == ["workload", "interpreter", "threads", "processes", "subinterpreters"]
    cpu = {row[1]: dict(zip(table.headers, row)) for row in table.rows if row[0] == "cpu"}
    assert cpu["3.13"]["subinterpreters"].endswith(", 2 workers")
    assert "interpreters run in parallel" in cpu["3.13"]["verdict"]
    assert "processes and subinterpreters: equivalent (within ±5%)" in cpu["3.13"]["verdict"]
    assert cpu["pypy3"]["subinterpreters"] == "n/a"
    assert "interpreters: n/a (subinterpreters with their own GIL are not available on pypy" in cpu["pypy3"]["verdict"]
    [warning] = [w for w in report.warnings if w.code == "cell-unsupported"]
    assert warning.text.startswith("pypy3: 9 cell(s) cannot run here and show n/a: subinterpreters")
    matrix = dict(section(report, "Every cell").tables)["cpu"]
    row = next(r for r in matrix.rows if r[:3] == ["pypy3", "subinterpreters", "2"])
    assert row[3] == "n/a (unsupported)"
    assert all(document.complete for document in (c.document for c in report.columns))  # unsupported is final


def test_what_the_fastest_strategy_costs_is_said(report: Report) -> None:
    table = section(report, "Interpreters against each other").tables[0][1]
    row = next(dict(zip(table.headers, r)) for r in table.rows if r[:2] == ["cpu", "3.13"])
    cost = row["what the fastest costs, against its serial run"]
    assert cost.startswith("2 processes: 1.79x faster, ")
    assert cost.endswith("x the CPU time, 3.00x the memory")  # the serial process vs it and its 2 workers
    matrix = dict(section(report, "Every cell").tables)["cpu"]
    assert {"CPU per task (ms)", "peak memory (MiB)"} <= set(matrix.headers)


def _with_builds(tmp_path: Path, builds: dict[str, dict[str, object]]) -> Report:
    """The verdicts run with each named file's recorded build replaced."""
    import json

    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    for name, build in builds.items():
        path = run / f"{name}.json"
        document = json.loads(path.read_text())
        document["interpreter"]["build"] = build
        path.write_text(json.dumps(document))
    return pipeline.build(load_paths([run]))


def test_cpythons_without_pgo_and_lto_are_named_in_the_answer_and_only_they(tmp_path: Path) -> None:
    """Wrong: calling PyPy unoptimized (it has no such flags), an optimized CPython, or one whose build is unknown."""
    optimized = {"config_args": "'--enable-optimizations' '--with-lto'", "pgo": True, "lto": True}
    plain = {"config_args": "'--prefix=/c'", "pgo": False, "lto": False}
    said = section(_with_builds(tmp_path / "a", {"3.13": plain, "3.13t": optimized, "pypy3": {}}), "The answer")
    warning = next(text for text in said.after if "PGO and LTO" in text)
    assert warning.startswith("⚠ 3.13 was built without PGO and LTO")
    assert warning.split(" was built")[0] == "⚠ 3.13"  # neither the optimized 3.13t nor PyPy is named
    unknown = section(_with_builds(tmp_path / "b", {"3.13": {}, "3.13t": optimized}), "The answer")
    assert not any("PGO and LTO" in text for text in unknown.after)
    both = section(_with_builds(tmp_path / "c", {"3.13": plain, "3.13t": plain}), "The answer")
    assert any(text.startswith("⚠ 3.13 and 3.13t were built without PGO and LTO") for text in both.after)


def test_per_task_is_a_tasks_own_duration_not_the_cells_time_shared_out(report: Report) -> None:
    """Wrong: io's 5 threads run 4 tasks of about 103 ms at once in a 105 ms cell; 105 / 4 = 26 ms is no task's time."""
    io = answer_row(report, "io")
    assert io["per cell (ms)"] == "105" and io["per task (ms)"] == "103"
    intro = section(report, "How to read this report").paragraphs[0]
    assert "per task (the median task's own duration" in intro and "divided by the cell's tasks" not in intro


def test_a_runner_up_whose_interval_straddles_1_is_not_settled_not_beaten_nor_tied(tmp_path: Path) -> None:
    """Tempting: pypy3 serial against 2 threads over 8 rounds, the same in 4 and 1.5x apart in 4: the medians say
    1.25x, so "faster" reads well, and "tied" too (Wilcoxon's p is above 0.01); the interval says neither."""
    import json

    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    path = run / "pypy3.json"
    document = json.loads(path.read_text())
    for cell in document["cells"]:
        if cell["workload"] == "cpu" and (cell["executor"], cell["workers"]) in (("serial", 1), ("threads", 2)):
            model = cell["runs"][0]
            walls = [0.02] * 8 if cell["executor"] == "serial" else [0.0199999, 0.03] * 4
            cell["runs"] = [{**model, "round": index + 1, "wall_s": wall} for index, wall in enumerate(walls)]
    path.write_text(json.dumps(document))
    built = pipeline.build(load_paths([run]))
    cpu = answer_row(built, "cpu")
    assert cpu["fastest"] == "pypy3 serial"
    other = cpu["vs its best other strategy"]
    assert other.startswith("2 threads: not settled (it ran between ") and "4 of 8 rounds slower" in other
    sentence = answer_sentence(built, "cpu")
    assert "against the best of another strategy, pypy3 with 2 threads: not settled (it ran between" in sentence
    assert "tied" not in sentence and "beat" not in sentence
