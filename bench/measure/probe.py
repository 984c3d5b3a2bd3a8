"""The speed probe: how fast each usable CPU runs a fixed pure-Python loop, and who else used the CPUs.

Guest code: standard library only.  The machines people benchmark on drift
(a cloud VM's CPU can run 1.35x slower for minutes, one CPU slower than the
other), so the runner probes at the start, between rounds and at the end.
Each probe pins this process to one CPU at a time and times a loop of about
20 ms; it also reads the kernel's steal time per CPU and the busy time of all
CPUs, so the report can tell how much CPU other processes took while
gilbench measured (busy time not spent by gilbench's own process tree).
"""

from __future__ import annotations

import os
import time
from typing import Optional

from bench.result import CpuProbe, ProbePoint

PROBE_LOOPS = 300_000
"""The probe loop's length: one fixed count, the same in every round of every interpreter and every run, so
probe times compare across a whole run and across runs on one machine when one executable ran them (under
``nox -s bench``, the host's Python; a file records which).  About 7 ms on CPython 3.13 here."""
TRIES = 3
"""A probe is the fastest of this many loops (an interruption can only make a loop slower)."""

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def spin(loops: int) -> float:
    """The probe loop: a pure-Python countdown (the talk's CPU task), timed."""
    started = time.perf_counter()
    n = loops
    while n > 0:
        n -= 1
    return time.perf_counter() - started


def _libc_affinity(cpus: set[int]) -> bool:
    """``sched_setaffinity`` through libc, for interpreters without ``os.sched_setaffinity`` (PyPy 3.9)."""
    import ctypes  # only here: CPython has os.sched_setaffinity, so ctypes is never loaded there
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    except OSError:
        return False
    mask = 0
    for cpu in cpus:
        mask |= 1 << cpu
    size = max(8, (max(cpus) // 64 + 1) * 8)
    buffer = mask.to_bytes(size, "little")
    return bool(libc.sched_setaffinity(0, size, buffer) == 0)


def set_affinity(cpus: set[int]) -> bool:
    """Run this process on ``cpus`` only; False where the system does not allow it."""
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, cpus)
            return True
        except OSError:
            return False
    return _libc_affinity(cpus)


def _proc_stat() -> tuple[dict[int, float], Optional[float]]:
    """Steal seconds per CPU and busy seconds of all CPUs since boot (Linux ``/proc/stat``), else empty."""
    steal: dict[int, float] = {}
    busy: Optional[float] = None
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            for line in handle:
                if not line.startswith("cpu"):
                    break
                name, *fields = line.split()
                values = [int(value) for value in fields]
                idle = values[3] + (values[4] if len(values) > 4 else 0)
                # user nice system idle iowait irq softirq steal guest guest_nice: guests are inside user/nice.
                total = sum(values[:8])
                if name == "cpu":
                    busy = (total - idle) / _CLOCK_TICKS
                elif len(values) > 7:
                    steal[int(name[3:])] = values[7] / _CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return {}, None
    return steal, busy


def own_cpu_s() -> float:
    """CPU seconds used by gilbench's own process tree so far: this process and its finished cell processes
    (between rounds no cell process is alive, and each one has waited for its pool's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def probe(label: str, at_s: float, loops: int, cpus: list[int]) -> ProbePoint:
    """Time the loop pinned to each CPU in turn, then put this process back on all of them."""
    allowed = set(cpus)
    steal, busy = _proc_stat()
    results = []
    for cpu in cpus:
        pinned = set_affinity({cpu})
        seconds = min(spin(loops) for _ in range(TRIES))
        results.append(CpuProbe(cpu, round(seconds, 6), round(steal[cpu], 2) if cpu in steal else None, pinned))
    set_affinity(allowed)
    return ProbePoint(
        label=label,
        at_s=round(at_s, 3),
        cpus=tuple(results),
        busy_s=None if busy is None else round(busy, 2),
        own_cpu_s=round(own_cpu_s(), 3),
    )
