"""Ctrl-C, SIGTERM and SIGHUP mean one thing: stop, keep what was measured, exit 130.

Standard library only (guest code imports it).  A closed terminal (SIGHUP), a
CI job cancelled (SIGTERM) and Ctrl-C (SIGINT) all become one
``KeyboardInterrupt``, installed from the start of a command (a SIGTERM
while a run is set up also ends in 130, not 143).  The code that saves after a
stop ignores further signals (:func:`ignore_signals`), so a second SIGTERM
50 ms after the first cannot cut the last save short.

A ``KeyboardInterrupt`` raised at an unlucky moment is swallowed: CPython
reports an exception raised in an ``os.fork`` hook (``logging`` registers one)
as "unraisable", prints its traceback and goes on; seen twice in CI, where the
runner forked a cell just as SIGINT came and then measured on.  So the runner
holds the stop signals while it forks (:func:`signals_held`: they are
delivered right after, in its own code), and the first signal is also
remembered, the measuring loops asking :func:`raise_if_stopping` at every step.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

_STATE = {"stopping": False}
"""Whether a stop signal came (in this process; a forked cell starts with none)."""


def _stop(signum: int, frame: Any) -> None:
    _STATE["stopping"] = True
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """From now on SIGINT, SIGTERM and SIGHUP raise ``KeyboardInterrupt`` (and are remembered)."""
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)


def ignore_signals() -> None:
    """While the stop is carried out (the last save): further signals would only cut it short."""
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)


def raise_if_stopping() -> None:
    """In a measuring loop: a stop signal came, even if its ``KeyboardInterrupt`` was swallowed on the way."""
    if _STATE["stopping"]:
        raise KeyboardInterrupt


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Block the stop signals around ``os.fork()``: one that comes meanwhile waits, and is delivered when they are
    unblocked, after the fork hooks, not inside one.  (A forked child leaves with them blocked and
    :func:`default_signals` unblocks them; a signal sent to the runner is never pending in the child.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def default_signals() -> None:
    """A cell's own process: the signals' default actions (its runner handles stopping), and no stop pending."""
    _STATE["stopping"] = False
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
