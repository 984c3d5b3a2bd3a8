"""A cell never outlives its runner: no process, pool worker or temporary folder is left behind.

Guest code: standard library only.

The runner keeps the write end of a pipe that only it holds; every cell process
watches the read end in a thread.  When the runner dies, even by ``kill -9``,
the kernel closes the write end, the read returns at once, and the cell removes
the run's temporary folder and kills its own process group (itself, its pool
workers, a forkserver).  A runner killed between two cells leaves only its
folder, which the next run removes (:func:`sweep_stale_folders`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable, Optional

PR_SET_CHILD_SUBREAPER = 36
"""Linux's prctl option: orphaned descendants are re-parented to this process, not to init."""

FOLDER_PREFIX = "gilbench-cell-"
PARENT_FD_VARIABLE = "GILBENCH_PARENT_FD"
"""How a cell started as a new interpreter (not forked) learns which inherited descriptor to watch."""


class ParentPipe:
    """The runner's side: a pipe whose write end only the runner holds, closed by the kernel when it dies."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.runner_only: tuple[int, ...] = ()  # more descriptors a cell must not keep (a conductor's channel)

    def in_forked_child(self) -> int:
        """In a child forked from the runner: drop the inherited write end (else the child would keep itself
        alive) and the runner's own channels, return the end to watch."""
        for fd in (self.write_fd, *self.runner_only):
            with contextlib.suppress(OSError):
                os.close(fd)
        return self.read_fd

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def watch_parent(read_fd: int, folder: Optional[Path]) -> None:
    """In a cell process: when the runner's pipe closes, remove ``folder`` and kill this process group."""

    def wait_for_the_end() -> None:
        with contextlib.suppress(OSError):
            while os.read(read_fd, 1):
                pass
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=wait_for_the_end, name="gilbench-watch-runner", daemon=True).start()


_PRCTL: list[Callable[..., int]] = []
"""libc's ``prctl``, loaded once by :func:`load_prctl` (ctypes costs 8 ms on CPython, 17 ms on PyPy)."""


def load_prctl() -> None:
    """In the runner, before it forks any cell: every forked cell then finds ``prctl`` already loaded."""
    if _PRCTL or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
    except (ImportError, OSError, AttributeError):
        pass


def become_subreaper() -> bool:
    """In a cell process (Linux): whatever its workload starts and abandons, even a daemon that double-forks
    into a session of its own, becomes this process's child, so :func:`kill_leftovers` can end it.
    Through ``ctypes`` (standard library); False where the kernel or the interpreter cannot."""
    load_prctl()
    return bool(_PRCTL) and int(_PRCTL[0](PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0


def _children(pid: int) -> list[int]:
    """The children of ``pid`` (each of its threads' children), read from /proc."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                found += [int(part) for part in listing.read().split()]
    except OSError:  # no /proc/PID/task/*/children (an old kernel): scan every process's parent instead
        found = []
        for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if entry.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        found.append(int(entry))
    return found


def kill_leftovers() -> int:
    """When a cell ends: kill every process still below it, over and over, until none is left (killing one
    re-parents its own children to this subreaper).  Returns how many were killed."""
    killed = 0
    for _ in range(1000):
        children = _children(os.getpid())
        if not children:
            break
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return killed


def run_folder() -> tempfile.TemporaryDirectory[str]:
    """The run's temporary folder, named after the runner's pid so a later run can tell it is stale."""
    sweep_stale_folders()
    return tempfile.TemporaryDirectory(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")


def sweep_stale_folders(root: Optional[Path] = None) -> list[Path]:
    """Remove cell folders whose runner is gone (killed between two cells, when no cell could clean up)."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid_text = folder.name[len(FOLDER_PREFIX) :].partition("-")[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
