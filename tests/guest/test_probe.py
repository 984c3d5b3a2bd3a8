"""The speed probe: one fixed loop timed on each usable CPU, this process put back on all of them afterwards."""

from __future__ import annotations

import os

import pytest

from bench.measure import probe
from bench.measure.introspect import allowed_cpus


def test_a_probe_times_every_cpu_and_restores_the_affinity() -> None:
    cpus = sorted(allowed_cpus())
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    point = probe.probe("start", 1.5, 20_000, cpus)
    assert point.label == "start" and point.at_s == 1.5
    assert [cpu.cpu for cpu in point.cpus] == cpus
    assert all(cpu.seconds > 0 for cpu in point.cpus)
    assert point.own_cpu_s is not None and point.own_cpu_s > 0
    if before is not None:
        assert os.sched_getaffinity(0) == before


def test_the_loop_takes_longer_for_more_loops() -> None:
    short = min(probe.spin(20_000) for _ in range(5))
    long = min(probe.spin(200_000) for _ in range(5))
    assert long > short > 0


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="pinning needs sched_setaffinity")
def test_pinning_to_one_cpu_really_pins() -> None:
    before = allowed_cpus()
    cpu = min(before)
    try:
        assert probe.set_affinity({cpu})
        assert os.sched_getaffinity(0) == {cpu}
    finally:
        probe.set_affinity(before)  # every later test, and its children, runs on all CPUs again
    assert os.sched_getaffinity(0) == before
