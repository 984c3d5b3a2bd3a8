"""The answer's family read from a run's folder while it goes: the pairs the answer prints, at the family's level,
and the cells a runner must measure for each (the checked-in ``run-verdicts`` fixture)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.report import compute
from bench.report.family import family_of
from bench.report.load import load_paths
from bench.report.selection import cell_of, family_pairs
from bench.result import Document

VERDICTS = Path(__file__).resolve().parent / "fixtures" / "run-verdicts"


def test_the_family_is_the_answer_s_pairs_each_with_its_outcome_and_rounds() -> None:
    members = family_of(VERDICTS)
    computed = compute.compute(load_paths([VERDICTS]).results)
    assert [(m.a, m.b) for m in members] == family_pairs(computed.selection)
    for member in members:
        a, b = (cell_of(computed.summary, *cell) for cell in (member.a, member.b))
        assert a is not None and b is not None
        row = computed.comparisons.of(a, b)
        assert (member.outcome, member.rounds) == (row.outcome, row.n)  # the report's own verdict, at its level


def test_each_member_names_the_cells_as_the_runners_name_them() -> None:
    names = {
        (document.interpreter.label, cell.name)
        for path in VERDICTS.glob("*.json")
        if path.name != "run.json"
        for document in [Document.loads(path.read_bytes())]
        for cell in document.cells
    }
    members = family_of(VERDICTS)
    assert members and all(member.steps() <= names for member in members)


def test_fixed_pairs_stay_the_family_even_where_the_answer_would_now_choose_others(tmp_path: Path) -> None:
    """After added rounds the fastest may change; the stopping rule keeps the family fixed after the base rounds."""
    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    first = family_of(run)
    fixed = [(first[0].a, first[0].b)]
    assert [(m.a, m.b) for m in family_of(run, fixed)] == fixed


def test_a_cell_that_failed_since_leaves_its_pairs_out(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(VERDICTS, run)
    member = family_of(run)[0]
    label, workload, executor, workers = member.a
    path = run / f"{label}.json"
    document = json.loads(path.read_text())
    document["cells"] = [
        cell
        for cell in document["cells"]
        if (cell["workload"], cell["executor"], cell["workers"]) != (workload, executor, workers)
    ]
    path.write_text(json.dumps(document))
    assert (member.a, member.b) not in [(m.a, m.b) for m in family_of(run, [(member.a, member.b)])]


@pytest.mark.parametrize("outcome", ["faster", "slower", "equivalent"])
def test_settled_means_one_of_the_three_settled_outcomes(outcome: str) -> None:
    from bench.report.family import Member

    assert Member(("a", "w", "serial", 1), ("b", "w", "serial", 1), outcome, 8).settled
    assert not Member(("a", "w", "serial", 1), ("b", "w", "serial", 1), "not settled", 8).settled
