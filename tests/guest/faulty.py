"""User workloads that misbehave on purpose, to check faults become statuses."""

from __future__ import annotations

import os
import signal
import time

NOT_CALLABLE = 42


def raise_value_error(argument: object = None) -> None:
    raise ValueError(f"bad input {argument!r}")


def hang(argument: object = None) -> None:
    time.sleep(3600)


def kill_own_process(argument: object = None) -> None:
    """Dies like a worker killed by the OOM killer."""
    os.kill(os.getpid(), signal.SIGKILL)


def segfault(argument: object = None) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def double(argument: int = 1) -> int:
    return 2 * argument


def no_argument() -> str:
    return "ok"


def note_pid(path: str) -> None:
    """Appends the process id that ran the task to ``path`` (which process measured which round)."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")


def note_interpreter(path: str) -> None:
    """Appends ``pid interpreter-id`` to ``path``: which (sub)interpreter ran the task (0 is the main one)."""
    try:
        import _interpreters  # CPython 3.13+

        current = _interpreters.get_current()
        ident = current[0] if isinstance(current, tuple) else current
    except ImportError:
        ident = 0
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {int(ident)}\n")


def declared_wait(seconds: float = 0.001) -> None:
    """A user workload that declares its traits the way users can: an attribute of the function."""
    time.sleep(seconds)


declared_wait.gilbench_traits = "wait"  # type: ignore[attr-defined]


def daemonize(path: str) -> None:
    """Starts a daemon the classic way (fork, setsid, fork again) that would sleep for an hour, and notes its pid
    in ``path``: it leaves the cell's process group, so only a subreaper can still find it."""
    noted = _lines(path)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")
            time.sleep(3600)
        os._exit(0)
    os.waitpid(pid, 0)
    for _ in range(500):  # until this call's daemon has noted itself, not an earlier call's
        if _lines(path) > noted:
            return
        time.sleep(0.01)


def _lines(path: str) -> int:
    """How many pids ``path`` holds so far (0 when it does not exist yet)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return len(handle.read().split())
    except FileNotFoundError:
        return 0


def generator(argument: object = None):  # type: ignore[no-untyped-def]
    """A generator function: calling it runs nothing."""
    yield argument


_calls = [0]


def note_call(path: str) -> None:
    """Appends ``START PID THREAD N``: this call's start time, and that it is the Nth call in this worker
    (process and thread: a subinterpreter's worker shares its process)."""
    import threading

    _calls[0] += 1
    start = time.perf_counter()
    with open(path, "a") as log:
        log.write(f"{start:.9f} {os.getpid()} {threading.get_ident()} {_calls[0]}\n")


async def async_double(argument: int = 1) -> int:
    """A well-behaved coroutine workload: it waits a little, then answers."""
    import asyncio

    await asyncio.sleep(0.001)
    return 2 * argument


async def async_hang(argument: object = None) -> None:
    """A coroutine that never finishes."""
    import asyncio

    await asyncio.sleep(3600)


async def async_cancelled(argument: object = None) -> None:
    """A coroutine cancelled while it runs (as a task whose caller gave up)."""
    import asyncio

    task = asyncio.current_task()
    assert task is not None
    task.cancel()
    await asyncio.sleep(1)
