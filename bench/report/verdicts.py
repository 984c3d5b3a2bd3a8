"""The report's sentences about what the GIL does: each claim is backed by a test at the stated level.

Host code.  A claim ("scales", "beats") is made only where the Mann-Whitney
test of :mod:`bench.report.stats` says so; otherwise the words say "no
significant difference".
"""

from __future__ import annotations

import pandas as pd

from bench.report import stats
from bench.report.format import p_text, ratio_ci
from bench.report.select import best, cells_compared

SCALES = 1.1
"""A best speed-up at or above this, and significant, counts as "scales" in the verdicts."""


def scales(cell: pd.Series | None) -> bool:
    """A strategy "scales" when its best cell is at least :data:`SCALES` and significantly faster than serial."""
    return bool(cell is not None and cell["speedup"] >= SCALES and stats.significant(cell["p_vs_serial"]))


def _threads_phrase(threads: dict[str, pd.Series], free: set[str]) -> str:
    ordered = sorted(threads.items(), key=lambda item: -float(item[1]["speedup"]))
    text = "threads " + ", ".join(f"{float(cell['speedup']):.2f}x on {name}" for name, cell in ordered)
    gil_scales = [scales(cell) for name, cell in threads.items() if name not in free]
    free_scales = [scales(cell) for name, cell in threads.items() if name in free]
    if free_scales and gil_scales and any(free_scales) and not any(gil_scales):
        return text + " — the GIL serialises threads; free-threading runs them in parallel"
    if all(gil_scales + free_scales):
        return text + " — threads scale with or without a GIL: the tasks wait, or run C code that releases it"
    if not any(gil_scales + free_scales):
        return text + " — no significant gain from threads anywhere"
    return text


def _processes_phrase(processes: dict[str, pd.Series]) -> str:
    values = [float(cell["speedup"]) for cell in processes.values()]
    low, high = min(values), max(values)
    spread = f"{low:.2f}x" if round(low, 1) == round(high, 1) else f"{low:.2f}x–{high:.2f}x"
    return f"processes {spread} on {'all' if len(processes) > 1 else next(iter(processes))}"


def _winner_phrases(threads: dict[str, pd.Series], processes: dict[str, pd.Series], names: list[str]) -> list[str]:
    """ "threads beat processes on A, B (p≤0.008)": only where the test says so."""
    winners: dict[str, list[tuple[str, float]]] = {"threads": [], "processes": []}
    for name in names:
        if name in threads and name in processes:
            t_cell, p_cell = threads[name], processes[name]
            p = cells_compared(t_cell, p_cell).p
            if stats.significant(p):
                winners["threads" if t_cell["median"] < p_cell["median"] else "processes"].append((name, p))
    phrases = []
    for winner, loser in (("threads", "processes"), ("processes", "threads")):
        if winners[winner]:
            where = ", ".join(name for name, _ in winners[winner])
            worst = p_text(max(p for _, p in winners[winner])).replace("=", "≤")
            phrases.append(f"{winner} beat {loser} on {where} ({worst})")
    return phrases


def verdict(workload: str, summary: pd.DataFrame, names: list[str], free: set[str]) -> str:
    """What the GIL does to this workload, in words; every claim is backed by a p < 0.01 test."""
    threads: dict[str, pd.Series] = {}
    processes: dict[str, pd.Series] = {}
    for name in names:
        for executor, store in (("threads", threads), ("processes", processes)):
            cell = best(summary, name, workload, executor)
            if cell is not None:
                store[name] = cell
    parts = []
    if threads:
        parts.append(_threads_phrase(threads, free))
    if processes:
        parts.append(_processes_phrase(processes))
    parts += _winner_phrases(threads, processes, names)
    return f"{workload}: " + "; ".join(parts) if parts else f"{workload}: no parallel cells measured"


def compare_text(mine: pd.Series, theirs: pd.Series) -> str:
    """How many times slower ``mine`` is than ``theirs``, with interval and test, in words."""
    estimate = cells_compared(mine, theirs)  # mine / theirs: > 1 means slower
    p = estimate.p
    text = ratio_ci(estimate.value, estimate.low, estimate.high)
    if not stats.significant(p):
        return f"{text} no significant difference ({p_text(p)})"
    direction = "slower" if estimate.value > 1 else "faster"
    if abs(estimate.value - 1) < 0.02:
        direction = f"slightly {direction} (under 2%)"
    return f"{text} {direction} ({p_text(p)})"
