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

from bench.report import stats
from bench.report.content import Section, Table
from bench.report.format import p_text, ratio, ratio_ci, time_unit
from bench.report.load import Column
from bench.report.select import cells_compared, serial_cell, workload_order
from bench.vocabulary import cell_label


def strategy(cell: pd.Series) -> str:
    """``serial``, ``2 threads``, ``1 process``: the strategy in words, worker count first."""
    return cell_label("", str(cell["executor"]), int(cell["workers"])).strip()


def configuration(cell: pd.Series) -> str:
    """``pypy3 serial``, ``3.13t with 2 threads``: interpreter and strategy in words."""
    text = strategy(cell)
    return f"{cell['interpreter']} serial" if text == "serial" else f"{cell['interpreter']} with {text}"


def candidates(summary: pd.DataFrame, workload: str, interpreters: list[str] | None = None) -> pd.DataFrame:
    """Complete cells of ``workload`` that could be an answer, fastest first (no 1-worker pools)."""
    rows = summary[(summary["workload"] == workload) & (summary["status"] == "ok") & summary["median"].notna()]
    rows = rows[(rows["executor"] == "serial") | (rows["workers"] > 1)]
    if interpreters is not None:
        rows = rows[rows["interpreter"].isin(interpreters)]
    ordered: pd.DataFrame = rows.sort_values("median", kind="stable")
    return ordered


def _lead(first: pd.Series, second: pd.Series) -> str:
    """How far ``first`` is ahead of ``second``: ``1.07x faster (p=0.002)``, or ``tied (p=0.721)`` when the
    test does not support a difference."""
    comparison = cells_compared(second, first)  # second / first: > 1 means first is faster
    if not stats.significant(comparison.p):
        return f"tied ({p_text(comparison.p)})"
    return f"{ratio(comparison.value)} faster ({p_text(comparison.p)})"


def short(cell: pd.Series) -> str:
    """``pypy3 serial``, ``3.13t 5 threads``: a configuration for a narrow table column."""
    return f"{cell['interpreter']} {strategy(cell)}"


def _pair_sentence(first: pd.Series, second: pd.Series | None) -> str:
    """``A is fastest, 1.20x faster than B (p=0.008)`` or ``A and B are tied for fastest (no significant ...)``."""
    if second is None:
        return f"{configuration(first)} is the only configuration measured"
    comparison = cells_compared(second, first)
    if not stats.significant(comparison.p):
        return (
            f"{configuration(first)} and {configuration(second)} are tied for fastest "
            f"(no significant difference, {p_text(comparison.p)})"
        )
    lead = f"{ratio(comparison.value)} faster than {configuration(second)}"
    return f"{configuration(first)} is fastest, {lead} ({p_text(comparison.p)})"


def workload_sentence(summary: pd.DataFrame, workload: str, cpythons: list[str]) -> str | None:
    """``cpu: on this machine, pypy3 serial, 2.3x faster than ...; among CPythons, A and B are tied (...)``."""
    ranked = candidates(summary, workload)
    if ranked.empty:
        return None
    first = ranked.iloc[0]
    second = ranked.iloc[1] if len(ranked) > 1 else None
    sentence = f"{workload}: on this machine, {_pair_sentence(first, second)}"
    if cpythons and str(first["interpreter"]) not in cpythons:
        own = candidates(summary, workload, cpythons)
        if not own.empty:
            runner = own.iloc[1] if len(own) > 1 else None
            sentence += f"; among CPythons, {_pair_sentence(own.iloc[0], runner)}"
    return sentence + "."


def baseline(columns: list[Column]) -> Column | None:
    """The CPython GIL build users start from (the first one given)."""
    for column in columns:
        if column.interpreter.implementation == "cpython" and not column.interpreter.free_threaded_build:
            return column
    return None


def answer_section(summary: pd.DataFrame, columns: list[Column], method: str) -> Section | None:
    """The first table of the report: per workload, the fastest configuration and the runner-up."""
    base = baseline(columns)
    workloads = [w for w in workload_order(summary) if not candidates(summary, w).empty]
    if not workloads:
        return None
    firsts = [candidates(summary, w).iloc[0] for w in workloads]
    per_task = [float(cell["median"]) / float(cell["tasks"]) if cell["tasks"] else None for cell in firsts]
    task_unit = time_unit(per_task)
    cell_unit = time_unit(float(cell["median"]) for cell in firsts)
    base_name = base.name if base is not None else None
    rows, keys = [], []
    for workload, first, task_time in zip(workloads, firsts, per_task):
        ranked = candidates(summary, workload)
        second = ranked.iloc[1] if len(ranked) > 1 else None
        reference = serial_cell(summary, base_name, workload) if base_name else None
        gain_text, gain = "–", None
        if reference is not None:
            comparison = cells_compared(reference, first)  # baseline / fastest: how many times faster
            gain = comparison.value
            gain_text = ratio_ci(comparison.value, comparison.low, comparison.high)
        lead = _lead(first, second) if second is not None else "–"
        rows.append(
            [
                workload,
                short(first),
                task_unit.text(task_time),
                cell_unit.text(float(first["median"])),
                gain_text,
                short(second) if second is not None else "–",
                lead,
            ]
        )
        keys.append([None, None, task_time, float(first["median"]), gain, None, None])
    headers = [
        "workload",
        "fastest",
        f"per task ({task_unit.unit})",
        f"per cell ({cell_unit.unit})",
        f"vs {base_name} serial" if base_name else "vs CPython serial",
        "runner-up",
        "vs runner-up",
    ]
    cpythons = [c.name for c in columns if c.interpreter.implementation == "cpython"]
    sentences = [s for s in (workload_sentence(summary, w, cpythons) for w in workloads) if s]
    intro = (
        "The fastest configuration measured for each workload, in absolute time: per cell (the median wall time "
        "of the rounds, pool start-up and shut-down included) and per task (that time divided by the cell's "
        f'tasks). "vs {base_name or "CPython"} serial" is how many times faster it ran than the CPython GIL '
        "build's serial run, with its 95% interval; the runner-up is the next fastest configuration of any "
        'interpreter, and "vs runner-up" how many times faster the fastest was, or "tied" where the test '
        "finds no significant difference. A pool of one worker is never listed: it is the serial run plus the "
        "pool's overhead."
    )
    return Section("The answer", [intro, method], [("", Table(headers, rows, keys))], after=sentences, first=True)
