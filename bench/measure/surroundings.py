"""Where the runner gets its facts, its clock and its executors: the real machine, or a simulation.

Guest code: standard library only.  The real :class:`Surroundings` asks the
running interpreter and the kernel.  :class:`Simulation` (``python -m bench run
--simulate FILE``) reads every fact and every wall time from a file, the way
hyperfine's tests use a mock executor: the real runner, cell processes and
writer then produce result files that are the same on every machine, which is
how the report's fixtures are made (``python tests/fixtures/make_fixtures.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple, Optional

from bench import __version__
from bench.measure import hygiene, introspect, memory, probe
from bench.measure.strategy import Executor, Pass, Unsupported, make_executor
from bench.measure.workloads import Task
from bench.result import Interpreter, ProbePoint, RunWarning, Tool
from bench.vocabulary import strategy

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def git_commit() -> Optional[str]:
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def interpreter_record(label: str, facts: dict[str, Any]) -> Interpreter:
    return Interpreter(
        label=label,
        implementation=facts["implementation"],
        version=facts["version"],
        free_threaded_build=bool(facts["free_threaded_build"]),
        gil_enabled=bool(facts["gil_enabled"]),
        version_info=tuple(facts["version_info"]),
        implementation_version=facts.get("implementation_version", ""),
        executable=facts.get("executable", ""),
        base_executable=facts.get("base_executable", ""),
        python_gil_env=facts.get("python_gil_env"),
        jit=facts.get("jit", ""),
        build=facts.get("build", {}),
        packages=facts.get("packages", {}),
    )


class Measured(NamedTuple):
    """One repetition and what the surroundings measured around it."""

    one_pass: Pass
    cpu_s: Optional[float]
    on_cpu: Optional[int]
    peak_rss_bytes: Optional[int]


class Surroundings:
    """The real thing: this interpreter, this machine, the wall clock, real pools."""

    def interpreter(self, label: str) -> Interpreter:
        return interpreter_record(label, introspect.interpreter_facts())

    def machine(self) -> dict[str, Any]:
        return introspect.machine_facts()

    def disturbances(self, machine: dict[str, Any], max_workers: int) -> tuple[dict[str, Any], list[RunWarning]]:
        return hygiene.disturbances(machine, max_workers)

    def load_average(self) -> Optional[list[float]]:
        return introspect.load_average()

    def now(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z")

    def tool(self) -> Tool:
        return Tool("gilbench", __version__, git_commit())

    def gil_enabled(self) -> bool:
        return introspect.gil_enabled()

    def executor(self, name: str, start_method: str, chunksize: int, cell_key: str) -> Executor:
        return make_executor(name, start_method, chunksize)

    def measure(self, executor: Executor, tasks: list[Task], workers: int) -> Measured:
        """One repetition, with the CPU time of this process tree during it, the CPU it ended on and the peak
        resident memory of the process and its pool's workers."""
        memory.reset_peak()
        before = _tree_cpu_s()
        one_pass = executor.run(tasks, workers)  # a pool's workers are joined inside: their CPU time is counted
        cpu_s = _tree_cpu_s() - before - one_pass.warmup_cpu_s  # a warm-up inside the pool is not the pass
        own = memory.peak_rss_bytes()
        peak = None if own is None else own + one_pass.workers_peak_rss
        return Measured(one_pass, cpu_s, current_cpu(), peak)

    def clock(self) -> float:
        return time.monotonic()

    def probe(self, label: str, at_s: float, loops: int, cpus: list[int]) -> ProbePoint:
        return probe.probe(label, at_s, loops, cpus)


