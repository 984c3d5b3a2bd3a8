"""A workload that remembers how many threads its process had when it was imported.

On free-threaded 3.13 that changes how the module's code scales over threads, so a cell must import the
workload before the harness starts any thread of its own, as a plain script does.
"""

from __future__ import annotations

import os
import sys
import threading


def _threads_now() -> int:
    """Every thread of this process (the kernel's count: also threads Python did not start), where /proc has it."""
    try:
        with open(f"/proc/{os.getpid()}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))
    except (OSError, StopIteration):
        return threading.active_count()


def _a_thread_has_run() -> str:
    """Whether this process ever started a thread (even one that has ended), where that leaves a trace: on
    free-threaded 3.13 the first thread makes every function that exists then immortal (CPython gh-117783), so
    ``threading``'s own functions then show an immortal reference count.  "unknown" elsewhere."""
    if sys.version_info[:2] != (3, 13) or getattr(sys, "_is_gil_enabled", lambda: True)():
        return "unknown"
    return "yes" if sys.getrefcount(threading.Thread.start) >= 2**31 else "no"


THREADS_AT_IMPORT = _threads_now()
THREAD_RAN_BEFORE_IMPORT = _a_thread_has_run()


def note_threads_at_import(path: str) -> None:
    """Appends ``PID THREADS_AT_IMPORT THREAD_RAN_BEFORE_IMPORT`` (the import may have happened in a parent this
    process was forked from)."""
    with open(path, "a") as log:
        log.write(f"{os.getpid()} {THREADS_AT_IMPORT} {THREAD_RAN_BEFORE_IMPORT}\n")
