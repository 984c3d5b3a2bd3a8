"""Picking cells out of the per-cell summary: one interpreter's, the best, the fastest, the serial baseline.

Host code, shared by the sections and the verdicts so both pick the same cells.
"""

from __future__ import annotations

import pandas as pd

from bench.report import stats


def workload_order(summary: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(summary["workload"]))


def rows_of(summary: pd.DataFrame, interpreter: str, workload: str, executor: str | None = None) -> pd.DataFrame:
    """The cells of one interpreter and workload (and executor, when given)."""
    mask = (summary["interpreter"] == interpreter) & (summary["workload"] == workload)
    if executor is not None:
        mask &= summary["executor"] == executor
    rows: pd.DataFrame = summary[mask]
    return rows


def cell_of(summary: pd.DataFrame, interpreter: str, workload: str, executor: str, workers: int) -> pd.Series | None:
    rows = rows_of(summary, interpreter, workload, executor)
    rows = rows[rows["workers"] == workers]
    return None if rows.empty else rows.iloc[0]


def best(summary: pd.DataFrame, interpreter: str, workload: str, executor: str) -> pd.Series | None:
    """The cell of ``executor`` with the best speed-up over the interpreter's own serial run."""
    rows = rows_of(summary, interpreter, workload, executor).dropna(subset=["speedup"])
    if rows.empty:
        return None
    top: pd.Series = rows.loc[rows["speedup"].idxmax()]
    return top


def fastest(summary: pd.DataFrame, interpreter: str, workload: str) -> pd.Series | None:
    rows = rows_of(summary, interpreter, workload).dropna(subset=["median"])
    return None if rows.empty else rows.loc[rows["median"].idxmin()]


def serial_cell(summary: pd.DataFrame, interpreter: str, workload: str) -> pd.Series | None:
    for executor in ("serial", "threads"):
        cell = cell_of(summary, interpreter, workload, executor, 1)
        if cell is not None and cell["walls"]:
            return cell
    return None


def cells_compared(a: pd.Series, b: pd.Series) -> stats.Comparison:
    """``a / b``: paired by round when both cells come from one interpreter's run, else independent samples."""
    same_run = a["interpreter"] == b["interpreter"]
    return stats.compare(list(a["walls"]), list(a["rounds"]), list(b["walls"]), list(b["rounds"]), paired=same_run)
