"""The report's sentences about each interpreter's strategies: every claim is backed by a test at the stated level.

Host code.  One verdict per interpreter and strategy, so what is true of one
interpreter is never said of another.  The rules, each tested on a fixture
built to tempt it into the wrong sentence (``tests/test_verdicts.py``):

- a strategy's result is its best cell with **two or more** workers: a pool of
  one worker is the serial run plus overhead, never "best" or "scaling";
- "runs in parallel" needs a speed-up of at least :data:`SCALES` over the
  interpreter's own serial run, faster by its interval (paired by round), and is then
  compared in absolute time with the fastest other configuration of any
  interpreter: "but 3.13 serial is faster" when the test says so;
- slower than serial is blamed on the pool when a one-worker pool is already
  slower than serial (its interval says so), and on the GIL only when the GIL is on,
  the workload is CPU-bound and a one-worker pool costs next to nothing;
- anything its interval does not settle reads "not settled", and "equivalent" needs the whole interval inside the
  margin.
"""

from __future__ import annotations

import pandas as pd

from bench.report import words
from bench.report.compute import Computed
from bench.report.format import p_text, ratio, ratio_ci
from bench.report.selection import (
    cell_of,
    configuration_of,
    one_worker_baseline,
    rows_of,
    strategy_of,
)
from bench.verdict import EQUIVALENT, FASTER, NOT_SETTLED, SLOWER
from bench.vocabulary import BASELINE_LABELS, POOLED, USES_CPU, strategy

SCALES = 1.1
"""A best speed-up at or above this, and significant, counts as running in parallel."""
POOL_OVERHEAD = 0.9
"""A one-worker pool significantly below this fraction of serial speed: the pool's own cost is the story."""


def _workers(cell: pd.Series) -> str:
    return f"{int(cell['workers'])} workers"


def _against_the_fastest(computed: Computed, cell: pd.Series) -> str:
    """A parallel gain, put next to the fastest other configuration of any interpreter, in absolute time."""
    fastest = computed.selection.fastest_other(cell)
    if fastest is None:
        return ""
    comparison = computed.comparisons.of(cell, fastest)  # cell / fastest: > 1 means the other is faster
    other = configuration_of(fastest)
    outcome = comparison.outcome
    if outcome == NOT_SETTLED:
        return f", not settled against {other} ({words.unsettled(comparison, 'it')})"
    if outcome == EQUIVALENT:
        return f", equivalent with {other} (within {words.margin_text(comparison)}: {words.tested(comparison)})"
    if outcome == SLOWER:
        return f", but {other} is faster still ({ratio(comparison.value)}, {words.tested(comparison)})"
    return f", the fastest configuration measured ({comparison.value**-1:.2f}x ahead of {other})"


