"""The report on an event loop: a fifth column beside the pools, judged like them, with its own reason for CPU work.

The fixture is ``run-verdicts`` with asyncio cells added by editing its files (as a run with
``--cells cpu:asyncio:5,io:asyncio:5`` writes them): on cpu the loop runs one task at a time, as slow as
serial, which tempts the report to blame the GIL (on the GIL builds) or to say nothing (on 3.13t); on io
it overlaps waits like 5 threads.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from bench.report import pipeline
from bench.report.content import Report
from bench.report.load import load_paths

VERDICTS = Path(__file__).resolve().parent / "fixtures" / "run-verdicts"
SPREAD = (0.97, 0.99, 1.0, 1.0, 1.01, 1.04, 0.98, 1.02)


def _with_asyncio(target: Path, cpu_factors: tuple[float, ...] | None = None) -> Path:
    """run-verdicts plus asyncio cells: cpu at 1.02x serial's time in every round (or serial's own rounds times
    ``cpu_factors``), io as 5 threads."""
    shutil.copytree(VERDICTS, target)
    for path in target.glob("*.json"):
        document = json.loads(path.read_text())
        if "cells" not in document:
            continue
        document["config"]["extra_cells"] = [["cpu", "asyncio", 5], ["io", "asyncio", 5]]
        added = []
        for cell in document["cells"]:
            if (cell["workload"], cell["executor"], cell["workers"]) in (("cpu", "serial", 1), ("io", "threads", 5)):
                loop = copy.deepcopy(cell)
                loop["executor"], loop["workers"] = "asyncio", 5
                scale = 1.02 if cell["workload"] == "cpu" else 1.0
                serial = [run["wall_s"] for run in cell["runs"]]
                middle = sorted(serial)[len(serial) // 2]
                for run, factor in zip(loop["runs"], SPREAD):
                    run["wall_s"] = round(middle * scale * factor, 6)
                if cell["workload"] == "cpu" and cpu_factors is not None:
                    for run, own, factor in zip(loop["runs"], cell["runs"], cpu_factors):
                        run["wall_s"] = round(own["wall_s"] * factor, 6)
                added.append(loop)
        document["cells"] += added
        path.write_text(json.dumps(document))
    return target


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return pipeline.build(load_paths([_with_asyncio(tmp_path_factory.mktemp("asyncio") / "run")]))


def gil_row(report: Report, workload: str, interpreter: str) -> dict[str, str]:
    table = next(s for s in report.sections if s.title == "GIL impact").tables[0][1]
    return next(dict(zip(table.headers, row)) for row in table.rows if row[:2] == [workload, interpreter])


def test_asyncio_is_a_column_of_its_own_in_the_gil_impact_table(report: Report) -> None:
    row = gil_row(report, "io", "3.13")
    assert row["asyncio"].endswith(", 5 workers") and row["asyncio"].startswith("4.")


@pytest.mark.parametrize("interpreter", ["3.13", "3.13t", "pypy3"])
def test_cpu_work_under_a_loop_is_one_task_at_a_time_never_the_gil(report: Report, interpreter: str) -> None:
    """Wrong: "the GIL lets one thread run at a time" for an event loop, which runs one task at a time on 3.13t
    too; and silence on 3.13t, where a reader expects free threading to help."""
    verdict = gil_row(report, "cpu", interpreter)["verdict"]
    loop = next(part for part in verdict.rstrip(".").split("; ") if part.startswith("asyncio: equivalent"))
    assert loop.startswith("asyncio: equivalent to serial (within ±5%: 0.98x")  # 2% slower in every round: inside it
    follows = verdict.split(loop, 1)[1]
    assert follows.startswith("; asyncio runs CPU work one task at a time (a task that computes blocks the loop)")
    assert "GIL" not in loop + follows.split(";")[1]


def test_waiting_work_under_a_loop_names_no_cpu_reason(report: Report) -> None:
    verdict = gil_row(report, "io", "3.13")["verdict"]
    assert "asyncio run in parallel: 4." in verdict and "one task at a time" not in verdict


def test_a_loop_a_hair_faster_by_the_medians_on_cpu_is_not_called_faster(tmp_path: Path) -> None:
    """Tempting: asyncio 1% faster than serial on cpu in 6 rounds of 8 (so by the median), 5% slower in 2: a
    report reading medians says "asyncio slightly faster"; the interval lies within ±5%: equivalent."""
    built = pipeline.build(load_paths([_with_asyncio(tmp_path / "run", (0.99,) * 6 + (1.05, 1.05))]))
    for interpreter in ("3.13", "3.13t", "pypy3"):
        verdict = gil_row(built, "cpu", interpreter)["verdict"]
        loop = next(part for part in verdict.rstrip(".").split("; ") if part.startswith("asyncio"))
        assert loop.startswith("asyncio: equivalent to serial (within ±5%: 1.00x"), (interpreter, loop)
        assert "asyncio run in parallel" not in verdict and "asyncio slightly faster" not in verdict
