"""``serial``: the calling thread, no pool: the baseline every speed-up is relative to.

Guest code: standard library only.
"""

from __future__ import annotations

from bench.measure.strategy import Executor, Pass, clock, current_worker, register
from bench.measure.workloads import Task


@register
class SerialExecutor(Executor):
    name = "serial"

    def run(self, tasks: list[Task], workers: int) -> Pass:
        timings: list[tuple[float, float]] = []
        record = timings.append
        started = clock()
        for _, function, argument in tasks:  # timed_call inlined: one call less per task
            start = clock()
            function(argument)
            end = clock()
            record((start, end - start))
        wall = clock() - started
        pid, thread = current_worker()
        return Pass(started, wall, 0.0, [(start, duration, pid, thread) for start, duration in timings])
