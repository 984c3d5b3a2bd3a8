"""One cell, measured inside its own child process (``python -m bench cell SPEC RESULT``).

Guest code: standard library and ``requests`` only.  The parent (:mod:`bench.measure.loop`)
writes the cell's spec; this process imports the workload, runs the warm-ups
and repetitions and rewrites its partial :class:`~bench.result.Cell` after
each, so a kill or a timeout still leaves every repetition measured so far.
"""

from __future__ import annotations

import contextlib
import json
import traceback
import warnings
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Optional

from bench import layout
from bench.errors import UsageError
from bench.measure.config import AUTO, QUARTER
from bench.measure.strategy import Cancelled, Executor, Pass, Unsupported, WarmUp
from bench.measure.surroundings import Surroundings, surroundings
from bench.measure.workloads import BuildContext, Task, WorkloadChoice, build_tasks, import_dependencies
from bench.result import Cell, Config, Repetition, TaskRecord
from bench.vocabulary import chunk_of, strategy

WARMUP_SHARE = 4
"""With ``config.warmup_tasks`` "quarter", a warm-up pass runs 1 / WARMUP_SHARE of the cell's tasks."""
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
        return f"{self.workload.cell_label} {self.executor} {self.workers}"

    @property
    def cpu_argument(self) -> Any:
        """What ``cpu`` tasks inside ``mixed`` use: the run's own ``cpu`` argument, if it has one."""
        return next((w.argument for w in self.config.workloads if w.name == "cpu"), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "config": self.config.to_json(),
            "workload": self.workload.to_json(),
            "executor": self.executor,
            "workers": self.workers,
            "simulate": self.simulate,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellSpec:
        return cls(
            Config.from_json(data["config"]),
            WorkloadChoice.from_json(data["workload"]),
            data["executor"],
            data["workers"],
            data["simulate"],
        )


def compact_tasks(measured: Pass, kinds: list[str]) -> tuple[TaskRecord, ...]:
    """Task rows with start offsets and durations at µs precision and small worker numbers (0, 1, ...)."""
    workers: dict[tuple[int, int], int] = {}
    for _start, _, pid, tid in sorted(measured.records):
        workers.setdefault((pid, tid), len(workers))
    return tuple(
        TaskRecord(round(start - measured.started, 6), round(duration, 6), workers[(pid, tid)], kind)
        for (start, duration, pid, tid), kind in zip(measured.records, kinds)
    )


def dispatch_gaps(measured: Pass) -> float:
    """Per worker (mean), the time from the pool being ready to the worker's last task's end that no task of its
    own covered: what handing tasks over costs (a worker idle at the end, waiting for the others, is not counted)."""
    ready = measured.started + measured.pool_startup_s
    busy: dict[tuple[int, int], float] = {}
    last: dict[tuple[int, int], float] = {}
    for start, duration, pid, tid in measured.records:
        busy[(pid, tid)] = busy.get((pid, tid), 0.0) + duration
        last[(pid, tid)] = max(last.get((pid, tid), ready), start + duration)
    if not busy:
        return 0.0
    return max(0.0, sum(last[worker] - ready - busy[worker] for worker in busy) / len(busy))


class CellRun:
    """The cell being measured in this process: prepared once, then one repetition per round on request."""

    def __init__(self, spec: CellSpec, result_path: Path, where: Surroundings) -> None:
        self.spec = spec
        self.result_path = result_path
        self.where = where
        self.cell = Cell(spec.workload.cell_label, spec.executor, spec.workers)
        self.prepared: Optional[tuple[Executor, list[Task], list[str]]] = None

    def save(self, **changes: Any) -> None:
        self.cell = replace(self.cell, gil_enabled=self.where.gil_enabled(), **changes)
        layout.write_atomically(self.result_path, json.dumps(self.cell.to_json()))

    def prepare(self) -> tuple[Executor, list[Task], list[str]]:
        """Import what the workload needs, build its tasks and executor, and warm up (once per cell)."""
        if self.prepared is None:
            spec, config = self.spec, self.spec.config
            import_dependencies([spec.workload])
            context = BuildContext(urls=list(config.urls), seed=config.seed, cpu_argument=spec.cpu_argument)
            tasks = build_tasks(spec.workload, config.load, context)
            chunksize = chunk_of(config.chunksize, len(tasks), spec.workers)
            executor = self.where.executor(spec.executor, config.start_method, chunksize, spec.key)
            self.warm_up(executor, tasks)
            self.prepared = (executor, tasks, [task.kind for task in tasks])
        return self.prepared

    def warm_up(self, executor: Executor, tasks: list[Task]) -> None:
        """Discarded passes over a quarter of the tasks (at least one per worker): a fixed number, or with
        "auto" until they stop getting faster (bounded).  They warm what carries over to the measured pass in
        this process (imports, specialised bytecode, JIT traces, the main thread's connections) at a
        quarter of a full pass's cost, which every round pays."""
        walls: list[float] = []
        setting = self.spec.config.warmup
        auto = setting == AUTO
        share = WARMUP_SHARE if self.spec.config.warmup_tasks == QUARTER else max(1, len(tasks))
        part = tasks[: max(self.spec.workers, -(-len(tasks) // share))]
        passes = AUTO_WARMUP_MAX if auto else int(setting)
        if not strategy(self.spec.executor).warm_up_carries_over:
            # its measured pass starts new workers (processes, subinterpreters): they warm up inside its pool,
            # after start-up, every worker its own share, left out of the pass's time (recorded with each pass)
            executor.warm = WarmUp(tuple(part), passes, auto, AUTO_WARMUP_TOLERANCE) if passes else None
            return
        for _ in range(passes):
            walls.append(round(executor.run(part, self.spec.workers).wall_s, 6))
            if auto and len(walls) > 1 and walls[-1] >= walls[-2] * (1 - AUTO_WARMUP_TOLERANCE):
                self.save(warmup_s=tuple(walls))
                return
        note = f"still improving after {AUTO_WARMUP_MAX} warm-ups" if auto and passes else None
        self.save(warmup_s=tuple(walls), warmup_note=note)

    def measure(self, round_number: int) -> None:
        """One measured repetition, recorded with its round, CPU time and the CPU it ended on."""
        executor, tasks, kinds = self.prepare()
        measured, cpu_s, on_cpu, peak_rss = self.where.measure(executor, tasks, self.spec.workers)
        record = Repetition(
            round(measured.wall_s, 6),
            round(measured.pool_startup_s, 6),
            compact_tasks(measured, kinds),
            round=round_number,
            cpu_s=None if cpu_s is None else round(cpu_s, 6),
            on_cpu=on_cpu,
            shutdown_s=round(measured.shutdown_s, 6),
            gaps_s=round(dispatch_gaps(measured), 6),
            peak_rss_bytes=peak_rss,
        )
        warmed: dict[str, Any] = {}
        if measured.warmup_s:  # warmed inside the pool, in this pass
            walls = measured.warmup_s
            steady = len(walls) > 1 and walls[-1] >= walls[-2] * (1 - AUTO_WARMUP_TOLERANCE)
            still = self.spec.config.warmup == AUTO and len(walls) >= AUTO_WARMUP_MAX and not steady
            warmed = {
                "warmup_s": walls,
                "warmup_note": f"still improving after {AUTO_WARMUP_MAX} warm-ups" if still else None,
            }
        self.save(runs=(*self.cell.runs, record), **warmed)

    def measure_guarded(self, round_number: int) -> bool:
        """:meth:`measure`, with a fault recorded as the cell's status; False when the cell cannot go on."""
        try:
            self.measure(round_number)
        except Unsupported as exc:
            self.save(status="unsupported", reason=str(exc))
        except BrokenProcessPool as exc:
            self.save(status="failed", reason=f"a pool worker process died ({exc})")
        except UsageError as exc:
            self.save(status="failed", reason=str(exc))
        except Cancelled:
            self.save(status="failed", reason="cancelled")
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
            self.save(status="failed", reason=f"a task raised {type(exc).__name__}: {exc}{where}")
        return self.cell.status == "ok"


def run_cell(
    spec_path: str, result_path: str, round_number: int, after_import: Optional[Callable[[], None]] = None
) -> int:
    """Child-process entry: warm up and measure this cell's repetition of one round; a fault becomes its status.

    The workload's modules are imported first, and only then does ``after_import`` start the harness's own
    thread (the watch on the runner): on free-threaded 3.13 the objects a module makes before the process's
    first thread scale differently over threads from those it makes after (CPython gh-117783), and a plain
    program imports its code before it starts threads.
    """
    warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\) may lead to deadlocks")
    spec = CellSpec.from_json(json.loads(Path(spec_path).read_text()))
    with contextlib.suppress(UsageError):  # recorded as the cell's status by measure_guarded, which imports again
        import_dependencies([spec.workload])
    if after_import is not None:
        after_import()
    where = surroundings(Path(spec.simulate) if spec.simulate else None, round_number)
    CellRun(spec, Path(result_path), where).measure_guarded(round_number)
    return 0
