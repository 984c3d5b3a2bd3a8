"""``python -m bench check``: the A/A self-check, gilbench measuring two things that cost the same.

Host code (it uses the report's statistics).  Each run measures ``cpu`` serially
and in a pool of one thread under a GIL build, with the runner's default
rounds: the two cost the same (a 1-thread pool adds well under 1% to tasks of
tens of milliseconds), so their ratio should stay near 1.00 and the report's
test should almost never call them different.  It prints each run's ratio and
p-value and a summary; the exit code is 0 when at least 90% of the ratios lie
within 0.97-1.03 and the test called at most 5% of the pairs different.
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


@dataclass(frozen=True)
class Outcome:
    run: int
    comparison: stats.Comparison | None
    problem: str = ""


def one_run(python: str, index: int, folder: Path, *, workload: str, load: int, rounds: int | None) -> Outcome:
    out = folder / f"aa-{index}.json"
    command = [python, "-m", "bench", "run", "--workloads", workload, "--executors", "serial,threads"]
    command += ["--workers", "1", "--load", str(load), "--label", "aa", "--run-id", f"check-{index}", "--out", str(out)]
    if rounds is not None:
        command += ["--repeat", str(rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return Outcome(index, None, (done.stderr.strip().splitlines() or ["no output"])[-1])
    try:
        document = read_document(out)
    except ResultError as exc:
        return Outcome(index, None, str(exc))
    cells = {cell.executor: cell for cell in document.cells if cell.status == "ok"}
    if set(cells) != {"serial", "threads"}:
        return Outcome(index, None, "a cell failed: " + "; ".join(f"{c.name}: {c.reason}" for c in document.cells))
    serial, threads = cells["serial"], cells["threads"]
    comparison = stats.compare(
        [run.wall_s for run in serial.runs],
        [run.round for run in serial.runs],
        [run.wall_s for run in threads.runs],
        [run.round for run in threads.runs],
        paired=True,
    )
    return Outcome(index, comparison)


def check(python: str, runs: int, workload: str, load: int, rounds: int | None) -> int:
    if runs < 1:
        raise UsageError(f"--runs {runs}: expected a positive whole number")
    if load < 1:
        raise UsageError(f"--load {load}: expected a positive whole number")
    print(f"A/A self-check: {runs} runs of {workload} serial against a pool of 1 thread, under {python}", flush=True)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="gilbench-check-") as folder:
        for index in range(1, runs + 1):
            outcome = one_run(python, index, Path(folder), workload=workload, load=load, rounds=rounds)
            outcomes.append(outcome)
            if outcome.comparison is None:
                print(f"  run {index}: failed: {outcome.problem}", flush=True)
            else:
                c = outcome.comparison
                print(
                    f"  run {index}: serial / 1 thread = {c.value:.3f} [{c.low:.3f}-{c.high:.3f}], p={c.p:.4f}",
                    flush=True,
                )
    measured = [o.comparison for o in outcomes if o.comparison is not None]
    if not measured:
        raise UsageError(f"no A/A run succeeded: {outcomes[0].problem}")
    rows = [
        [
            o.run,
            f"{o.comparison.value:.3f}",
            f"{o.comparison.low:.3f}-{o.comparison.high:.3f}",
            f"{o.comparison.p:.4f}",
            "different" if o.comparison.significant else "same",
        ]
        for o in outcomes
        if o.comparison is not None
    ]
    print(tabulate(rows, headers=["run", "ratio", "range of rounds", "p", "test says"], tablefmt="github"))
    within = sum(1 for c in measured if abs(c.value - 1) <= TOLERANCE)
    different = sum(1 for c in measured if c.significant)
    ratios = sorted(c.value for c in measured)
    print(
        f"ratios {ratios[0]:.3f}-{ratios[-1]:.3f} (median {stats.median_range(ratios).value:.3f}); "
        f"{within} of {len(measured)} within {1 - TOLERANCE:.2f}-{1 + TOLERANCE:.2f}; the report's test called "
        f"{different} of {len(measured)} pairs different (p < {stats.ALPHA}; {measured[0].n} rounds, smallest "
        f"possible p {measured[0].p_floor:.4f}); {len(outcomes) - len(measured)} runs failed"
    )
    steady = within >= WITHIN_GOAL * len(measured) and different <= FALSE_POSITIVE_GOAL * len(measured)
    print(
        "this machine is steady enough for gilbench's default settings"
        if steady
        else "this machine is too noisy for the default settings: use more --repeat, --pin, or a quieter machine"
    )
    return 0 if steady else 1


def main(python: str | None, runs: int, workload: str, load: int, rounds: int | None) -> int:
    return check(python or sys.executable, runs, workload, load, rounds)
