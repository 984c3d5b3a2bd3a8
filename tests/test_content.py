"""The format-free report model: cells chosen for a timeline, and which sections come before the warnings."""

from __future__ import annotations

from pathlib import Path

from bench.report import pipeline
from bench.report.content import CellChoice, Section
from bench.report.load import load_paths


def test_a_cell_choice_reads_as_options_write_it_and_names_a_file_safely() -> None:
    choice = CellChoice("pkg.mod:f", "threads", 5)
    assert str(choice) == "pkg.mod:f:threads:5"
    assert "/" not in choice.slug and ":" not in choice.slug


def test_leading_sections_are_the_first_ones_and_the_rest_follow() -> None:
    report = pipeline.build(load_paths([Path(__file__).parent / "fixtures" / "run-basic"]))
    assert all(section.first for section in report.leading)
    assert not any(section.first for section in report.following)
    assert len(report.leading) + len(report.following) == len(report.sections)
    assert Section("x").brief is None
