"""The table of comparisons: one method per kind of pair, the words each test allows, nothing unplanned."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.report.comparisons import INDEPENDENT, PAIRED, Comparisons, compare_cells


def cell(interpreter: str, walls: list[float], executor: str = "serial", workers: int = 1) -> pd.Series:
    rounds = list(range(1, len(walls) + 1))
    return pd.Series(
        {"interpreter": interpreter, "workload": "cpu", "executor": executor, "workers": workers}
        | {"walls": walls, "rounds": rounds}
    )


SLOW = [1.10, 1.12, 1.09, 1.11, 1.13, 1.10, 1.12, 1.11]
FAST = [1.00, 1.01, 0.99, 1.00, 1.02, 1.00, 1.01, 1.00]


def test_one_interpreter_s_cells_are_paired_by_round_others_independent() -> None:
    table = Comparisons()
    assert table.add(cell("3.13", SLOW), cell("3.13", FAST, "threads", 2)).paired
    assert not table.add(cell("3.13", SLOW), cell("pypy3", FAST)).paired
    conducted = Comparisons({"3.13": ("run", "host", "3.13", "pypy3"), "pypy3": ("run", "host", "3.13", "pypy3")})
    assert conducted.add(cell("3.13", SLOW), cell("pypy3", FAST)).paired
    independent = compare_cells(cell("3.13", SLOW), cell("3.13", FAST, "threads", 2), False, 0.01, 0.05)
    assert not independent.paired


def test_each_row_says_its_method_and_the_words_its_test_allows() -> None:
    table = Comparisons()
    slow, fast, other = cell("3.13", SLOW), cell("3.13", FAST, "threads", 2), cell("pypy3", FAST)
    paired = table.add(slow, fast)
    assert paired.method == PAIRED and paired.words == "slower" and paired.p < 0.01
    assert table.add(fast, slow).words == "faster"
    same = table.add(slow, cell("3.13", list(reversed(SLOW)), "processes", 2))
    assert same.words in ("equivalent", "not settled")  # never "no significant difference" or "tied"
    assert table.add(slow, other).method == INDEPENDENT
    assert table.add(slow, slow).value == 1.0  # a cell against itself: no row
    frame = table.frame()
    assert list(frame["verdict"]) == ["slower", same.words, "slower"]  # one row per unordered pair
    columns = {"a_interpreter", "b_executor", "ratio", "low", "high", "verdict", "p", "p_adjusted", "rounds", "method"}
    assert set(frame.columns) >= columns


def test_a_pair_is_computed_once_and_an_unplanned_one_is_an_error() -> None:
    table = Comparisons()
    slow, fast = cell("3.13", SLOW), cell("3.13", FAST, "threads", 2)
    assert table.add(slow, fast) is table.add(slow, fast)
    assert table.of(slow, fast) is table.add(slow, fast)
    with pytest.raises(KeyError, match="was not planned"):
        table.of(fast, slow)
