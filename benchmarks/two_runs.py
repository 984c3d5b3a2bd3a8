"""Do two runs of the same matrix agree?  The figures "two default runs back to back" asks for.

Reads the ``comparisons.csv`` that ``python -m bench report`` wrote into each run's folder (one row per unordered
pair of cells), matches the comparisons both reports made (the same two cells of the same interpreters, either way
round), and prints: how many were reversed (faster in one run, slower in the other), how many one run called
faster or slower and the other equivalent (a contradiction too), how many the other left not settled, how many
pairs' intervals overlap; of the answer's comparisons, how many were beyond 1.15x in both runs and settled in both,
each with both runs' ratio, verdict and rounds; and both runs' answers (``answer.md``'s table).

    python benchmarks/two_runs.py results/RUN_A results/RUN_B
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

SIDES = ("interpreter", "workload", "executor", "workers")
KEY = [f"{side}_{name}" for side in ("a", "b") for name in SIDES]
CALLED = ("faster", "slower")
FLIPPED = {"faster": "slower", "slower": "faster"}


def verdicts(run: Path) -> pd.DataFrame:
    """One row per pair the run's report compared, the pair written in one fixed order (its cells sorted), with
    the verdict and interval as of that order."""
    frame = pd.read_csv(run / "comparisons.csv")
    rows = []
    for row in frame.to_dict("records"):
        a, b = tuple(row[f"a_{name}"] for name in SIDES), tuple(row[f"b_{name}"] for name in SIDES)
        verdict, low, high, ratio = row["verdict"], row["low"], row["high"], row["ratio"]
        if tuple(map(str, a)) > tuple(map(str, b)):
            a, b, verdict, low, high, ratio = b, a, FLIPPED.get(verdict, verdict), 1 / high, 1 / low, 1 / ratio
        rows.append(
            {
                **dict(zip(KEY, (*a, *b))),
                "verdict": verdict,
                "low": low,
                "high": high,
                "ratio": ratio,
                "rounds": row["rounds"],
                "family": row["family"],
            }
        )
    return pd.DataFrame(rows)


def agreement(first: pd.DataFrame, second: pd.DataFrame) -> dict[str, int]:
    """Counts of what happened to each comparison made in both runs (each unordered pair once)."""
    both = first.merge(second, on=KEY, suffixes=("_1", "_2"))
    one, two = both["verdict_1"], both["verdict_2"]
    overlap = (both["low_1"] <= both["high_2"]) & (both["low_2"] <= both["high_1"])
    return {
        "compared in both": len(both),
        "reversed": int(((one == "faster") & (two == "slower") | (one == "slower") & (two == "faster")).sum()),
        "called in one, equivalent in the other": int(
            (one.isin(CALLED) & (two == "equivalent") | two.isin(CALLED) & (one == "equivalent")).sum()
        ),
        "called in one, not settled in the other": int(
            (one.isin(CALLED) & (two == "not settled") | two.isin(CALLED) & (one == "not settled")).sum()
        ),
        "intervals that overlap": int(overlap.sum()),
    }


def family_rows(first: pd.DataFrame, second: pd.DataFrame) -> tuple[dict[str, int], list[str]]:
    """The answer's comparisons (in either run's family): how many were beyond 1.15x in both runs, and how many of
    those both settled; and one line per comparison with each run's ratio, verdict and rounds."""
    both = first.merge(second, on=KEY, suffixes=("_1", "_2"))
    both = both[(both["family_1"] == "answer") | (both["family_2"] == "answer")]
    far = both[both[["ratio_1", "ratio_2"]].apply(lambda r: all(v > 1.15 or v < 1 / 1.15 for v in r), axis=1)]
    settled = far[(far["verdict_1"] != "not settled") & (far["verdict_2"] != "not settled")]
    lines = []
    for row in both.to_dict("records"):
        a = " ".join(str(row[f"a_{name}"]) for name in SIDES)
        b = " ".join(str(row[f"b_{name}"]) for name in SIDES)
        runs = "; ".join(
            f"{row[f'ratio_{n}']:.3f}x {row[f'verdict_{n}']} ({row[f'rounds_{n}']} rounds)" for n in (1, 2)
        )
        lines.append(f"- {a} / {b}: {runs}")
    counts = {
        "answer comparisons in both": len(both),
        "beyond 1.15x in both": len(far),
        "of those settled in both": len(settled),
    }
    return counts, lines


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
    family, lines = family_rows(verdicts(args.first), verdicts(args.second))
    for name, count in family.items():
        print(f"{name}: {count}")
    print("\n".join(lines))
    for run in (args.first, args.second):
        print(f"\n{run.name}:\n{answer_table(run)}")


if __name__ == "__main__":
    main()
