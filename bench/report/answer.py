"""The answer first: for each workload, what ran fastest on this machine, in absolute time, and how sure that is.

Host code.  A reader comes to a benchmark to choose an interpreter and a
strategy; speed-ups over each interpreter's own serial run cannot answer that
(PyPy's processes are "0.03x" of a serial run that is fifty times faster than
CPython's).  So the first table ranks every measured configuration of every
interpreter by its median wall time and names the winner, its gain over the
CPython GIL build's serial run (what users start from) and the runner-up,
with the test that says whether the two differ.  A pool of one worker is
never an answer: it is the serial run plus the pool's overhead.
"""

from __future__ import annotations

import pandas as pd

from bench.report.comparisons import Comparisons
from bench.report.compute import Computed
from bench.report.content import Section, Table
from bench.report.format import p_text, ratio, ratio_ci, time_unit
from bench.report.load import Column
from bench.report.sections import between_interpreters
from bench.report.select import answer_cells, configuration_of, short_of, workload_order


def _lead(comparisons: Comparisons, first: pd.Series, second: pd.Series) -> str:
    """How far ``first`` is ahead of ``second``: ``1.07x faster (p=0.002)``, or ``tied (p=0.721)`` when the
    test does not support a difference."""
    comparison = comparisons.of(second, first)  # second / first: > 1 means first is faster
    if comparison.unsettled:
        return f"not settled ({p_text(comparison.p)}; {comparison.unsettled_reason})"
    if not comparison.significant:
        return f"tied ({p_text(comparison.p)})"
    return f"{ratio(comparison.value)} faster ({p_text(comparison.p)})"


def _pair_sentence(comparisons: Comparisons, first: pd.Series, second: pd.Series | None) -> str:
    """``A is fastest, 1.20x faster than B (p=0.008)`` or ``A and B are tied for fastest (no significant ...)``."""
    if second is None:
        return f"{configuration_of(first)} is the only configuration measured"
    comparison = comparisons.of(second, first)
    if comparison.unsettled:
        return (
            f"{configuration_of(first)} and {configuration_of(second)} are not settled "
            f"({comparison.unsettled_reason}, {p_text(comparison.p)})"
        )
    if not comparison.significant:
        return (
            f"{configuration_of(first)} and {configuration_of(second)} are tied for fastest "
            f"(no significant difference, {p_text(comparison.p)})"
        )
    lead = f"{ratio(comparison.value)} faster than {configuration_of(second)}"
    return f"{configuration_of(first)} is fastest, {lead} ({p_text(comparison.p)})"


def answer_section(computed: Computed, method: str) -> Section | None:
    """The first table of the report: per workload, the fastest configuration and the runner-up."""
    summary, comparisons = computed.summary, computed.comparisons
    base_name = computed.reference.name if computed.reference is not None else None
    cpythons = [c.name for c in computed.columns if c.interpreter.implementation == "cpython"]
    answers = [
        (workload, chosen)
        for workload in workload_order(summary)
        if (chosen := answer_cells(summary, workload, base_name, cpythons)) is not None
    ]
    if not answers:
        return None
    firsts = [chosen.first for _, chosen in answers]
    per_task = [_task_s(cell) for cell in firsts]  # the median task's own duration, not the cell's time / tasks
    task_unit = time_unit(per_task)
    cell_unit = time_unit(float(cell["median"]) for cell in firsts)
    rows, keys, sentences = [], [], []
    for (workload, chosen), task_time in zip(answers, per_task):
        first, second = chosen.first, chosen.second
        gain_text, gain = "–", None
        if chosen.reference is not None:
            comparison = comparisons.of(chosen.reference, first)  # baseline / fastest: how many times faster
            gain = comparison.value
            gain_text = ratio_ci(comparison.value, comparison.low, comparison.high)
        rows.append(
            [
                workload,
                short_of(first),
                task_unit.text(task_time),
                cell_unit.text(float(first["median"])),
                gain_text,
                short_of(second) if second is not None else "–",
                _lead(comparisons, first, second) if second is not None else "–",
            ]
        )
        keys.append([None, None, task_time, float(first["median"]), gain, None, None])
        sentence = f"{workload}: on this machine, {_pair_sentence(comparisons, first, second)}"
        if chosen.cpython_first is not None:
            among = _pair_sentence(comparisons, chosen.cpython_first, chosen.cpython_second)
            sentence += f"; among CPythons, {among}"
        sentences.append(sentence + ".")
    headers = [
        "workload",
        "fastest",
        f"per task ({task_unit.unit})",
        f"per cell ({cell_unit.unit})",
        f"vs {base_name} serial" if base_name else "vs CPython serial",
        "runner-up",
        "vs runner-up",
    ]
    intro = (
        "The fastest configuration measured for each workload, in absolute time: per cell (the median wall time "
        "of the rounds, pool start-up and shut-down included) and per task (the median task's own duration, "
        "which on shared CPUs can be longer than a serial task's, as workers take turns). "
        f'"vs {base_name or "CPython"} serial" is how many times faster it ran than the CPython GIL '
        f"build's serial run, {between_interpreters(computed)}; the runner-up is the next fastest configuration of any "
        'interpreter, and "vs runner-up" how many times faster the fastest was, or "tied" where the test '
        "finds no significant difference. A pool of one worker is never listed: it is the serial run plus the "
        "pool's overhead."
    )
    unoptimized = unoptimized_cpythons(computed.columns)
    if unoptimized:
        sentences.append(
            f"⚠ {' and '.join(unoptimized)} {'was' if len(unoptimized) == 1 else 'were'} built without PGO and LTO "
            "(--enable-optimizations --with-lto), which the CPythons of python.org, the distributions and uv have: "
            "their times here can be slower than such a build's, and the gaps to PyPy wider. An optimized build "
            "is measured with the '+opt' spec (GILBENCH_PYTHONS=3.13+opt,3.13t+opt,pypy3)."
        )
    return Section("The answer", [intro, method], [("", Table(headers, rows, keys))], after=sentences, first=True)


def _task_s(cell: pd.Series) -> float | None:
    value = cell.get("task_s")
    return None if value is None or pd.isna(value) else float(value)


def unoptimized_cpythons(columns: list[Column]) -> list[str]:
    """CPython columns whose recorded build lacks PGO or LTO (flags recorded and missing, or recorded as off);
    a build that recorded neither is not named."""
    names = []
    for column in columns:
        build = column.interpreter.build
        if column.interpreter.implementation != "cpython":
            continue
        flags = str(build.get("config_args") or "")
        if (
            build.get("pgo") is False
            or build.get("lto") is False
            or (flags and not ("--enable-optimizations" in flags and "--with-lto" in flags))
        ):
            names.append(column.name)
    return names
