"""The answer: its table and sentences per workload, and answer.json with the interpreters and warnings it holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.report import answer, exporters, pipeline
from bench.report.load import load_paths
from bench.vocabulary import strategy

FIXTURES = Path(__file__).parent / "fixtures"
VERDICTS = FIXTURES / "run-verdicts"


def _record(folder: str) -> dict[str, object]:
    report = pipeline.build(load_paths([FIXTURES / folder]))
    return report.answer


def test_answer_json_names_each_interpreter_with_its_version_and_build() -> None:
    record = _record("run-basic")
    details = record["interpreter_details"]
    assert isinstance(details, list)
    assert [item["name"] for item in details] == record["interpreters"]
    for item in details:
        assert item["version"] and item["implementation"] in ("cpython", "pypy")
        assert isinstance(item["free_threaded_build"], bool) and isinstance(item["gil_enabled"], bool)
        assert isinstance(item["build"], dict)
    assert {item["name"]: item["free_threaded_build"] for item in details}["3.13t"] is True


def test_answer_json_carries_the_reports_warnings(tmp_path: Path) -> None:
    """The answer is read alone (a README, a dashboard): what the report warns about must travel with it."""
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "run-basic", run)
    data = json.loads((run / "3.13t.json").read_text())
    data["interpreter"]["gil_enabled"] = True  # the GIL came back on in the free-threaded build
    (run / "3.13t.json").write_text(json.dumps(data))
    report = pipeline.build(load_paths([run]))
    codes = [item["code"] for item in report.answer["warnings"]]  # type: ignore[union-attr, index]
    assert codes == [warning.code for warning in report.warnings]
    assert any("GIL" in warning.text and "3.13t" in warning.text for warning in report.warnings)


def test_answer_json_calls_the_subinterpreter_strategy_by_its_name() -> None:
    record = _record("run-verdicts")
    executors = set()
    for workload in record["workloads"]:  # type: ignore[union-attr]
        for part in workload["interpreters"]:
            other = part["best_other_strategy"]
            for configuration in (part["fastest"], other and other["configuration"]):
                if configuration:
                    executors.add(configuration["executor"])
                    assert "interpreter" not in configuration["strategy"].replace("subinterpreter", "")
    assert executors <= {strategy(name).public for name in ("serial", "threads", "processes", "interpreters")}


def test_the_answer_has_a_row_per_interpreter_and_workload_fastest_first() -> None:
    report = pipeline.build(load_paths([FIXTURES / "run-basic"]))
    assert report.sections[0].title == "The answer" and report.sections[0].first
    section = next(section for section in report.sections if section.title == "The answer in detail")
    rows = section.tables[0][1].rows
    per_workload: dict[str, list[str]] = {}
    for row in rows:
        per_workload.setdefault(row[0], []).append(row[1])
    for ranks in per_workload.values():
        assert ranks == [str(rank) for rank in range(1, len(ranks) + 1)]
    assert len(section.after) >= len(per_workload)  # a sentence per workload


def test_cpythons_built_without_pgo_and_lto_are_named() -> None:
    columns = load_paths([FIXTURES / "run-basic"]).results
    named = answer.unoptimized_cpythons(columns)
    for column in columns:
        flags = column.interpreter.config_args
        optimized = "--enable-optimizations" in flags and "--with-lto" in flags
        if column.interpreter.implementation != "cpython":
            assert column.name not in named
        elif flags and not optimized:
            assert column.name in named


def test_the_gil_question_is_asked_of_work_that_holds_the_gil_and_only_of_it() -> None:
    """A CPython user with CPU work chooses between the GIL build with processes (or subinterpreters) and the
    free-threaded build with threads: the answer puts that pair side by side, at the family's level; never for
    waiting work, nor for C code that releases the GIL, where the question does not arise."""
    report = pipeline.build(load_paths([FIXTURES / "run-verdicts"]))
    questions = report.computed.selection.gil_questions
    holding = {workload for workload, traits in report.computed.traits.items() if "=" not in workload}
    asked = {question.workload for question in questions}
    assert asked and asked <= {w for w in holding if report.computed.traits_of(w).holds_gil or w == "mixed"}
    assert not asked & {"io", "sleep", "hash"}
    for question in questions:
        assert question.gil_build["interpreter"] == "3.13" and question.free_threaded["interpreter"] == "3.13t"
        assert strategy(str(question.gil_build["executor"])).gil == "per worker"
        assert question.free_threaded["executor"] == "threads"
        row = report.computed.comparisons.of(question.gil_build, question.free_threaded)
        assert row.role == "answer"  # in the family: its level corrected with the runner-ups'
    sentences = [text for text in report.sections[0].after if "the GIL question" in text]
    assert len(sentences) == len(questions)
    record = report.answer["workloads"]
    asked_json = {w["workload"] for w in record if w["gil_question"]}  # type: ignore[index]
    assert asked_json == asked


def test_a_free_threaded_build_that_ran_with_the_gil_on_is_marked_in_every_entry(tmp_path: Path) -> None:
    """Wrong: ranking 3.13t's threads as free-threaded numbers when an extension switched its GIL back on."""
    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    path = run / "3.13t.json"
    document = json.loads(path.read_text())
    document["interpreter"]["gil_enabled"] = True
    path.write_text(json.dumps(document))
    built = pipeline.build(load_paths([run]))
    answer = built.answer
    entries = [
        entry
        for row in answer["workloads"]
        for entry in (row["fastest"], *(row[key]["configuration"] for key in row if isinstance(row[key], dict)
                                         and "configuration" in row[key] and row[key]["configuration"]))
        if entry
    ]  # fmt: skip
    assert any(entry["interpreter"] == "3.13t" for entry in entries)
    assert all(entry["gil_forced_on"] == (entry["interpreter"] == "3.13t") for entry in entries)
    markdown = exporters.answer_markdown(built)
    table = markdown.split("\n\n", 1)[0]
    assert "3.13t " not in table.replace("3.13t (GIL on!) ", "")  # every 3.13t entry of the table is marked
    assert "3.13t (GIL on!)" in table
    assert "⚠ 3.13t is a free-threaded build but ran with the GIL on" in markdown
    assert any(warning["code"] == "gil-on" for warning in answer["warnings"])