def strategy_verdict(
    computed: Computed, interpreter: str, workload: str, executor: str, gil_enabled: bool
) -> str | None:
    """What ``executor`` does for this interpreter and workload, in words that the tests support."""
    summary = computed.summary
    best = computed.selection.best_of(interpreter, workload, executor)
    if best is None:
        unsupported = rows_of(summary, interpreter, workload, executor)
        unsupported = unsupported[unsupported["status"] == "unsupported"]
        if not unsupported.empty:
            return f"{strategy(executor).public}: n/a ({unsupported.iloc[0]['reason']})"
        return None
    speedup, p, said = float(best["speedup"]), float(best["p_vs_serial"]), str(best["speedup_outcome"])
    base_cell = one_worker_baseline(summary, interpreter, workload)
    base = strategy_of(base_cell) if base_cell is not None else BASELINE_LABELS[0]  # the talk's: a 1-thread pool
    measured = f"{ratio_ci(speedup, best['speedup_low'], best['speedup_high'])} with {_workers(best)}"
    one = cell_of(summary, interpreter, workload, executor, 1)
    one_measured = one is not None and pd.notna(one["speedup"])
    pool_cost = (
        one_measured
        and float(one["speedup"]) < POOL_OVERHEAD  # type: ignore[index]
        and one["speedup_outcome"] == FASTER  # type: ignore[index]  # the baseline faster than the 1-worker pool
    )
    # The GIL is named only for CPU work that holds it, on threads that share it, where a 1-thread pool shows the
    # pool itself costs next to nothing.
    # An event loop runs one task at a time on every build: its reason is the loop, never the GIL.
    loop = strategy(executor).one_at_a_time
    takes_turns = strategy(executor).parallel != "always" and computed.traits_of(workload).holds_gil
    gil_explains = not loop and takes_turns and gil_enabled and one_measured and not pool_cost
    computes = any(traits.uses == USES_CPU for _, traits in computed.traits_of(workload).kinds)
    loop_note = (
        f"; {strategy(executor).words} runs CPU work one task at a time (a task that computes blocks the loop)"
        if loop and computes
        else ""
    )
    single = strategy(executor).one
    name = strategy(executor).public
    interval = f"{p_text(p)}"
    if said == SLOWER and speedup >= SCALES:  # the baseline slower: the pool faster
        against = _against_the_fastest(computed, best)
        return f"{name} run in parallel: {measured} ({interval}){against}{loop_note}"
    if said == SLOWER:
        return f"{name} slightly faster than {base}: {measured} ({interval}){loop_note}"
    if said == FASTER:
        text = f"{name} slower than {base}: {measured} ({interval})"
        if pool_cost and one is not None:
            text += f"; a 1-{single} pool is already {float(one['speedup']):.2f}x: the pool's own cost"
        elif gil_explains:
            text += "; the GIL lets one thread run at a time, and switching between them costs"
        return text + loop_note
    if said == EQUIVALENT:
        text = f"{name}: equivalent to {base} (within ±{computed.comparisons.margin:.0%}: {measured}, {interval})"
    else:
        text = f"{name}: not settled against {base} ({measured}, {interval})"
    if gil_explains:
        text += "; the GIL lets one thread run at a time"
    return text + loop_note


def interpreter_verdict(computed: Computed, interpreter: str, workload: str, gil_enabled: bool) -> str:
    """Each strategy, then how the fastest strategy compares with the others, for one interpreter and workload."""
    parts = [
        verdict
        for executor in POOLED
        if (verdict := strategy_verdict(computed, interpreter, workload, executor, gil_enabled)) is not None
    ]
    bests = computed.selection.bests_of(interpreter, workload)
    for other in bests[1:]:
        winner, loser = (strategy(str(cell["executor"])).public for cell in (bests[0], other))
        comparison = computed.comparisons.of(other, bests[0])  # loser / winner: > 1 means the winner is faster
        outcome = comparison.outcome
        if outcome == NOT_SETTLED:
            parts.append(f"{winner} and {loser}: not settled ({words.unsettled(comparison, loser)})")
        elif outcome == SLOWER:
            parts.append(f"{winner} beat {loser} ({ratio(comparison.value)}, {p_text(comparison.p)})")
        elif outcome == FASTER:
            parts.append(f"{loser} beat {winner} ({ratio(1 / comparison.value)}, {p_text(comparison.p)})")
        else:
            parts.append(f"{winner} and {loser}: equivalent (within {words.margin_text(comparison)})")
    return "; ".join(parts) + "." if parts else "no parallel cells measured."


def compare_text(computed: Computed, mine: pd.Series, theirs: pd.Series) -> str:
    """How many times slower ``mine`` is than ``theirs``, with interval and test, in words."""
    estimate = computed.comparisons.of(mine, theirs)  # mine / theirs: > 1 means slower
    p = estimate.p
    text = ratio_ci(estimate.value, estimate.low, estimate.high)
    if estimate.outcome == NOT_SETTLED:
        return f"{text} not settled: {estimate.bound} ({estimate.split}, {p_text(p)})"
    if estimate.outcome == EQUIVALENT:
        return f"{text} equivalent (within {words.margin_text(estimate)}, {p_text(p)})"
    direction = estimate.outcome
    if abs(estimate.value - 1) < 0.02:
        direction = f"slightly {direction} (under 2%)"
    return f"{text} {direction} ({p_text(p)})"
