"""``python -m bench check``: the A/A self-check, gilbench measuring things that cost the same.

Host code (it uses the report's statistics).  Each run measures, with the
runner's default rounds, four cells: ``cpu=N`` and ``cpu=N+1`` (one loop
iteration apart), each serially and in a pool of one thread.  That gives two
pairs that cost exactly the same, the serial cell listed twice and the 1-thread
pool listed twice: their ratios should stay near 1.00 and the report's test
should almost never call them different.  The exit code is 0 when, for both,
at least 90% of the ratios lie within 0.97-1.03, and the test called at most 5%
of all their comparisons different (1 in 20: 10 runs x 2 pairs).

It also shows serial against the 1-thread pool, but does not judge by it: a
pool of one thread is nearly free, not free (on CPython 3.13 on a 2-CPU VM it
cost 1-2% with 35 ms tasks, every run), and a test that finds a real 1.5%
difference is right, not a false positive.

Across interpreters, each run also measures the four cells under two labels of
the one interpreter, as two interpreters: in one conducted run (the same
rounds, each cell's two labels back to back on the round's CPU, compared paired
by round, as the report compares interpreters now) and
in two runs one after the other (the earlier design, independent samples), and
prints both.  The design in use must keep at least 95% of those ratios within
0.97-1.03 and call at most 1 in 20 different.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

from bench.errors import UsageError
from bench.report import stats
from bench.report.load import read_document
from bench.report.words import level_percent
from bench.result import Cell, Document, ResultError
from bench.verdict import EQUIVALENT
from bench.vocabulary import ONE_WORKER_BASELINES

TOLERANCE = 0.03
WITHIN_GOAL = 0.9
CROSS_WITHIN_GOAL = 0.95
FALSE_POSITIVE_GOAL = 0.05


_SERIAL, _ONE_THREAD = (executor for executor, _ in ONE_WORKER_BASELINES)
PAIRS = {
    "same cell twice": (("first", _SERIAL), ("second", _SERIAL)),
    "same 1-thread pool twice": (("first", _ONE_THREAD), ("second", _ONE_THREAD)),
    "serial / 1 thread": (("first", _SERIAL), ("first", _ONE_THREAD)),
}
"""Each pair: (workload, executor) of its two cells; "first" is cpu=N, "second" cpu=N+1."""
JUDGED = ("same cell twice", "same 1-thread pool twice")
"""The pairs that cost exactly the same, by which the machine is judged; the third is shown as the pool's cost."""


CROSS = ("two labels, same rounds", "two labels, one after the other")
"""The cross-interpreter A/A: one interpreter under two labels, each of the four cells compared between them, in
one run conducted in shared rounds (the design in use, paired by round) and in two runs one after the other
(the design before it, independent samples), side by side."""


@dataclass(frozen=True)
class Outcome:
    run: int
    comparisons: dict[str, stats.Comparison]
    problem: str = ""
    cross: dict[str, list[stats.Comparison]] | None = None


def twin_workloads(workload: str) -> tuple[str, str]:
    """``cpu=850000`` -> (``cpu=850000``, ``cpu=850001``): the same cost, two cells."""
    name, _, argument = workload.partition("=")
    if not argument.isdigit():
        raise UsageError(f"--workload {workload!r}: expected NAME=N with a whole number N, e.g. cpu=850000")
    return workload, f"{name}={int(argument) + 1}"


def _command(python: str, *args: str) -> list[str]:
    return [python, "-m", "bench", *args]


def _cells(first: str, second: str, load: int, rounds: int | None, pin: str | None = None) -> list[str]:
    options = ["--workloads", f"{first},{second}", "--executors", "serial,threads", "--workers", "1"]
    options += ["--load", str(load)] + (["--pin", pin] if pin else [])
    return options + (["--repeat", str(rounds)] if rounds is not None else [])


def _walls(cell: Cell) -> tuple[list[float], list[int]]:
    return [run.wall_s for run in cell.runs], [run.round for run in cell.runs]


