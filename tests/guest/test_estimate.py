"""--dry-run's estimate: what the same cells cost in earlier runs on this machine, or why there is none."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from bench.measure.estimate import costs, estimate_line


def result(label: str, cells: list[dict[str, Any]], shared: list[str], span: tuple[str, str]) -> dict[str, Any]:
    return {
        "complete": True,
        "started_at": span[0],
        "finished_at": span[1],
        "machine": {"hostname": platform.node()},
        "interpreter": {"label": label},
        "config": {"load": 4, "workloads": [{"name": "cpu", "argument": 1000}], "shared_rounds": shared},
        "cells": cells,
    }


def cell(executor: str, walls: list[float], warmups: list[float], status: str = "ok") -> dict[str, Any]:
    runs = [{"wall_s": wall} for wall in walls]
    return {"workload": "cpu", "executor": executor, "workers": 1, "status": status, "runs": runs, "warmup_s": warmups}


def test_a_conducted_run_spreads_its_own_costs_over_every_measurement(tmp_path: Path) -> None:
    run = tmp_path / "20261128-100000"
    run.mkdir()
    span = ("2026-11-28T10:00:00+0000", "2026-11-28T10:00:20+0000")  # 20 s for 8 measurements
    a = result(
        "a", [cell("serial", [1.0, 1.0], [0.5, 0.5]), cell("interpreters", [], [], "unsupported")], ["a", "b"], span
    )
    b = result("b", [cell("serial", [2.0, 2.0], [0.0, 0.0]), cell("threads", [3.0, 3.0], [])], ["a", "b"], span)
    for name, document in (("a", a), ("b", b)):
        (run / f"{name}.json").write_text(json.dumps(document))
    found = costs(tmp_path, platform.node())
    # measured: a 3 s, b 10 s; 6 measurements: (20 - 13) / 6 s of the run's own cost each.
    extra = 7 / 6
    assert found[("a", "cpu=1000", "serial", 1, 4)] == 1.5 + extra
    assert found[("b", "cpu=1000", "threads", 1, 4)] == 3.0 + extra
    assert found[("a", "cpu=1000", "interpreters", 1, 4)] == 0.0  # unsupported: known, and never measured
    line = estimate_line([("b", "cpu=1000", "serial", 1, 4), ("b", "cpu=1000", "processes", 2, 4)], 10, tmp_path)
    assert line == (
        f"estimated time: about {(2.0 + extra) * 10:.0f} s, from earlier runs on this machine, "
        "not counting 1 of the 2 cells, never measured here"
    )


def test_no_earlier_run_means_no_estimate(tmp_path: Path) -> None:
    line = estimate_line([("a", "cpu", "serial", 1, 4)], 8, tmp_path)
    assert line == "estimated time: unknown (no earlier run on this machine measured these cells)"
