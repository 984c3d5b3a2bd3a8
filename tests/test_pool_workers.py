"""How a pool's tasks fell on its workers: uneven chunked splits and cold workers, named from the task rows."""

from __future__ import annotations

from pathlib import Path

from bench.report import pool_workers
from bench.report.load import Column
from bench.result import Cell, Config, Document, Interpreter, Machine, Repetition, TaskRecord, WorkloadRecord

LOPSIDED = [(float(i), 1.0, 0) for i in range(6)] + [(0.0, 1.0, 1), (1.0, 1.0, 1)]


def _run(rows: list[tuple[float, float, int]], round_: int = 1) -> Repetition:
    tasks = tuple(TaskRecord(start, duration, worker, "cpu") for start, duration, worker in rows)
    return Repetition(max(start + duration for start, duration, _ in rows), 0.0, tasks, round=round_)


def _column(cell: Cell, chunksize: int | str = "auto", pools_warmed: bool = True, warmup: int = 1) -> Column:
    config = Config(
        "standard",
        (WorkloadRecord("cpu", 1),),
        ((cell.executor, cell.workers),),
        len(cell.runs[0].tasks),
        len(cell.runs),
        warmup,
        60.0,
        "fork",
        chunksize=chunksize,
        pools_warmed=pools_warmed,
    )
    document = Document(
        "r", Interpreter("3.13", "cpython", "3.13.5", False, True), Machine("h", "cpu", 2, 2), config, cells=(cell,)
    )
    return Column("3.13", Path("3.13.json"), document)


def test_the_last_worker_to_finish_with_a_chunk_more_than_an_even_share_is_uneven() -> None:
    # 8 tasks in chunks of 2 on 2 workers: worker 0 ran 6 and finished last; an even share is 4
    run = _run(LOPSIDED)
    split = pool_workers.split_of(run, workers=2, chunk=2)
    assert split is not None and split.last_worker_tasks == 6 and split.even_share == 4 and split.uneven
    even = pool_workers.split_of(_run([(0, 1, 0), (1, 1, 0), (0, 1, 1), (1, 1, 1)]), workers=2, chunk=2)
    assert even is not None and not even.uneven


def test_uneven_splits_are_named_only_for_pools_that_hand_over_chunks() -> None:
    runs = tuple(_run(LOPSIDED, r) for r in (1, 2, 3))
    chunked = Cell("cpu", "processes", 2, runs=runs)
    warned = pool_workers.uneven_splits([_column(chunked, chunksize=2)])
    assert [warning.code for warning in warned] == ["uneven-split"] and warned[0].cells == ("3.13 cpu 2 processes",)
    one_at_a_time = Cell("cpu", "threads", 2, runs=runs)  # threads take the next task when free: it balances
    assert pool_workers.uneven_splits([_column(one_at_a_time, chunksize=2)]) == []


def test_a_pool_measured_cold_is_named_with_how_much_slower_its_first_tasks_ran() -> None:
    cold = _run([(0, 3, 0), (3, 1, 0), (0, 3, 1), (3, 1, 1)])
    cell = Cell("cpu", "processes", 2, runs=(cold,))
    assert pool_workers.first_to_last(cell) == 3.0
    warned = pool_workers.cold_pools([_column(cell, pools_warmed=False)])
    assert [warning.code for warning in warned] == ["cold-pool"] and "3.0x" in warned[0].text
    assert pool_workers.cold_pools([_column(cell, pools_warmed=True)]) == []  # warmed inside its pool: not cold