def _compare(a: Cell, b: Cell, paired: bool, looks: int = 1) -> stats.Comparison:
    """``a / b`` at the run's level, split over the looks its conductor planned (a run that may add rounds looks
    at its comparisons after the base rounds and after each added step: :mod:`bench.verdict`)."""
    return stats.compare(*_walls(a), *_walls(b), paired=paired, alpha=stats.ALPHA / max(1, looks))


def one_run(
    python: str, index: int, folder: Path, *, workload: str, load: int, rounds: int | None, pin: str | None = None
) -> Outcome:
    """One A/A run: a conducted run of the interpreter under two labels (new design), then the same cells under
    each label one after the other (old design)."""
    first, second = twin_workloads(workload)
    options = _cells(first, second, load, rounds, pin)
    env = {**os.environ, "GILBENCH_RESULTS_DIR": str(folder)}
    conducted = f"shared-{index}"
    labels = [f"--python=first={python}", f"--python=second={python}"]
    done = subprocess.run(
        _command(sys.executable, "conduct", *labels, "--run-id", conducted, "--", *options),
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        return Outcome(index, {}, (done.stderr.strip().splitlines() or ["no output"])[-1])
    sequential: dict[str, Document] = {}
    for label in ("first", "second"):
        out = folder / f"apart-{index}" / f"{label}.json"
        command = _command(python, "run", *options, "--label", label, "--run-id", f"apart-{index}-{label}")
        done = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, check=False, env=env)
        if done.returncode != 0:
            return Outcome(index, {}, (done.stderr.strip().splitlines() or ["no output"])[-1])
        sequential[label] = read_document(out)
    try:
        shared = {label: read_document(folder / conducted / f"{label}.json") for label in ("first", "second")}
    except ResultError as exc:
        return Outcome(index, {}, str(exc))
    documents = [*shared.values(), *sequential.values()]
    failed = [cell for document in documents for cell in document.cells if cell.status != "ok"]
    if failed:
        return Outcome(index, {}, "a cell failed: " + "; ".join(f"{c.name}: {c.reason}" for c in failed))
    cells = {(cell.workload, cell.executor): cell for cell in shared["first"].cells}
    names = {"first": first, "second": second}
    looks = len(shared["first"].config.looks)
    comparisons = {
        pair: _compare(cells[(names[w1], e1)], cells[(names[w2], e2)], paired=True, looks=looks)
        for pair, ((w1, e1), (w2, e2)) in PAIRS.items()
    }
    cross = {
        CROSS[0]: [
            _compare(a, b, paired=True, looks=looks) for a, b in zip(shared["first"].cells, shared["second"].cells)
        ],
        CROSS[1]: [_compare(a, b, paired=False) for a, b in zip(sequential["first"].cells, sequential["second"].cells)],
    }
    return Outcome(index, comparisons, cross=cross)


def _cross_summary(measured: list[Outcome]) -> bool:
    """Both designs' cross-interpreter figures; True when the design in use meets the goal."""
    meets = True
    for design in CROSS:
        found = [c for o in measured for c in (o.cross or {}).get(design, [])]
        if not found:
            continue
        within = sum(1 for c in found if abs(c.value - 1) <= TOLERANCE)
        different = sum(1 for c in found if c.differs)
        equivalent = sum(1 for c in found if c.outcome == EQUIVALENT)
        ratios = sorted(c.value for c in found)
        method = "paired by round" if found[0].paired else "independent samples"
        print(
            f"{design} ({method}): ratios {ratios[0]:.3f}-{ratios[-1]:.3f}; {within} of {len(found)} within "
            f"{1 - TOLERANCE:.2f}-{1 + TOLERANCE:.2f}; {different} of {len(found)} called different and "
            f"{equivalent} equivalent (their {level_percent(found[0].level)} intervals)"
        )
        if design == CROSS[0]:
            meets = within >= CROSS_WITHIN_GOAL * len(found) and different <= FALSE_POSITIVE_GOAL * len(found)
    return meets


