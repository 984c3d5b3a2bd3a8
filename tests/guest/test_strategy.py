"""The strategy interface: every strategy the vocabulary lists is registered, runs every task, and records who ran
it and when, on one clock."""

from __future__ import annotations

import os

import pytest

from bench.measure import strategy
from bench.measure.strategies.interpreters import backend
from bench.measure.strategies.processes import start_methods
from bench.measure.strategy import make_executor
from bench.measure.tasks import countdown, sleep
from bench.measure.workloads import Task
from bench.vocabulary import STRATEGY_NAMES
from tests.conftest import ROOT

SLEEPS = [Task("sleep", sleep, 0.02)] * 8


def test_every_listed_strategy_registers_one_implementation_and_nothing_else_registers() -> None:
    """The vocabulary lists strategies for the report; the measuring side must implement exactly those."""
    for name in STRATEGY_NAMES:
        assert strategy.implementation(name).name == name
    assert sorted(strategy.REGISTRY) == sorted(STRATEGY_NAMES)
    modules = {path.stem for path in (ROOT / "bench" / "measure" / "strategies").glob("*.py")} - {"__init__"}
    assert modules == set(STRATEGY_NAMES), "one module per listed strategy, named as the vocabulary names it"


def test_a_strategy_the_vocabulary_does_not_list_cannot_register() -> None:
    class Stray(strategy.Executor):
        name = "stray"

    with pytest.raises(ValueError, match="not listed"):
        strategy.register(Stray)


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_every_executor_runs_every_task(name: str) -> None:
    if name == "interpreters" and backend() is None:
        pytest.skip("no subinterpreters here: tests/guest/test_subinterpreters.py checks the cell is unsupported")
    tasks = [Task("cpu", countdown, 1000)] * 12
    repetition = make_executor(name, "fork" if "fork" in start_methods() else "spawn").run(tasks, 2)
    assert len(repetition.records) == 12
    assert repetition.wall_s > 0
    assert all(duration >= 0 for _, duration, _, _ in repetition.records)
    assert 0 <= repetition.pool_startup_s <= repetition.wall_s


def test_threads_use_as_many_workers_as_asked() -> None:
    repetition = make_executor("threads", "fork").run(SLEEPS, 4)
    threads = {(pid, tid) for _, _, pid, tid in repetition.records}
    assert len(threads) == 4
    assert {pid for pid, _ in threads} == {os.getpid()}


@pytest.mark.parametrize("method", start_methods())
def test_processes_run_in_other_processes_with_each_start_method(method: str) -> None:
    executor = make_executor("processes", method)
    assert (executor.name, executor.start_method, executor.chunksize) == ("processes", method, 1)
    repetition = executor.run(SLEEPS, 2)
    pids = {pid for _, _, pid, _ in repetition.records}
    assert len(pids) == 2
    assert os.getpid() not in pids


def test_worker_clock_is_comparable_with_the_parent_clock() -> None:
    """Task start times taken in pool processes fall inside the parent's measured interval."""
    repetition = make_executor("processes", "spawn").run(SLEEPS, 2)
    for start, duration, _, _ in repetition.records:
        assert repetition.started <= start
        assert start + duration <= repetition.started + repetition.wall_s


def test_serial_runs_in_the_calling_thread() -> None:
    repetition = make_executor("serial", "fork").run(SLEEPS[:3], 1)
    assert repetition.pool_startup_s == 0.0
    starts = [start for start, _, _, _ in repetition.records]
    assert starts == sorted(starts)


def test_a_chunk_of_tasks_goes_to_one_worker_process() -> None:
    """--chunksize 4: tasks 0-3 run in one process, one after another, and 4-7 in one process."""
    method = "fork" if "fork" in start_methods() else "spawn"
    repetition = make_executor("processes", method, 4).run(SLEEPS, 2)
    pids = [pid for _, _, pid, _ in repetition.records]
    assert len(set(pids[:4])) == 1 and len(set(pids[4:])) == 1
    starts = [start for start, _, _, _ in repetition.records[:4]]
    assert starts == sorted(starts)


def test_shut_down_is_timed_inside_the_wall_time() -> None:
    method = "fork" if "fork" in start_methods() else "spawn"
    repetition = make_executor("processes", method).run(SLEEPS, 2)
    last_end = max(start + duration for start, duration, _, _ in repetition.records)
    assert 0 < repetition.shutdown_s <= repetition.started + repetition.wall_s - last_end + 1e-6
