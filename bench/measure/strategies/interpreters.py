"""The ``interpreters`` strategy: N isolated subinterpreters, each with its own GIL, fed by N threads.

Guest code: standard library only.  Since 3.12 a subinterpreter can have its
own GIL (PEP 684), so N of them run Python code in parallel inside one
process, without the pickling and start-up of a process pool.  The public API
(``concurrent.interpreters``, PEP 734) arrived in 3.14; 3.13 has the same
machinery in the private ``_interpreters`` module.  Which one is used is found
by feature detection, never by version number; where neither exists (PyPy,
older CPython) the cell is ``unsupported`` with the reason.

How a repetition runs: each worker thread owns one subinterpreter, set up with
the parent's ``sys.path`` and the cell's task list (as JSON: module, function
and argument of each task, rebuilt inside).  A thread takes the next task
index from a shared queue and runs that task in its subinterpreter, which
times it on the system-wide clock and writes (start, duration) to the
thread's own pipe.  Creating and setting up the interpreters is the pool's
start-up; destroying them is its shut-down; both are inside the wall time.
"""

from __future__ import annotations

import marshal
import os
import queue
import struct
import sys
import threading
import time
from typing import Any, Optional

from bench.measure.strategy import Executor, Pass, TaskTiming, Unsupported, register
from bench.measure.workloads import Task

RECORD = struct.Struct("dd")  # start (perf_counter), duration

SETUP = """
import marshal as _marshal
import os as _os
import sys as _sys
import time as _time
import warnings as _warnings
from struct import Struct as _Struct

_sys.path[:] = _marshal.loads(_path)
_pack = _Struct("dd").pack
_clock = _time.perf_counter


def _resolve(module, name):
    __import__(module)
    found = _sys.modules[module]
    for part in name.split("."):
        found = getattr(found, part)
    return found


# Warnings the task modules' imports raise are the main interpreter's to show (it imported them too): requests
# warns in every subinterpreter that charset_normalizer (compiled for the main interpreter only) is missing.
# simplefilter, not a message filter: a message is a regular expression, and importing re costs 10 ms here.
with _warnings.catch_warnings():
    _warnings.simplefilter("ignore")
    _tasks = [(_resolve(module, name), argument) for _kind, module, name, argument in _marshal.loads(_spec)]


def _run(index):
    function, argument = _tasks[index]
    start = _clock()
    function(argument)
    end = _clock()
    _os.write(_fd, _pack(start, end - start))
"""


class _Backend:
    """create / prepare / exec / destroy, over the public API (3.14+) or the private one (3.13)."""

    name = ""

    def create(self) -> Any:
        raise NotImplementedError

    def prepare(self, handle: Any, names: dict[str, Any]) -> None:
        raise NotImplementedError

    def exec(self, handle: Any, code: str) -> Optional[tuple[str, str]]:
        """Run ``code`` in the subinterpreter's ``__main__``; (exception type name, message) if it raised."""
        raise NotImplementedError

    def destroy(self, handle: Any) -> None:
        raise NotImplementedError


class _PublicBackend(_Backend):
    """``concurrent.interpreters`` (PEP 734, Python 3.14+)."""

    name = "concurrent.interpreters"

    def __init__(self, module: Any) -> None:
        self.module = module

    def create(self) -> Any:
        return self.module.create()

    def prepare(self, handle: Any, names: dict[str, Any]) -> None:
        handle.prepare_main(names)

    def exec(self, handle: Any, code: str) -> Optional[tuple[str, str]]:
        try:
            handle.exec(code)
        except self.module.ExecutionFailed as exc:
            excinfo = getattr(exc, "excinfo", None)
            kind = getattr(getattr(excinfo, "type", None), "__name__", None) or "Exception"
            return kind, str(getattr(excinfo, "msg", exc))
        return None

    def destroy(self, handle: Any) -> None:
        handle.close()


class _PrivateBackend(_Backend):
    """``_interpreters`` (CPython 3.13), the machinery under the public API."""

    name = "_interpreters"

    def __init__(self, module: Any) -> None:
        self.module = module

    def create(self) -> Any:
        return self.module.create("isolated")  # its own GIL, its own module state

    def prepare(self, handle: Any, names: dict[str, Any]) -> None:
        self.module.set___main___attrs(handle, names)

    def exec(self, handle: Any, code: str) -> Optional[tuple[str, str]]:
        error = self.module.exec(handle, code)
        if error is None:
            return None
        return str(getattr(error.type, "__name__", "Exception")), str(error.msg)

    def destroy(self, handle: Any) -> None:
        self.module.destroy(handle)


def backend() -> Optional[_Backend]:
    """The subinterpreter API this interpreter offers, found by feature detection, or None."""
    try:
        import concurrent.interpreters as public  # type: ignore[import-not-found,unused-ignore]

        return _PublicBackend(public)
    except ImportError:
        pass
    try:
        import _interpreters  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    if not hasattr(_interpreters, "exec") or not hasattr(_interpreters, "set___main___attrs"):
        return None
    return _PrivateBackend(_interpreters)


def unavailable_reason() -> str:
    implementation = f"{sys.implementation.name} {sys.version.split()[0]}"
    return (
        f"subinterpreters with their own GIL are not available on {implementation} "
        "(needs CPython 3.13+: concurrent.interpreters, or _interpreters on 3.13)"
    )


def task_spec(tasks: list[Task]) -> bytes:
    """The task list as a subinterpreter rebuilds it (``marshal``: built in, so a subinterpreter imports nothing
    to read it): kind, module, function name and argument of each."""
    rows = [(task.kind, task.function.__module__, task.function.__qualname__, task.argument) for task in tasks]
    try:
        return marshal.dumps(rows)
    except ValueError as exc:
        raise Unsupported(f"a task's argument cannot be passed to a subinterpreter ({exc})") from None


