"""One cell, measured inside its own child process (``python -m bench cell SPEC RESULT``).

Guest code: standard library and ``requests`` only.  The parent (:mod:`bench.measure.loop`)
writes the cell's spec; this process imports the workload, runs the warm-ups
and repetitions and rewrites its partial :class:`~bench.result.Cell` after
each, so a kill or a timeout still leaves every repetition measured so far.
"""

from __future__ import annotations

import json
import sys
import traceback
import warnings
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

from bench import layout
from bench.errors import UsageError
from bench.measure.config import AUTO
from bench.measure.executors import Executor, Repetition
from bench.measure.surroundings import Surroundings, surroundings
from bench.measure.workloads import BuildContext, Task, WorkloadChoice, build_tasks, import_dependencies
from bench.result import Cell, Config, TaskRecord
from bench.result import Repetition as RepetitionRecord

AUTO_WARMUP_MAX = 10
AUTO_WARMUP_TOLERANCE = 0.02
"""--warmup auto stops once a warm-up is no more than 2% faster than the one before (at most 10)."""


@dataclass(frozen=True)
class CellSpec:
    """What the parent asks of one cell process: the run's settings and which cell (JSON next to its result)."""

    config: Config
    workload: WorkloadChoice
    executor: str
    workers: int
    simulate: Optional[str] = None

    @property
    def key(self) -> str:
        """``cpu threads 2``: how a simulation file names the cell."""
        return f"{self.workload.name} {self.executor} {self.workers}"

    @property
    def cpu_argument(self) -> Any:
        """What ``cpu`` tasks inside ``mixed`` use: the run's own ``cpu`` argument, if it has one."""
        return next((w.argument for w in self.config.workloads if w.name == "cpu"), None)

    def to_json(self) -> dict[str, Any]:
        choice = self.workload
        return {
            "config": self.config.to_json(),
            "workload": {"name": choice.name, "argument": choice.argument, "has_argument": choice.has_argument},
            "executor": self.executor,
            "workers": self.workers,
            "simulate": self.simulate,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellSpec:
        return cls(
            Config.from_json(data["config"]),
            WorkloadChoice(**data["workload"]),
            data["executor"],
            data["workers"],
            data["simulate"],
        )


def compact_tasks(repetition: Repetition, kinds: list[str]) -> tuple[TaskRecord, ...]:
    """Task rows with start offsets and durations at µs precision and small worker numbers (0, 1, ...)."""
    workers: dict[tuple[int, int], int] = {}
    for _start, _, pid, tid in sorted(repetition.records):
        workers.setdefault((pid, tid), len(workers))
    return tuple(
        TaskRecord(round(start - repetition.started, 6), round(duration, 6), workers[(pid, tid)], kind)
        for (start, duration, pid, tid), kind in zip(repetition.records, kinds)
    )


class Progress:
    """Repetition progress: a bar redrawn in place on a terminal, plain lines in CI logs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()

    def step(self, tag: str, wall_s: float) -> None:
        self.done += 1
        if self.tty:
            filled = int(20 * self.done / max(1, self.total))
            sys.stderr.write(f"\r    [{'#' * filled}{'.' * (20 - filled)}] {tag}: {wall_s:.3f}s   ")
        else:
            sys.stderr.write(f"    {tag}: {wall_s:.3f}s\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty and self.done:
            sys.stderr.write("\n")
            sys.stderr.flush()


class CellRun:
    """The cell being measured: its record so far, saved after every step."""

    def __init__(self, spec: CellSpec, result_path: Path, where: Surroundings) -> None:
        self.spec = spec
        self.result_path = result_path
        self.where = where
        self.cell = Cell(spec.workload.name, spec.executor, spec.workers)
        warmups = spec.config.warmup if spec.config.warmup != AUTO else 0
        self.progress = Progress(spec.config.repeat + int(warmups))

    def save(self, **changes: Any) -> None:
        self.cell = replace(self.cell, gil_enabled=self.where.gil_enabled(), **changes)
        layout.write_atomically(self.result_path, json.dumps(self.cell.to_json()))

    def warm_up(self, executor: Executor, tasks: list[Task]) -> None:
        """Discarded repetitions: a fixed number, or with "auto" until they stop getting faster (bounded)."""
        walls: list[float] = []
        setting = self.spec.config.warmup
        auto = setting == AUTO
        for index in range(AUTO_WARMUP_MAX if auto else int(setting)):
            wall = executor.run(tasks, self.spec.workers).wall_s
            walls.append(round(wall, 6))
            self.progress.step(f"warm-up {index + 1} (auto)" if auto else f"warm-up {index + 1}/{setting}", wall)
            if auto and len(walls) > 1 and wall >= walls[-2] * (1 - AUTO_WARMUP_TOLERANCE):
                self.save(warmup_s=tuple(walls))
                return
        note = f"still improving after {AUTO_WARMUP_MAX} warm-ups" if auto else None
        self.save(warmup_s=tuple(walls), warmup_note=note)

    def measure(self) -> None:
        spec, config = self.spec, self.spec.config
        import_dependencies([spec.workload])
        context = BuildContext(urls=list(config.urls), seed=config.seed, cpu_argument=spec.cpu_argument)
        tasks = build_tasks(spec.workload, config.load, context)
        kinds = [task.kind for task in tasks]
        executor = self.where.executor(spec.executor, config.start_method, spec.key)
        self.warm_up(executor, tasks)
        for index in range(config.repeat):
            repetition = executor.run(tasks, spec.workers)
            record = RepetitionRecord(
                round(repetition.wall_s, 6), round(repetition.pool_startup_s, 6), compact_tasks(repetition, kinds)
            )
            self.progress.step(f"rep {index + 1}/{config.repeat}", repetition.wall_s)
            self.save(runs=(*self.cell.runs, record))


def run_cell(spec_path: str, result_path: str) -> int:
    """Child-process entry: measure one cell; a fault becomes the cell's status and reason."""
    warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\) may lead to deadlocks")
    spec = CellSpec.from_json(json.loads(Path(spec_path).read_text()))
    run = CellRun(spec, Path(result_path), surroundings(Path(spec.simulate) if spec.simulate else None))
    try:
        run.measure()
    except BrokenProcessPool as exc:
        run.save(status="failed", reason=f"a pool worker process died ({exc})")
    except UsageError as exc:
        run.save(status="failed", reason=str(exc))
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        run.save(status="failed", reason=f"a task raised {type(exc).__name__}: {exc}{where}")
    else:
        run.save()
    run.progress.close()
    return 0
