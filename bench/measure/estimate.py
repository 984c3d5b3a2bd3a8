"""How long a run will take, from what the same cells cost in earlier runs on this machine (``--dry-run``).

Guest code: standard library only.  Each earlier result file of this machine
(same host name) under the results folder gives, per cell (interpreter label,
workload as written, strategy, workers, tasks), the median wall time of its
rounds plus its warm-ups, and the run's own cost per measurement beyond them
(a fresh process, saving the file, the probe).  A cell never measured here has
no estimate, and the line says how many.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any, Optional

from bench.layout import NOT_RESULTS

RECENT_RUNS = 20
"""Only the newest run folders are read: costs drift, and reading stays quick."""

CellKey = tuple[str, str, str, int, int]
"""(label, workload as written, executor, workers, tasks per cell)."""


def _seconds(stamp: Optional[str]) -> Optional[float]:
    try:
        return time.mktime(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%S%z"))
    except (TypeError, ValueError):
        return None


def costs(root: Path, hostname: str) -> dict[CellKey, float]:
    """Seconds one round of each cell took in the newest earlier run of this machine that measured it."""
    found: dict[CellKey, float] = {}
    folders = sorted((path for path in root.glob("*") if path.is_dir() and not path.is_symlink()), reverse=True)
    for folder in folders[:RECENT_RUNS]:
        documents = []
        for path in sorted(folder.glob("*.json")):
            if path.name in NOT_RESULTS or path.name.startswith("."):
                continue
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                if document["machine"]["hostname"] == hostname and document.get("complete"):
                    documents.append(document)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not a result this version can read: no estimate from it
        try:
            for key, cost in _run_costs(documents).items():
                found.setdefault(key, cost)  # folders newest first: the newest cost wins
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return found


def _run_costs(documents: list[dict[str, Any]]) -> dict[CellKey, float]:
    """Each cell's seconds per round, with the run's own cost per measurement spread over every cell: files of
    one conducted run share their time span, the others each have their own."""
    spans: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for document in documents:
        shared = tuple(document["config"].get("shared_rounds") or ())
        spans.setdefault(shared if shared else (document["interpreter"]["label"],), []).append(document)
    found: dict[CellKey, float] = {}
    for members in spans.values():
        cells: dict[CellKey, float] = {}
        measured, rounds = 0.0, 0
        for document in members:
            file_cells, file_measured, file_rounds = _file_costs(document)
            cells.update(file_cells)
            measured, rounds = measured + file_measured, rounds + file_rounds
        starts = [_seconds(document.get("started_at")) for document in members]
        ends = [_seconds(document.get("finished_at")) for document in members]
        if rounds and None not in starts and None not in ends:
            span = max(e for e in ends if e is not None) - min(s for s in starts if s is not None)
            extra = max(0.0, (span - measured) / rounds)  # processes, saves, probes: per measurement
            cells = {key: cost + extra if cost else 0.0 for key, cost in cells.items()}  # unsupported: still 0
        found.update(cells)
    return found


def _file_costs(document: dict[str, Any]) -> tuple[dict[CellKey, float], float, int]:
    """Per cell, its median round plus its warm-ups; and the file's measured seconds and measurements."""
    config = document["config"]
    texts = {}
    for workload in config["workloads"]:
        text = workload["name"] if workload.get("argument") is None else f"{workload['name']}={workload['argument']}"
        texts[workload["name"]] = texts[text] = text
    label, load = document["interpreter"]["label"], int(config["load"])
    cells: dict[CellKey, float] = {}
    measured, rounds = 0.0, 0
    for cell in document["cells"]:
        walls = [run["wall_s"] for run in cell["runs"]]
        key = (label, texts.get(cell["workload"], cell["workload"]), cell["executor"], int(cell["workers"]), load)
        if cell["status"] == "unsupported":
            cells[key] = 0.0  # known to cost nothing: it is not measured
        if not walls:
            continue
        warmups = sum(cell.get("warmup_s") or [])
        cells[key] = statistics.median(walls) + warmups / len(walls)
        measured, rounds = measured + sum(walls) + warmups, rounds + len(walls)
    return cells, measured, rounds


def estimate_line(cells: list[CellKey], repeat: int, root: Path) -> str:
    """``estimated time: about 7.5 min ...`` or why there is no estimate."""
    known = costs(root, platform.node())
    found = [known[cell] for cell in cells if cell in known]
    if not found:
        return "estimated time: unknown (no earlier run on this machine measured these cells)"
    total = sum(found) * repeat
    shown = f"{total / 60:.1f} min" if total >= 90 else f"{total:.0f} s"
    line = f"estimated time: about {shown}, from earlier runs on this machine"
    missing = len(cells) - len(found)
    if missing:
        line += f", not counting {missing} of the {len(cells)} cells, never measured here"
    return line
