"""The child-side cell: its spec crosses to the cell's process intact, and its task rows and gaps are computed right."""

from __future__ import annotations

import pytest

from bench.measure.cell import CellSpec, compact_tasks, dispatch_gaps
from bench.measure.strategy import Pass
from bench.measure.workloads import parse_workload, with_declared_traits
from bench.result import Config, TaskRecord


def test_a_cell_spec_round_trips_with_its_workload_traits_and_label() -> None:
    [choice] = with_declared_traits([parse_workload("tests.guest.faulty:double=3")], ["tests.guest.faulty:double=cpu"])
    choice = type(choice)(choice.name, choice.argument, choice.has_argument, choice.traits, "double=3")
    config = Config("standard", (choice.record(),), (("threads", 2),), 4, 2, 1, 60.0, "fork")
    spec = CellSpec(config, choice, "threads", 2)
    again = CellSpec.from_json(spec.to_json())
    assert again == spec
    assert again.workload.traits.cpu_bound and again.workload.cell_label == "double=3"
    assert again.key == "double=3 threads 2"  # how a simulation file names the cell


def test_task_rows_are_relative_to_the_pass_and_workers_numbered_in_order_of_first_use() -> None:
    measured = Pass(100.0, 1.0, 0.1, [(100.2, 0.3, 7, 2), (100.1, 0.1, 7, 1), (100.3, 0.2, 7, 2)])
    assert compact_tasks(measured, ["cpu", "io", "cpu"]) == (
        TaskRecord(0.2, 0.3, 1, "cpu"),
        TaskRecord(0.1, 0.1, 0, "io"),
        TaskRecord(0.3, 0.2, 1, "cpu"),
    )


def test_gaps_are_the_time_a_worker_spends_between_its_tasks() -> None:
    """Worker A: tasks at 1-2 and 3-4 after a pool ready at 1 (1 s between); worker B: 1-4 (none): mean 0.5 s."""
    records = [(1.0, 1.0, 10, 1), (3.0, 1.0, 10, 1), (1.0, 3.0, 11, 1)]
    assert dispatch_gaps(Pass(0.0, 5.0, 1.0, records)) == pytest.approx(0.5)
    assert dispatch_gaps(Pass(0.0, 5.0, 1.0, [])) == 0.0
