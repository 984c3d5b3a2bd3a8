"""Do two runs of the same matrix agree?  The figures issue 17's "two default runs back to back" asks for.

Reads the ``comparisons.csv`` that ``python -m bench report`` wrote into each run's folder, matches the
comparisons both reports made (the same two cells of the same interpreters), and prints: how many were
reversed (faster in one run, slower in the other), how many of one run's "faster"/"slower" verdicts became "no
significant difference" in the other (each way), and both runs' answers (``answer.md``'s table).

    python benchmarks/two_runs.py results/RUN_A results/RUN_B
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

KEY = [
    "a_interpreter",
    "a_workload",
    "a_executor",
    "a_workers",
    "b_interpreter",
    "b_workload",
    "b_executor",
    "b_workers",
]
CALLED = ("faster", "slower")


def verdicts(run: Path) -> pd.DataFrame:
    """One row per comparison the run's report made: its key and what the report called it."""
    frame = pd.read_csv(run / "comparisons.csv")
    return frame[[*KEY, "a_is", "ratio"]]


def agreement(first: pd.DataFrame, second: pd.DataFrame) -> dict[str, int]:
    """Counts of what happened to each comparison made in both runs."""
    both = first.merge(second, on=KEY, suffixes=("_1", "_2"))
    one, two = both["a_is_1"], both["a_is_2"]
    return {
        "compared in both": len(both),
        "reversed": int(((one == "faster") & (two == "slower") | (one == "slower") & (two == "faster")).sum()),
        "called in the first": int(one.isin(CALLED).sum()),
        "of those, tied in the second": int((one.isin(CALLED) & ~two.isin(CALLED)).sum()),
        "called in the second": int(two.isin(CALLED).sum()),
        "of those, tied in the first": int((two.isin(CALLED) & ~one.isin(CALLED)).sum()),
    }


def answer_table(run: Path) -> str:
    """The answer's table (answer.md up to its first blank line)."""
    text = (run / "answer.md").read_text(encoding="utf-8") if (run / "answer.md").is_file() else ""
    return text.split("\n\n", 1)[0] or "(no answer.md: run `python -m bench report` on it)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="a reported run folder")
    parser.add_argument("second", type=Path, help="the other one")
    args = parser.parse_args()
    counts = agreement(verdicts(args.first), verdicts(args.second))
    for name, count in counts.items():
        print(f"{name}: {count}")
    for called, tied in (
        ("called in the first", "of those, tied in the second"),
        ("called in the second", "of those, tied in the first"),
    ):
        if counts[called]:
            print(f"{tied}: {counts[tied] / counts[called]:.0%} (goal: at most 10%)")
    for run in (args.first, args.second):
        print(f"\n{run.name}:\n{answer_table(run)}")


if __name__ == "__main__":
    main()
