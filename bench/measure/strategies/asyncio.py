"""``asyncio``: one event loop in the measured process, N tasks in flight through a semaphore (and, for
``offload``, a thread pool of N for the built-in CPU tasks).

Guest code: standard library only.  The loop is made and closed inside the
pass (its start-up and shut-down in the wall time, as a pool's are).  Waiting
tasks (``sleep``, ``io``, mixed's io) run as coroutines
(:mod:`bench.measure.async_tasks`); CPU tasks are called from the coroutine
and block the loop, as they do in people's programs; a user's coroutine
function is awaited.  Each task is recorded on the shared clock with its
*slot* (which of the N in-flight places it held) as its worker, so the
timelines show N rows, and a stalled loop shows as every row waiting.
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor

from bench.measure.async_tasks import Connections, async_variant
from bench.measure.strategy import Cancelled, Executor, Pass, TaskTiming, _ready, clock, current_worker, register
from bench.measure.workloads import Task, run_user_task


async def _run_all(
    tasks: list[Task], workers: int, connections: Connections, offload: bool = False
) -> list[TaskTiming]:
    semaphore = asyncio.Semaphore(workers)
    free = list(range(workers - 1, -1, -1))  # the in-flight slots: a task's row in the timeline
    pid, _ = current_worker()
    loop = asyncio.get_running_loop()

    async def one(task: Task) -> TaskTiming:
        async with semaphore:
            slot = free.pop()
            try:
                _, function, argument = task
                variant = async_variant(function)
                start = clock()
                if variant is not None:
                    await variant(argument, slot, connections)
                elif offload and function is not run_user_task:  # a built-in CPU task: to the loop's threads
                    await loop.run_in_executor(None, function, argument)
                else:
                    result = function(argument)
                    if inspect.isawaitable(result):  # a user's coroutine function
                        await result
                end = clock()
            except asyncio.CancelledError:
                raise Cancelled("cancelled") from None  # the cell: failed, "cancelled"
            finally:
                free.append(slot)
        return start, end - start, pid, slot

    return list(await asyncio.gather(*(one(task) for task in tasks)))


@register
class AsyncioExecutor(Executor):
    name = "asyncio"
    offload = False  # built-in CPU tasks to threads (asyncio.to_thread's executor) instead of blocking the loop

    def run(self, tasks: list[Task], workers: int) -> Pass:
        started = clock()
        loop = asyncio.new_event_loop()
        if self.offload:  # asyncio.to_thread's executor, one thread per task in flight, started with the loop
            loop.set_default_executor(ThreadPoolExecutor(max_workers=workers))
            loop.run_until_complete(asyncio.gather(*(loop.run_in_executor(None, _ready, i) for i in range(workers))))
        connections = Connections()
        startup = clock() - started
        try:
            records = loop.run_until_complete(_run_all(tasks, workers, connections, self.offload))
            done = clock()
        finally:
            loop.run_until_complete(connections.close())
            if self.offload:
                loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
        shutdown = clock() - done
        return Pass(started, done - started + shutdown, startup, records, shutdown)
