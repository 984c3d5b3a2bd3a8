"""How much faster is an optimized CPython (``+opt``: PGO and LTO) than gilbench's plain build of the same version?

Reads one conducted run whose labels include ``X`` and ``X+opt`` (for example ``3.13`` and ``3.13+opt``,
``3.13t`` and ``3.13t+opt``), measured in the same rounds, and prints for every cell both builds' median wall
time and plain / optimized paired by round (ratio of geometric means, its 99% interval, the verdict) and the
paired Wilcoxon test's p.  The README's and docs/interpreters.md's figures for ``+opt`` come from it.

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
from bench.report.stats import compare

OPT = "+opt"


def paired_ratios(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (plain, optimized) pair and cell: medians, and plain / optimized paired by round with the
    report's own comparison (the ratio of geometric means, its 99% interval, its verdict, the Wilcoxon p)."""
    runs = runs[runs["status"] == "ok"].dropna(subset=["wall_s", "round"])
    labels = set(runs["interpreter"])
    rows = []
    for optimized in sorted(label for label in labels if label.endswith(OPT)):
        plain = optimized.removesuffix(OPT)
        if plain not in labels:
            continue
        for (workload, executor, workers), cell in runs.groupby(["workload", "executor", "workers"], sort=True):
            a, b = (cell[cell["interpreter"] == label] for label in (plain, optimized))
            if a.empty or b.empty:
                continue
            ratio = compare(list(a["wall_s"]), list(a["round"]), list(b["wall_s"]), list(b["round"]), paired=True)
            rows.append(
                {
                    "pair": f"{plain} / {optimized}",
                    "cell": f"{workload} {executor} x{workers}",
                    "rounds": ratio.n,
                    "plain ms": 1000 * a["wall_s"].median(),
                    "optimized ms": 1000 * b["wall_s"].median(),
                    "plain / optimized": f"{ratio.value:.2f}x [{ratio.low:.2f}-{ratio.high:.2f}]",
                    "verdict": ratio.outcome,
                    "p": f"{ratio.p:.2g}",
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
    shown = table.assign(**{column: table[column].round().astype(int) for column in ("plain ms", "optimized ms")})
    print(tabulate(shown, headers="keys", tablefmt="github", showindex=False, disable_numparse=True))


if __name__ == "__main__":
    main()
