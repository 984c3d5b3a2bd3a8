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
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

from bench.errors import UsageError
from bench.report import stats
from bench.report.load import read_document
from bench.result import ResultError

TOLERANCE = 0.03
WITHIN_GOAL = 0.9
FALSE_POSITIVE_GOAL = 0.05


PAIRS = {
    "same cell twice": (("first", "serial"), ("second", "serial")),
    "same 1-thread pool twice": (("first", "threads"), ("second", "threads")),
    "serial / 1 thread": (("first", "serial"), ("first", "threads")),
}
"""Each pair: (workload, executor) of its two cells; "first" is cpu=N, "second" cpu=N+1."""
JUDGED = ("same cell twice", "same 1-thread pool twice")
"""The pairs that cost exactly the same, by which the machine is judged; the third is shown as the pool's cost."""


@dataclass(frozen=True)
class Outcome:
    run: int
    comparisons: dict[str, stats.Comparison]
    problem: str = ""


def twin_workloads(workload: str) -> tuple[str, str]:
    """``cpu=850000`` -> (``cpu=850000``, ``cpu=850001``): the same cost, two cells."""
    name, _, argument = workload.partition("=")
    if not argument.isdigit():
        raise UsageError(f"--workload {workload!r}: expected NAME=N with a whole number N, e.g. cpu=850000")
    return workload, f"{name}={int(argument) + 1}"


def one_run(python: str, index: int, folder: Path, *, workload: str, load: int, rounds: int | None) -> Outcome:
    out = folder / f"aa-{index}.json"
    first, second = twin_workloads(workload)
    command = [python, "-m", "bench", "run", "--workloads", f"{first},{second}", "--executors", "serial,threads"]
    command += ["--workers", "1", "--load", str(load), "--label", "aa", "--run-id", f"check-{index}", "--out", str(out)]
    if rounds is not None:
        command += ["--repeat", str(rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return Outcome(index, {}, (done.stderr.strip().splitlines() or ["no output"])[-1])
    try:
        document = read_document(out)
    except ResultError as exc:
        return Outcome(index, {}, str(exc))
    if any(cell.status != "ok" for cell in document.cells):
        return Outcome(index, {}, "a cell failed: " + "; ".join(f"{c.name}: {c.reason}" for c in document.cells))
    cells = {(cell.workload, cell.executor): cell for cell in document.cells}
    names = {"first": first, "second": second}
    comparisons = {}
    for pair, ((w1, e1), (w2, e2)) in PAIRS.items():
        a, b = cells[(names[w1], e1)], cells[(names[w2], e2)]
        comparisons[pair] = stats.compare(
            [run.wall_s for run in a.runs],
            [run.round for run in a.runs],
            [run.wall_s for run in b.runs],
            [run.round for run in b.runs],
            paired=True,
        )
    return Outcome(index, comparisons)


def check(python: str, runs: int, workload: str, load: int, rounds: int | None) -> int:
    if runs < 1:
        raise UsageError(f"--runs {runs}: expected a positive whole number")
    if load < 1:
        raise UsageError(f"--load {load}: expected a positive whole number")
    twin_workloads(workload)
    print(f"A/A self-check: {runs} runs of {workload}, under {python}", flush=True)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="gilbench-check-") as folder:
        for index in range(1, runs + 1):
            outcome = one_run(python, index, Path(folder), workload=workload, load=load, rounds=rounds)
            outcomes.append(outcome)
            shown = "; ".join(f"{pair} {c.value:.3f} (p={c.p:.4f})" for pair, c in outcome.comparisons.items())
            print(f"  run {index}: {shown or 'failed: ' + outcome.problem}", flush=True)
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
        different = sum(1 for c in found if c.significant)
        ratios = sorted(c.value for c in found)
        print(
            f"{pair}: ratios {ratios[0]:.3f}-{ratios[-1]:.3f} (median {stats.median_range(ratios).value:.3f}); "
            f"{within} of {len(found)} within {1 - TOLERANCE:.2f}-{1 + TOLERANCE:.2f}; the report's test called "
            f"{different} of {len(found)} different (p < {stats.ALPHA}; {found[0].n} rounds, smallest possible p "
            f"{found[0].p_floor:.4f})"
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
    if len(measured) < len(outcomes):
        print(f"{len(outcomes) - len(measured)} runs failed")
    print(
        "this machine is steady enough for gilbench's default settings"
        if steady
        else "this machine is too noisy for the default settings: use more --repeat, --pin, or a quieter machine"
    )
    return 0 if steady else 1


def main(python: str | None, runs: int, workload: str, load: int, rounds: int | None) -> int:
    return check(python or sys.executable, runs, workload, load, rounds)
