"""A workload module that sends its own process SIGINT from inside an ``os.fork`` hook, once, on the third fork.

CPython reports an exception raised in a fork hook as "unraisable" and goes on, so the runner's
``KeyboardInterrupt`` is swallowed there: the run must still stop (seen once in CI, by chance).
"""

from __future__ import annotations

import os
import signal

_forks = [0]
_runner = os.getpid()


def _after_fork_in_parent() -> None:
    _forks[0] += 1
    if _forks[0] == 3 and os.getpid() == _runner:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(100_000):  # the Python-level handler runs here, inside the hook
            pass


os.register_at_fork(after_in_parent=_after_fork_in_parent)


def noop(argument: object = None) -> None:
    """The task: nothing."""
