"""What the speed probe says about the machine during each interpreter's run.

Host code.  From the probe points a result file carries (each usable CPU's
loop time at the start, between rounds and at the end, and the machine's busy
time) this derives: each CPU's relative speed, how much it drifted, how far
the CPUs differed, how much CPU other processes took while gilbench measured,
the machine's slowness per round (to divide out of trend tests), and the
capacity-aware ideal speed-up of N CPU-bound workers.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, replace

from bench.report.load import Column
from bench.vocabulary import OTHERS_BUSY_SHARE, strategy

VARIATION_WARNING = 0.05
"""The probe varying more than this within a run, or between CPUs, is worth a warning."""
OTHERS_WARNING = OTHERS_BUSY_SHARE
"""Other processes using more than this share of all CPUs while gilbench measured is worth a warning."""


@dataclass(frozen=True)
class ProbeSummary:
    name: str
    series: dict[int, list[tuple[float, float]]]  # cpu -> [(seconds since start, probe seconds)]
    drift: dict[int, float]  # cpu -> (slowest - fastest) / fastest over the run
    slower: tuple[int, int, float, int] | None  # (slow cpu, fast cpu, median ratio, probes where > 5% slower)
    points: int
    others_share: float | None  # share of all CPUs other processes used while measuring
    speeds: dict[int, float]  # cpu -> speed relative to the fastest CPU (1.0 = fastest)
    serial_cpu: int | None  # the CPU the serial cells mostly ran on

    @property
    def max_drift(self) -> float:
        return max(self.drift.values(), default=0.0)

    def capacity(self, workers: int) -> float:
        """What ``workers`` CPU-bound workers can deliver relative to the CPU the serial run used.

        N workers on the usable CPUs get, on average, N times the CPUs' mean speed; the serial run got the
        speed of the CPU it ran on.  With equal CPUs this is N; with one CPU 1.35x slower it is not.
        """
        ranked = sorted(self.speeds.values(), reverse=True)[: max(1, workers)]
        reference = (
            self.speeds.get(self.serial_cpu, statistics.mean(self.speeds.values()))
            if self.serial_cpu is not None
            else statistics.mean(self.speeds.values())
        )
        return sum(ranked) / reference

    def line(self) -> str:
        """One sentence a reader can check against the picture."""
        parts = []
        if self.slower is not None:
            slow, fast, ratio, count = self.slower
            parts.append(
                f"CPU {slow} ran {ratio:.2f}x slower than CPU {fast} at {count} of {self.points} probes "
                f"({count / self.points:.0%} of the run)"
            )
        else:
            parts.append(f"the {len(self.series)} CPUs ran within 5% of each other at every probe")
        worst = max(self.drift, key=lambda cpu: self.drift[cpu])
        parts.append(f"each CPU's speed varied by at most {self.drift[worst]:.0%} over the run (CPU {worst})")
        if self.others_share is not None:
            parts.append(f"other processes used {self.others_share:.0%} of the CPUs while it measured")
        return f"{self.name}: " + "; ".join(parts) + "."


def grouped(probes: dict[str, ProbeSummary | None]) -> list[ProbeSummary]:
    """One summary per probe series, named after every interpreter that carries it: the interpreters of one
    conducted run share their probe (the conductor took it between rounds), and are spoken of together."""
    groups: dict[str, list[ProbeSummary]] = {}
    for probe in probes.values():
        if probe is not None:
            groups.setdefault(repr((sorted(probe.series.items()), probe.others_share)), []).append(probe)
    return [replace(found[0], name=", ".join(probe.name for probe in found)) for found in groups.values()]


def summarize(column: Column) -> ProbeSummary | None:
    points = column.document.probe
    if len(points) < 2:
        return None
    series: dict[int, list[tuple[float, float]]] = {}
    for point in points:
        for cpu in point.cpus:
            series.setdefault(cpu.cpu, []).append((point.at_s, cpu.seconds))
    medians = {cpu: statistics.median(seconds for _, seconds in values) for cpu, values in series.items()}
    fastest = min(medians.values())
    speeds = {cpu: fastest / median for cpu, median in medians.items()}
    drift = {cpu: _drift([seconds for _, seconds in values]) for cpu, values in series.items()}
    return ProbeSummary(
        name=column.name,
        series=series,
        drift=drift,
        slower=_slower(series, len(points)),
        points=len(points),
        others_share=_others_share(column),
        speeds=speeds,
        serial_cpu=_serial_cpu(column),
    )


def smooth(seconds: list[float]) -> list[float]:
    """A rolling median of 3 probes (the ends repeated): one interrupted probe is not taken for a drift."""
    padded = [seconds[0], *seconds, seconds[-1]]
    return [statistics.median(padded[i : i + 3]) for i in range(len(seconds))]


def _drift(seconds: list[float]) -> float:
    """How much slower the slowest stretch of the run was than the fastest (smoothed probes)."""
    smoothed = smooth(seconds)
    return max(smoothed) / min(smoothed) - 1


def _slower(series: dict[int, list[tuple[float, float]]], points: int) -> tuple[int, int, float, int] | None:
    """The pair of CPUs that differed most often by more than 5%, with the median ratio when they did."""
    if len(series) < 2:
        return None
    best: tuple[int, int, float, int] | None = None
    cpus = sorted(series)
    for slow in cpus:
        for fast in cpus:
            if slow == fast:
                continue
            slow_s, fast_s = smooth([s for _, s in series[slow]]), smooth([s for _, s in series[fast]])
            ratios = [s / f for s, f in zip(slow_s, fast_s)]
            slower = [ratio for ratio in ratios if ratio > 1 + VARIATION_WARNING]
            if slower and (best is None or len(slower) > best[3]):
                best = (slow, fast, statistics.median(slower), len(slower))
    return best


def _others_share(column: Column) -> float | None:
    """Busy time of all CPUs not spent by gilbench's own process tree, over the measuring time."""
    first, last = column.document.probe[0], column.document.probe[-1]
    if None in (first.busy_s, last.busy_s, first.own_cpu_s, last.own_cpu_s) or last.at_s <= first.at_s:
        return None
    busy = float(last.busy_s) - float(first.busy_s)  # type: ignore[arg-type]
    own = float(last.own_cpu_s) - float(first.own_cpu_s)  # type: ignore[arg-type]
    return max(0.0, (busy - own) / ((last.at_s - first.at_s) * column.machine.logical_cpus))


def _serial_cpu(column: Column) -> int | None:
    cpus = Counter(
        run.on_cpu
        for cell in column.document.cells
        if not strategy(cell.executor).pooled
        for run in cell.runs
        if run.on_cpu is not None
    )
    return cpus.most_common(1)[0][0] if cpus else None


def drift_by_round(column: Column) -> dict[int, float]:
    """The machine's slowness in each round relative to the whole run (round r lies between probes r-1 and r)."""
    points = column.document.probe
    if len(points) < 2:
        return {}
    means = [statistics.mean(cpu.seconds for cpu in point.cpus) for point in points]
    overall = statistics.median(means)
    return {r: (means[r - 1] + means[r]) / 2 / overall for r in range(1, len(means))}
