"""Ctrl-C, SIGTERM and SIGHUP mean one thing: stop, keep what was measured, exit 130.

Standard library only (guest code imports it).  A closed terminal (SIGHUP), a
CI job cancelled (SIGTERM) and Ctrl-C (SIGINT) all become one
``KeyboardInterrupt``, raised once: the first signal starts the orderly stop
and any later one is ignored, so a second SIGTERM 50 ms after the first can
neither cut the last save short nor turn exit 130 into 143.
"""

from __future__ import annotations

import signal
from typing import Any

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _stop(signum: int, frame: Any) -> None:
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """From now on the first of SIGINT, SIGTERM or SIGHUP raises ``KeyboardInterrupt``; later ones are ignored."""
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)


def default_signals() -> None:
    """A cell's own process: the signals' default actions (its runner handles stopping)."""
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_DFL)
