"""Exporters: one rendering walk, each format only its primitives, every text from a file escaped for its format."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import build_parser
from bench.report import pipeline
from bench.report.content import Report, Section, Table
from bench.report.exporters import (
    DEFAULT_FORMATS,
    EXPORTERS,
    HtmlMarkup,
    LatexMarkup,
    MarkdownMarkup,
    Markup,
    RstMarkup,
    render,
)
from bench.report.load import load_paths
from bench.result import RunWarning

BASIC = Path(__file__).resolve().parent / "fixtures" / "run-basic"
MARKUPS = [MarkdownMarkup(), HtmlMarkup(), RstMarkup(), LatexMarkup()]


@pytest.fixture(scope="module")
def report() -> Report:
    built = pipeline.build(load_paths([BASIC]))
    built.warnings = [RunWarning("test", "a 50% | _hostile_ $ warning\nover two lines")]
    built.sections = [
        Section("Second", ["after the warnings"], [("a caption", Table(["h|1", "h2"], [["x_1", "50%"]]))]),
        Section("First", ["the answer's `words`"], after=["a sentence below"], first=True),
    ]
    return built


@pytest.mark.parametrize("markup", MARKUPS, ids=lambda m: type(m).__name__)
def test_every_format_walks_the_report_in_one_order(report: Report, markup: Markup) -> None:
    text = render(report, markup)
    marks = ["First", "answer", "a sentence below", "Warnings", "hostile", "Second", "after the warnings", "caption"]
    positions = [text.index(mark) for mark in marks]
    assert positions == sorted(positions), type(markup).__name__


def test_each_format_escapes_what_came_from_a_file(report: Report) -> None:
    markdown = render(report, MarkdownMarkup())
    assert "- ⚠ a 50% | _hostile_ $ warning over two lines" in markdown  # one line: a | cannot start a table
    assert "| h\\|1" in markdown
    latex = render(report, LatexMarkup())
    assert r"\item ⚠ a 50\% | \_hostile\_ \$ warning over two lines" in latex
    assert r"the answer's \texttt{words}" in latex
    rst = render(report, RstMarkup())
    assert r"- ⚠ a 50% \| \_hostile\_ $ warning over two lines" in rst
    assert "the answer's ``words``" in rst
    html = render(report, HtmlMarkup())
    assert "<code>words</code>" in html and "$ warning\nover two lines</li>" in html


def test_the_format_option_lists_every_exporter_and_the_default() -> None:
    report = next(
        action
        for action in build_parser()._subparsers._group_actions[0].choices["report"]._actions  # type: ignore[union-attr]
        if action.dest == "format"
    )
    assert report.help is not None
    assert f"comma list of {', '.join(EXPORTERS)}" in report.help
    assert f"(default: {','.join(DEFAULT_FORMATS)})" in report.help
