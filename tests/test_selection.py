"""Which cells the report names: chosen once per report, in the compute stage, and read by every section."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.report import pipeline, selection
from bench.report.load import load_paths

FIXTURES = Path(__file__).parent / "fixtures"
CHOOSERS = ("workload_answer", "strategy_bests", "fastest_other", "twins", "interpreter_cells", "talk_cells")
"""The functions that choose cells; only the compute stage's :func:`selection.select` may call them."""


def test_every_selection_is_made_once_per_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted while a whole report is built from the verdicts fixture (3 interpreters, 6 workloads, 4 strategies):
    one answer per workload, one strategy ranking per interpreter and workload, and one of everything else."""
    calls: Counter[str] = Counter()
    for name in CHOOSERS:
        real = getattr(selection, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(selection, name, counted)
    loaded = load_paths([FIXTURES / "run-verdicts"])
    report = pipeline.build(loaded)
    workloads = list(dict.fromkeys(report.summary["workload"]))
    interpreters = len(report.columns)
    assert calls["workload_answer"] == len(workloads)
    assert calls["strategy_bests"] == len(workloads) * interpreters
    assert calls["fastest_other"] == sum(len(bests) for bests in report.computed.selection.strategy_bests.values())
    assert (calls["twins"], calls["interpreter_cells"], calls["talk_cells"]) == (1, 1, 1)


def test_no_module_but_the_selection_calls_a_chooser() -> None:
    """A section that chose cells again could disagree with the comparisons planned for it."""
    report_dir = Path(selection.__file__).parent
    callers = []
    for path in report_dir.glob("*.py"):
        if path.name == "selection.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and ast.unparse(func.value).endswith("selection"):
                    continue  # reading the Selection the compute stage made
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in CHOOSERS or name == "best_parallel":
                    callers.append(f"{path.name}:{node.lineno} {name}")
    assert not callers


def test_a_strategys_best_is_its_fastest_pool_of_two_or_more() -> None:
    report = pipeline.build(load_paths([FIXTURES / "run-verdicts"]))
    chosen, summary = report.computed.selection, report.summary
    for (interpreter, workload), bests in chosen.strategy_bests.items():
        medians = [float(cell["median"]) for cell in bests]
        assert medians == sorted(medians)
        for cell in bests:
            executor = str(cell["executor"])
            assert chosen.best_of(interpreter, workload, executor) is cell
            assert int(cell["workers"]) > 1
            same = selection.best_parallel(summary, interpreter, workload, executor)
            assert same is not None and selection.key(same) == selection.key(cell)


def test_the_answer_never_names_a_pool_of_one_worker() -> None:
    report = pipeline.build(load_paths([FIXTURES / "run-basic"]))
    for answer in report.computed.selection.answers:
        for part in answer.bests:
            assert str(part.best["executor"]) == "serial" or int(part.best["workers"]) > 1


def test_a_workload_with_no_finished_cell_has_no_answer_and_breaks_nothing() -> None:
    """Every cell interrupted (a run cut short): nothing can be an answer, and the masks stay masks."""
    report = pipeline.build(load_paths([FIXTURES / "run-basic"]))
    cut = report.summary.assign(status="interrupted")
    assert selection.candidates(cut, "cpu").empty
    assert selection.workload_answer(cut, "cpu", "3.13") is None
    assert selection.answerable(cut.iloc[0:0]).empty
