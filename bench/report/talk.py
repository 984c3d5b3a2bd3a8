"""The talk's table and the talk's three questions, answered per interpreter from a ``--preset seed`` run.

Host code.  The talk timed cpu, io and mixed work with 1 thread (a pool of
one), 5 threads and 5 processes, and drew three conclusions: CPU work needs
processes, IO work needs only threads, and mixed work needs processes.  The
first is a statement about the GIL, so it need not hold on a free-threaded
build or on PyPy; this section puts each question to each interpreter, and
answers it only as far as the intervals allow: "yes" or "no" needs a
difference the interval settles (or, for "as well", an equivalence within the
margin), else the answer says "not settled".
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.report import words
from bench.report.comparisons import ComparisonRow, Comparisons
from bench.report.compute import Computed
from bench.report.content import Section, Table
from bench.report.format import time_unit
from bench.report.selection import TalkCells, strategy_of
from bench.verdict import NOT_SETTLED
from bench.vocabulary import TALK_WORKLOADS


def _versus(comparison: ComparisonRow, subject: str, other: str) -> str:
    """``5 processes 1.92x faster than 5 threads (...)``, given ``other / subject``."""
    return f"{subject} {words.subject_against(comparison, other)}"


def _wins(comparison: ComparisonRow) -> bool:
    """``other / subject`` shows the subject faster, by its interval."""
    return words.differs(comparison, subject_faster=True)


def _loses(comparison: ComparisonRow) -> bool:
    return words.differs(comparison, subject_faster=False)


def _unsettled(comparison: ComparisonRow) -> bool:
    return comparison.outcome == NOT_SETTLED


@dataclass(frozen=True)
class Facts:
    """The three comparisons of one interpreter's workload, each as ``other / subject``."""

    threads_gain: ComparisonRow  # 1 thread / 5 threads
    processes_gain: ComparisonRow  # 1 thread / 5 processes
    processes_vs_threads: ComparisonRow  # 5 threads / 5 processes

    def said(self, cells: TalkCells) -> tuple[str, str, str]:
        assert cells.one is not None and cells.threads is not None and cells.processes is not None
        one, threads, processes = strategy_of(cells.one), strategy_of(cells.threads), strategy_of(cells.processes)
        return (
            _versus(self.processes_vs_threads, processes, threads),
            _versus(self.threads_gain, threads, one),
            _versus(self.processes_gain, processes, one),
        )


def _facts(comparisons: Comparisons, cells: TalkCells) -> Facts | None:
    if cells.one is None or cells.threads is None or cells.processes is None:
        return None
    return Facts(
        comparisons.of(cells.one, cells.threads),
        comparisons.of(cells.one, cells.processes),
        comparisons.of(cells.threads, cells.processes),
    )


def cpu_answer(facts: Facts, cells: TalkCells) -> str:
    """Does CPU work need processes?  Yes only where processes beat threads."""
    versus, threads, _ = facts.said(cells)
    if _wins(facts.processes_vs_threads):
        return f"yes: {versus}; {threads}"
    if _loses(facts.processes_vs_threads):
        return f"no, threads are faster: {versus}; {threads}"
    if _unsettled(facts.processes_vs_threads):
        return f"not settled: {versus}; {threads}"
    return f"no, threads do as well (equivalent): {versus}; {threads}"


def io_answer(facts: Facts, cells: TalkCells) -> str:
    """Does IO work need only threads?  Yes where threads gain over one thread and processes do not beat them."""
    versus, threads, _ = facts.said(cells)
    if _unsettled(facts.threads_gain):
        return f"not settled: {threads}; {versus}"
    if not _wins(facts.threads_gain):
        return f"no, threads gain nothing: {threads}; {versus}"
    if _wins(facts.processes_vs_threads):
        return f"no, processes do better still: {versus}; {threads}"
    if _unsettled(facts.processes_vs_threads):
        return f"not settled: {threads}; {versus}"
    return f"yes: {threads}; {versus}"


def mixed_answer(facts: Facts, cells: TalkCells) -> str:
    """What does mixed work need?  The strategy that beats the other, or either where they are equivalent."""
    versus, threads, processes = facts.said(cells)
    if _wins(facts.processes_vs_threads):
        return f"processes: {versus}; {processes}"
    if _loses(facts.processes_vs_threads):
        return f"threads: {versus}; {threads}"
    if _unsettled(facts.processes_vs_threads):
        return f"not settled: {versus}"
    return f"either (equivalent): {versus}; {threads}"


QUESTIONS = (
    ("cpu", "Does CPU work need processes?", cpu_answer),
    ("io", "Does IO work need only threads?", io_answer),
    ("mixed", "What does mixed work need?", mixed_answer),
)


def talk_section(computed: Computed) -> Section | None:
    """The talk's table (its three loads by 1 thread / 5 threads / 5 processes, one row per interpreter) and its
    three questions answered per interpreter; shown for ``--preset seed`` runs."""
    columns = computed.columns
    if not any(column.config.preset == "seed" for column in columns):
        return None
    found = computed.selection.talk_cells
    unit = time_unit(
        float(cell["median"])
        for cells in found
        for cell in (cells.one, cells.threads, cells.processes)
        if cell is not None
    )
    talk_names = dict(TALK_WORKLOADS)
    rows = [
        [talk_names[cells.workload], cells.interpreter]
        + [
            unit.text(float(cell["median"])) if cell is not None else "–"
            for cell in (cells.one, cells.threads, cells.processes)
        ]
        for cells in found
    ]
    headers = [
        "work load",
        "interpreter",
        f"1 thread ({unit.unit})",
        f"5 threads ({unit.unit})",
        f"5 processes ({unit.unit})",
    ]
    answers = []
    for workload, question, answer_of in QUESTIONS:
        parts = []
        for cells in found:
            if cells.workload != workload:
                continue
            facts = _facts(computed.comparisons, cells)
            parts.append(f"{cells.interpreter}: {answer_of(facts, cells) if facts is not None else 'not measured'}")
        answers.append(f"{question} " + "; ".join(f"{part}" for part in parts) + ".")
    intro = (
        "The talk's table: its three loads with a pool of one thread (the talk's \"single thread\"), 5 threads and "
        "5 processes, the median wall time of the rounds from the pool's creation, as the talk's script timed it. "
        "Below, the talk's three conclusions put to each interpreter as questions: each answer rests on the paired "
        "tests of 5 processes against 5 threads and of each against the 1-thread pool (the baseline of every ratio "
        'here), and says "yes" or "no" only where p < 0.01 and no single round decides.'
    )
    return Section("The talk's table", [intro], [("", Table(headers, rows))], after=answers)
