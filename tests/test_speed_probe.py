"""What the speed probe says about the machine: the slower CPU, the CPUs' capacity, drift per round."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.report import speed_probe
from bench.report.load import Column
from bench.result import Cell, Config, CpuProbe, Document, Interpreter, Machine, ProbePoint, Repetition, WorkloadRecord


def column_with_probe(times: list[tuple[float, float]], serial_cpu: int = 0) -> Column:
    points = tuple(
        ProbePoint(
            f"p{i}",
            10.0 * i,
            (CpuProbe(0, t0), CpuProbe(1, t1)),
            busy_s=100.0 + 12.0 * i,
            own_cpu_s=10.0 * i,
        )
        for i, (t0, t1) in enumerate(times)
    )
    serial = Cell("cpu", "serial", 1, runs=tuple(Repetition(0.1, 0.0, round=r, on_cpu=serial_cpu) for r in (1, 2)))
    document = Document(
        run_id="r",
        interpreter=Interpreter("x", "cpython", "3.13.5", False, True),
        machine=Machine("h", "cpu", 2, 2),
        config=Config("standard", (WorkloadRecord("cpu", 1),), (("serial", 1),), 1, 2, 1, 60.0, "fork"),
        cells=(serial,),
        probe=points,
    )
    return Column("x", Path("x.json"), document)


def test_probe_summary_names_the_slower_cpu_and_how_often() -> None:
    column = column_with_probe([(0.010, 0.010), (0.010, 0.013), (0.010, 0.013), (0.010, 0.010), (0.010, 0.010)])
    summary = speed_probe.summarize(column)
    assert summary is not None
    assert summary.slower == (1, 0, pytest.approx(1.3), 2)
    assert summary.line() == (
        "x: CPU 1 ran 1.30x slower than CPU 0 at 2 of 5 probes (40% of the run); each CPU's speed varied by at most "
        "30% over the run (CPU 1); other processes used 10% of the CPUs while it measured."
    )
    assert summary.others_share == pytest.approx((48 - 40) / (40 * 2))


def test_capacity_is_what_the_cpus_deliver_relative_to_the_serial_runs_cpu() -> None:
    equal = speed_probe.summarize(column_with_probe([(0.010, 0.010)] * 3))
    assert equal is not None and equal.capacity(1) == 1.0 and equal.capacity(2) == pytest.approx(2.0)
    assert equal.capacity(5) == pytest.approx(2.0)  # never more than the usable CPUs
    slow_second = speed_probe.summarize(column_with_probe([(0.010, 0.013)] * 3, serial_cpu=0))
    assert slow_second is not None
    assert slow_second.capacity(2) == pytest.approx(1 + 1 / 1.3)
    on_the_slow_one = speed_probe.summarize(column_with_probe([(0.010, 0.013)] * 3, serial_cpu=1))
    assert on_the_slow_one is not None
    assert on_the_slow_one.capacity(2) == pytest.approx((1 + 1 / 1.3) * 1.3)  # serial ran on the slow CPU


def test_one_interrupted_probe_is_not_a_drift() -> None:
    spike = speed_probe.summarize(
        column_with_probe([(0.010, 0.010), (0.010, 0.010), (0.016, 0.010), (0.010, 0.010)] * 2)
    )
    assert spike is not None and spike.max_drift < 0.05
    real = speed_probe.summarize(column_with_probe([(0.010, 0.010)] * 3 + [(0.013, 0.013)] * 3))
    assert real is not None and real.max_drift == pytest.approx(0.3)


def test_drift_by_round_lies_between_its_two_probes() -> None:
    drift = speed_probe.drift_by_round(column_with_probe([(0.010, 0.010), (0.010, 0.010), (0.014, 0.014)]))
    assert drift[1] == pytest.approx(1.0) and drift[2] == pytest.approx(1.2)