def check(python: str, runs: int, workload: str, load: int, rounds: int | None, *, pin: str | None = None) -> int:
    if runs < 1:
        raise UsageError(f"--runs {runs}: expected a positive whole number")
    if load < 1:
        raise UsageError(f"--load {load}: expected a positive whole number")
    twin_workloads(workload)
    pinned = f", pinned to CPUs {pin}" if pin else ""
    print(f"A/A self-check: {runs} runs of {workload}, under {python}{pinned}", flush=True)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="gilbench-check-") as folder:
        for index in range(1, runs + 1):
            outcome = one_run(python, index, Path(folder), workload=workload, load=load, rounds=rounds, pin=pin)
            outcomes.append(outcome)
            shown = "; ".join(f"{pair} {c.value:.3f} (p={c.p:.4f})" for pair, c in outcome.comparisons.items())
            print(f"  run {index}: {shown or 'failed: ' + outcome.problem}", flush=True)
            for design, found in (outcome.cross or {}).items():
                print(f"    {design}: " + ", ".join(f"{c.value:.3f} (p={c.p:.4f})" for c in found), flush=True)
    measured = [outcome for outcome in outcomes if outcome.comparisons]
    if not measured:
        raise UsageError(f"no A/A run succeeded: {outcomes[0].problem}")
    rows = [
        [o.run, *(f"{c.value:.3f} [{c.low:.3f}-{c.high:.3f}] p={c.p:.4f}" for c in o.comparisons.values())]
        for o in measured
    ]
    print(tabulate(rows, headers=["run", *PAIRS], tablefmt="github"))
    steady, judged, false_positives = True, 0, 0
    for pair in PAIRS:
        found = [o.comparisons[pair] for o in measured]
        within = sum(1 for c in found if abs(c.value - 1) <= TOLERANCE)
        different = sum(1 for c in found if c.differs)
        equivalent = sum(1 for c in found if c.outcome == EQUIVALENT)
        ratios = sorted(c.value for c in found)
        print(
            f"{pair}: ratios {ratios[0]:.3f}-{ratios[-1]:.3f} (median {stats.median_range(ratios).value:.3f}); "
            f"{within} of {len(found)} within {1 - TOLERANCE:.2f}-{1 + TOLERANCE:.2f}; the report called "
            f"{different} of {len(found)} different and {equivalent} equivalent "
            f"({level_percent(found[0].level)} intervals, "
            f"{'-'.join(str(n) for n in sorted({min(c.n for c in found), max(c.n for c in found)}))} rounds)"
        )
        if pair in JUDGED:
            steady &= within >= WITHIN_GOAL * len(found)
            judged, false_positives = judged + len(found), false_positives + different
        else:
            pool_cost = 1 / stats.median_range(ratios).value
            print(
                f"  not judged: the 1-thread pool took {pool_cost:.3f}x the serial time (median of {len(found)} runs); "
                "a pool does work serial does not, so this pair is shown, not counted"
            )
    print(
        f"pairs that cost the same: {false_positives} of {judged} comparisons called different "
        f"(goal: at most {FALSE_POSITIVE_GOAL:.0%}, 1 in {round(1 / FALSE_POSITIVE_GOAL)})"
    )
    steady &= false_positives <= FALSE_POSITIVE_GOAL * judged
    print("one interpreter under two labels, each cell against its twin:")
    steady &= _cross_summary(measured)
    if len(measured) < len(outcomes):
        print(f"{len(outcomes) - len(measured)} runs failed")
    print(
        "this machine is steady enough for gilbench's default settings"
        if steady
        else "this machine is too noisy for the default settings: use more --repeat, --pin, or a quieter machine"
    )
    return 0 if steady else 1


def main(python: str | None, runs: int, workload: str, load: int, rounds: int | None, *, pin: str | None = None) -> int:
    return check(python or sys.executable, runs, workload, load, rounds, pin=pin)
