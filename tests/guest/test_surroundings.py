"""Where the runner gets its facts: the real machine, or a simulation file (how the report's fixtures are made)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.measure.strategy import Unsupported
from bench.measure.surroundings import SimulatedExecutor, Simulation, Surroundings, current_cpu
from bench.measure.tasks import countdown
from bench.measure.workloads import Task

SIMULATION = Path(__file__).resolve().parent.parent / "fixtures" / "simulations" / "verdicts" / "pypy3.json"


def test_the_real_surroundings_measure_a_pass_with_its_cpu_time_and_memory() -> None:
    where = Surroundings()
    executor = where.executor("threads", "fork", 1, "cpu threads 2")
    measured = where.measure(executor, [Task("cpu", countdown, 20_000)] * 4, 2)
    assert len(measured.one_pass.records) == 4
    assert measured.cpu_s is not None and measured.cpu_s > 0
    assert measured.peak_rss_bytes is None or measured.peak_rss_bytes > 1_000_000
    if os.path.exists("/proc/self/stat"):
        assert current_cpu() is not None


def test_a_simulated_strategy_the_file_marks_unsupported_raises_unsupported() -> None:
    simulation = Simulation(SIMULATION, round_number=1)
    with pytest.raises(Unsupported, match="subinterpreters"):
        simulation.executor("interpreters", "fork", 1, "cpu interpreters 2")


def test_simulated_memory_counts_each_worker_process_on_top() -> None:
    simulation = Simulation(SIMULATION, round_number=1)
    peak = int(json.loads(SIMULATION.read_text()).get("peak_rss_bytes", 50_000_000))
    tasks = [Task("cpu", countdown, 1)] * 4
    processes = simulation.measure(SimulatedExecutor("processes", [1.0], 0.0), tasks, 2)
    threads = simulation.measure(SimulatedExecutor("threads", [1.0], 0.0), tasks, 2)
    assert (processes.peak_rss_bytes, threads.peak_rss_bytes) == (3 * peak, peak)


def test_simulated_tasks_are_laid_out_evenly_after_start_up() -> None:
    one_pass = SimulatedExecutor("threads", [1.1], 0.1).run([Task("cpu", countdown, 1)] * 4, 2)
    assert one_pass.wall_s == 1.1 and one_pass.pool_startup_s == 0.1
    assert [round(duration, 6) for _, duration, _, _ in one_pass.records] == [0.5] * 4