def task_error(kind: str, message: str) -> Exception:
    """The subinterpreter's exception, as one of the same type name in this interpreter (for the cell's reason)."""
    error: Exception = type(kind, (Exception,), {"__module__": "subinterpreter"})(message)
    return error


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise OSError("a subinterpreter closed its result pipe")
        data += chunk
    return data


class _Worker:
    """One subinterpreter, its result pipe, and the thread that feeds it."""

    def __init__(self, api: _Backend, spec: bytes) -> None:
        self.api = api
        self.read_fd, self.write_fd = os.pipe()
        self.handle = None
        try:
            self.handle = api.create()
            api.prepare(self.handle, {"_path": marshal.dumps(sys.path), "_spec": spec, "_fd": self.write_fd})
            failed = api.exec(self.handle, SETUP)
        except BaseException:
            self.close()
            raise
        if failed is not None:
            self.close()
            kind, message = failed
            raise Unsupported(f"the workload cannot run in a subinterpreter ({kind}: {message})")

    def close(self) -> None:
        if self.handle is not None:
            self.api.destroy(self.handle)
        os.close(self.read_fd)
        os.close(self.write_fd)


@register
class InterpretersExecutor(Executor):
    """N isolated subinterpreters fed by N threads; pool start-up and shut-down inside the wall time."""

    name = "interpreters"

    def run(self, tasks: list[Task], workers: int) -> Pass:
        api = backend()
        if api is None:
            raise Unsupported(unavailable_reason())
        spec = task_spec(tasks)
        started = time.perf_counter()
        pool: list[_Worker] = []
        try:
            _create_all(api, spec, workers, pool)
            startup = time.perf_counter() - started
            shares = self._warm_shares(workers)
            warmups, warm_cpu = self.warm.run(lambda: _warm_each(api, pool, shares)) if self.warm else ((), 0.0)
            resumed = time.perf_counter()  # the pass's clock stops over the warm-up: its origin moves by its length
            records = _run_all(api, pool, len(tasks))
            done = time.perf_counter()
        finally:
            for worker in pool:
                worker.close()
        ended = time.perf_counter()
        origin = resumed - startup
        return Pass(origin, ended - origin, startup, records, ended - done, warmup_s=warmups, warmup_cpu_s=warm_cpu)

    def _warm_shares(self, workers: int) -> list[list[int]]:
        """Each subinterpreter's warm-up tasks, as indices into the cell's task list (the warm-up is its prefix)."""
        if self.warm is None:
            return []
        indices = list(range(len(self.warm.tasks)))
        return [indices[worker::workers] for worker in range(workers)]


def _start_and_join(threads: list[threading.Thread]) -> None:
    """Every thread started, then every one joined: the workers' parts run at the same time."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _create_all(api: _Backend, spec: bytes, workers: int, pool: list[_Worker]) -> None:
    """Create and set up ``workers`` subinterpreters at the same time, one per thread, into ``pool``: each has its
    own GIL, so their start-ups overlap, as ``concurrent.futures.InterpreterPoolExecutor``'s workers (3.14) do when
    each thread creates its own.  The first failure is raised once every thread is done (the others are in
    ``pool``, for the caller to close)."""
    failures: list[BaseException] = []

    def create() -> None:
        try:
            pool.append(_Worker(api, spec))  # a worker that fails to set up closes itself
        except BaseException as exc:  # re-raised below, in the caller's thread
            failures.append(exc)

    threads = [threading.Thread(target=create, name=f"gilbench-interp-create-{i}") for i in range(workers)]
    _start_and_join(threads)
    if failures:
        raise failures[0]


def _warm_each(api: _Backend, pool: list[_Worker], shares: list[list[int]]) -> float:
    """One warm-up pass: each subinterpreter runs its own share of tasks (results read and dropped).  Returns 0.0:
    its CPU time is this process's, which :class:`WarmUp` counts itself."""
    failures: list[tuple[str, str]] = []

    def warm(worker: _Worker, share: list[int]) -> None:
        for index in share:
            failed = api.exec(worker.handle, f"_run({index})")
            if failed is not None:
                failures.append(failed)
                return
            _read_exactly(worker.read_fd, RECORD.size)

    threads = [threading.Thread(target=warm, args=pair, name="gilbench-interp-warm") for pair in zip(pool, shares)]
    _start_and_join(threads)
    if failures:
        raise task_error(*failures[0])
    return 0.0


def _run_all(api: _Backend, pool: list[_Worker], count: int) -> list[TaskTiming]:
    """Every task once, each thread running the next index in its own subinterpreter; the first failure wins."""
    indices: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(count):
        indices.put(index)
    records: list[Optional[TaskTiming]] = [None] * count
    failures: list[tuple[str, str]] = []
    pid = os.getpid()

    def feed(worker: _Worker) -> None:
        thread = threading.get_ident()
        while not failures:
            try:
                index = indices.get_nowait()
            except queue.Empty:
                return
            failed = api.exec(worker.handle, f"_run({index})")
            if failed is not None:
                failures.append(failed)
                return
            start, duration = RECORD.unpack(_read_exactly(worker.read_fd, RECORD.size))
            records[index] = (start, duration, pid, thread)

    threads = [
        threading.Thread(target=feed, args=(worker,), name=f"gilbench-interp-{i}") for i, worker in enumerate(pool)
    ]
    _start_and_join(threads)
    if failures:
        raise task_error(*failures[0])
    return [record for record in records if record is not None]