def _tree_cpu_s() -> float:
    """User + system CPU of this process and every child it has waited for (µs resolution where available)."""
    try:
        import resource
    except ImportError:  # not on Windows
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def current_cpu() -> Optional[int]:
    """The CPU this process last ran on (``/proc/self/stat`` field 39), None where the kernel does not say."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        return None


class Simulation(Surroundings):
    """Everything from a file: fixed facts, fixed timestamps, and wall times per cell in call order."""

    def __init__(self, path: Path, round_number: int = 0) -> None:
        self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self.round = round_number
        self.calls = 0
        self.ticks = 0
        self.probes = 0

    def interpreter(self, label: str) -> Interpreter:
        return interpreter_record(label, self.data["interpreter"])

    def machine(self) -> dict[str, Any]:
        return dict(self.data["machine"])

    def disturbances(self, machine: dict[str, Any], max_workers: int) -> tuple[dict[str, Any], list[RunWarning]]:
        facts = {
            "load_average": machine["load_average"],
            "cpu_governor": machine["cpu_governor"],
            "usable_cpus": machine["usable_cpus"],
            "max_workers": max_workers,
            **self.data.get("disturbances", {}),
        }
        return facts, hygiene.warnings_from(facts)

    def load_average(self) -> Optional[list[float]]:
        value: Optional[list[float]] = self.data.get("load_average_end")
        return value

    def now(self) -> str:
        times: list[str] = self.data["times"]
        self.calls += 1
        return times[min(self.calls, len(times)) - 1]

    def tool(self) -> Tool:
        return Tool(**self.data["tool"])

    def gil_enabled(self) -> bool:
        return bool(self.data["interpreter"]["gil_enabled"])

    def measure(self, executor: Executor, tasks: list[Task], workers: int) -> Measured:
        one_pass = executor.run(tasks, workers)
        busy = sum(duration for _, duration, _, _ in one_pass.records)  # every task on a CPU all along
        own_processes = strategy(executor.name).separate_processes
        peak = int(self.data.get("peak_rss_bytes", 50_000_000)) * (workers + 1 if own_processes else 1)
        return Measured(one_pass, busy, int(self.data.get("on_cpu", 0)), peak)

    def clock(self) -> float:
        self.ticks += 1
        return float(self.ticks * 10)

    def probe(self, label: str, at_s: float, loops: int, cpus: list[int]) -> ProbePoint:
        """The simulation's next probe point (its list is cycled), under the label the runner gives."""
        points = self.data["probe"]
        point = ProbePoint.from_json(points[self.probes % len(points)], "simulation.probe")
        self.probes += 1
        return replace(point, label=label, at_s=at_s)

    def executor(self, name: str, start_method: str, chunksize: int, cell_key: str) -> Executor:
        unsupported = self.data.get("unsupported", {}).get(name)
        if unsupported:
            raise Unsupported(unsupported)
        walls = self.data["walls"].get(cell_key)
        if not walls:
            raise ValueError(f"the simulation has no wall times for cell {cell_key!r}")
        startup = float(self.data.get("pool_startup_s", 0.0)) if strategy(name).pooled else 0.0
        warmups = [float(wall) for wall in walls["warmup"]] if strategy(name).warm_up_carries_over else []
        measured = float(walls["rounds"][(self.round - 1) % len(walls["rounds"])])
        busy = float(walls.get("busy", 1.0))
        return SimulatedExecutor(name, [*warmups, measured], startup, busy)


class SimulatedExecutor(Executor):
    """Returns the next wall time of its list (this process's warm-ups, then its round's), tasks laid out evenly.

    ``busy`` is the share of each worker's time after start-up spent in tasks; the rest becomes gaps between
    them, as a pool that hands tasks over one at a time leaves.
    """

    def __init__(self, name: str, walls: list[float], pool_startup_s: float, busy: float = 1.0) -> None:
        self.name = name
        self.walls = walls
        self.pool_startup_s = pool_startup_s
        self.busy = busy
        self.calls = 0

    def run(self, tasks: list[Task], workers: int) -> Pass:
        wall = self.walls[self.calls % len(self.walls)]
        self.calls += 1
        per_worker = -(-len(tasks) // workers)
        slot = (wall - self.pool_startup_s) / per_worker
        duration = slot * self.busy
        records = [
            (self.pool_startup_s + (index // workers + 1) * slot - duration, duration, os.getpid() + index % workers, 0)
            for index in range(len(tasks))
        ]
        return Pass(0.0, wall, self.pool_startup_s, records)


def surroundings(simulate: Optional[Path], round_number: int = 0) -> Surroundings:
    return Simulation(simulate, round_number) if simulate is not None else Surroundings()
