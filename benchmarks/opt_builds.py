"""How much faster is an optimized CPython (``+opt``: PGO and LTO) than gilbench's plain build of the same version?

Reads one conducted run whose labels include ``X`` and ``X+opt`` (for example ``3.13`` and ``3.13+opt``,
``3.13t`` and ``3.13t+opt``), measured in the same rounds, and prints for every cell both builds' median wall
time and the median over rounds of plain / optimized (paired by round) with its range.  The README's and
docs/interpreters.md's figures for ``+opt`` come from it.

    python -m bench conduct --run-id opt-builds --python 3.13=PATH --python 3.13+opt=PATH \\
        --python 3.13t=PATH --python 3.13t+opt=PATH -- --workloads cpu,objects --executors serial,threads \\
        --workers 2 --repeat 8
    python benchmarks/opt_builds.py results/opt-builds
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from tabulate import tabulate

from bench.report.compute import tidy_runs
from bench.report.load import load_paths

OPT = "+opt"


def paired_ratios(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (plain, optimized) pair and cell: medians, and plain / optimized per round summarised."""
    runs = runs[runs["status"] == "ok"].dropna(subset=["wall_s", "round"])
    cell = ["workload", "executor", "workers"]
    rows = []
    for optimized in sorted(label for label in runs["interpreter"].unique() if label.endswith(OPT)):
        plain = optimized.removesuffix(OPT)
        if plain not in set(runs["interpreter"]):
            continue
        both = runs[runs["interpreter"] == plain].merge(
            runs[runs["interpreter"] == optimized], on=[*cell, "round"], suffixes=("_plain", "_opt")
        )
        both["ratio"] = both["wall_s_plain"] / both["wall_s_opt"]
        for key, group in both.groupby(cell, sort=True):
            rows.append(
                {
                    "pair": f"{plain} / {optimized}",
                    "cell": f"{key[0]} {key[1]} x{key[2]}",
                    "rounds": len(group),
                    "plain ms": 1000 * group["wall_s_plain"].median(),
                    "optimized ms": 1000 * group["wall_s_opt"].median(),
                    "plain / optimized": f"{group['ratio'].median():.2f}x "
                    f"[{group['ratio'].min():.2f}-{group['ratio'].max():.2f}]",
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a run folder holding X.json and X+opt.json")
    args = parser.parse_args()
    loaded = load_paths([args.run])
    if loaded.problems:
        raise SystemExit("; ".join(loaded.problems))
    table = paired_ratios(tidy_runs(loaded.results))
    if table.empty:
        raise SystemExit(f"{args.run}: no label X with an X{OPT} beside it")
    print(tabulate(table, headers="keys", tablefmt="github", showindex=False, floatfmt=".0f"))


if __name__ == "__main__":
    main()
