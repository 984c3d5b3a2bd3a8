"""The report pipeline: formats chosen by name, sections built once from the computed model, outputs as a set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.errors import UsageError
from bench.report import pipeline
from bench.report.exporters import DEFAULT_FORMATS, EXPORTERS
from bench.report.load import load_paths

BASIC = Path(__file__).parent / "fixtures" / "run-basic"


def test_formats_by_name_and_a_bad_one_named_with_what_is_accepted() -> None:
    assert pipeline.parse_formats(None) == list(DEFAULT_FORMATS)
    assert pipeline.parse_formats("csv, markdown") == ["csv", "markdown"]
    with pytest.raises(UsageError) as caught:
        pipeline.parse_formats("markdown,docx")
    assert "docx" in str(caught.value) and all(name in str(caught.value) for name in EXPORTERS)


def test_the_answer_comes_first_and_every_section_reads_the_same_computed_model() -> None:
    report = pipeline.build(load_paths([BASIC]))
    assert report.leading and report.leading[0].title == "The answer"
    assert report.sections[0] is report.leading[0]
    assert report.answer["interpreters"] == report.names
    assert report.summary is report.computed.summary


def test_a_timeline_of_a_cell_not_measured_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--timeline"):
        pipeline.build(load_paths([BASIC]), timelines=["cpu:threads:99"])


def test_every_output_is_written_as_one_set(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(BASIC, run)
    report = pipeline.build(load_paths([run]))
    written = pipeline.write(report, run, ["markdown", "csv"])
    names = {path.name for path in written}
    assert {"report.md", "answer.md", "results.csv", "cells.csv", "comparisons.csv"} <= names
    assert all(path.is_file() and path.parent.is_relative_to(run) for path in written)
    assert not list(run.glob(".report-*")), "the staging folder is removed"
