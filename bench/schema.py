"""The result file's format: its version, and loading with validation.

Shared by guest (writes ``SCHEMA_VERSION``) and host (loads and checks), so it
imports only the standard library.

History of ``schema_version`` (add a line, never rewrite one):

1. First version.  Top level: ``schema_version``, ``run_id``, ``complete``,
   ``interrupted``, ``tool``, ``interpreter``, ``machine``, ``config``,
   ``started_at``, ``finished_at``, ``task_fields``, ``cells``.  A cell has
   ``workload``, ``executor``, ``workers``, ``status`` ("ok", "failed",
   "timeout"), ``reason``, ``gil_enabled``, ``warmup`` (wall times only) and
   ``runs``; a run has ``wall_s``, ``pool_startup_s`` and ``tasks``, a list of
   rows laid out as ``task_fields`` says: ``[start_s, duration_s, worker, kind]``
   with ``start_s`` relative to the run's start (before the pool was created).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
TASK_FIELDS = ["start_s", "duration_s", "worker", "kind"]
STATUSES = ("ok", "failed", "timeout")


class SchemaError(ValueError):
    """A result file that cannot be used; the message names the file and the problem."""


_REQUIRED_TOP = ("schema_version", "run_id", "complete", "interpreter", "machine", "config", "cells")
_REQUIRED_INTERPRETER = ("label", "implementation", "version", "free_threaded_build", "gil_enabled")
_REQUIRED_CELL = ("workload", "executor", "workers", "status", "runs")


def validate(document: Any, source: str) -> dict[str, Any]:
    """Check the fields the rest of gilbench relies on; return the document."""
    if not isinstance(document, dict):
        raise SchemaError(f"{source}: not a gilbench result (top level is not an object)")
    version = document.get("schema_version")
    if not isinstance(version, int):
        raise SchemaError(f"{source}: not a gilbench result (no schema_version)")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"{source}: schema_version {version} is newer than this gilbench understands "
            f"(up to {SCHEMA_VERSION}); upgrade gilbench to report it"
        )
    missing = [key for key in _REQUIRED_TOP if key not in document]
    if missing:
        raise SchemaError(f"{source}: missing field(s) {', '.join(missing)}")
    interpreter = document["interpreter"]
    missing = [key for key in _REQUIRED_INTERPRETER if key not in interpreter]
    if missing:
        raise SchemaError(f"{source}: interpreter is missing {', '.join(missing)}")
    for index, cell in enumerate(document["cells"]):
        missing = [key for key in _REQUIRED_CELL if key not in cell]
        if missing:
            raise SchemaError(f"{source}: cell {index} is missing {', '.join(missing)}")
        if cell["status"] not in STATUSES:
            raise SchemaError(f"{source}: cell {index} has status {cell['status']!r}, expected one of {STATUSES}")
    return document


def load(path: Path | str) -> dict[str, Any]:
    """Read and validate one result file; every problem is a :class:`SchemaError` naming it."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(f"{source}: cannot read ({exc.strerror})") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SchemaError(f"{source}: not valid JSON, truncated or corrupt ({exc})") from None
    return validate(document, source)
