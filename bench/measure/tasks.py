"""The built-in CPU and waiting tasks, in a module that imports next to nothing.

Guest code: standard library only.  A subinterpreter (the ``interpreters``
strategy) imports the module of each task it runs, so these modules carry only
their task functions and what those need: a cell's start-up then measures the
strategy, not gilbench (``countdown`` needs no import at all).  Task functions
are module-level so process pools can pickle them.
"""

from __future__ import annotations

import time


def countdown(n: int) -> int:
    """The talk's CPU-bound task: a pure-Python loop that holds the GIL throughout."""
    while n > 0:
        n -= 1
    return n


SHARED_TABLE: dict[str, str] = {f"key{i}": f"value{i}" for i in range(1024)}
"""Read by every ``objects`` task in every thread: shared objects, contended reference counts."""


def objects(n: int) -> int:
    """Build ``n`` small dicts, strings and lists and read shared objects into them."""
    total = 0
    shared = SHARED_TABLE
    for i in range(n):
        name = "item-" + str(i)
        tags = ["a", "b", str(i % 7)]
        record = {"id": i, "name": name, "tags": tags, "shared": shared["key" + str(i % 1024)]}
        total += len(name) + len(tags) + len(record["shared"])  # type: ignore[arg-type]
    return total


def sleep(seconds: float) -> float:
    """Pure waiting: no CPU, no network."""
    time.sleep(seconds)
    return seconds
