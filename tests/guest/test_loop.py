"""The runner's loop: the shuffled, recorded order of each round, what --dry-run prints, how progress reads."""

from __future__ import annotations

import pytest

from bench.__main__ import build_parser
from bench.measure.config import resolve_config
from bench.measure.loop import Progress, dry_run, round_order
from bench.result import Cell, Repetition


def test_each_round_has_its_own_shuffled_order_which_the_seed_repeats() -> None:
    orders = [round_order(0, number, 10) for number in range(1, 6)]
    assert all(sorted(order) == list(range(10)) for order in orders)
    assert len({tuple(order) for order in orders}) > 1
    assert orders == [round_order(0, number, 10) for number in range(1, 6)]
    assert round_order(1, 1, 10) != round_order(0, 1, 10)


def test_a_dry_run_names_the_matrix_in_the_report_s_words(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["run", "--workloads", "cpu=10,sleep", "--executors", "serial,threads"])
    args.workers = "2"
    assert dry_run(resolve_config(args)) == 0
    first, estimate, gil = capsys.readouterr().out.strip().splitlines()
    assert first == "would measure 4 cells: cpu, sleep x serial, 2 threads; load 20, 8 rounds"
    assert estimate.startswith("estimated time: ")
    assert gil.endswith("after importing every workload's modules") and ", GIL o" in gil


def test_progress_names_each_cell_as_the_report_does(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress("3.13", 2)
    progress.step(1, 2, Cell("cpu", "threads", 5, runs=(Repetition(0.25, 0.01),)), 1)
    line = capsys.readouterr().err
    assert line.startswith("[3.13] round 1/2, 1/2: cpu 5 threads 0.250s after 1 warm-up (")
