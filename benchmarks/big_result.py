"""How do the report's time and memory grow with a result file's task records?

A user workload of tiny tasks can leave a valid file of a million task records
(100 MB).  This writes such files from the checked-in fixture (2 cells x 2
rounds x N tasks, N chosen so the totals are 125,000 / 250,000 / 500,000 /
1,000,000 records), reports each with ``python -m bench report`` in a process
of its own, and prints its wall time and peak memory (the child's ``ru_maxrss``).
The goal printed beside them (nothing is asserted): linear growth, and a
million records reported in under 30 s and 1 GiB.

Run with ``nox -s big-result`` or ``python benchmarks/big_result.py [TOTALS...]``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "run-basic" / "3.13.json"
TOTALS = (125_000, 250_000, 500_000, 1_000_000)
GOAL_S, GOAL_BYTES = 30.0, 2**30


def write_file(folder: Path, total: int) -> Path:
    """The fixture's first two cells, two rounds each, their tasks repeated up to ``total`` records in all."""
    data = json.loads(FIXTURE.read_text())
    per_run = total // 4
    cells = []
    for cell in data["cells"][:2]:
        runs = []
        for number, run in enumerate(cell["runs"][:2], start=1):
            template = run["tasks"] or [[0.0, 1e-6, 0, "cpu"]]
            kinds = [task[3] for task in template]  # six-digit times, as the runner writes them: ~100 bytes a record
            tasks = [[round(i * 1.234567e-5, 6), 0.000123, i % 2, kinds[i % len(kinds)]] for i in range(per_run)]
            runs.append({**run, "round": number, "tasks": tasks, "wall_s": round(per_run * 1.234567e-5 + 0.01, 6)})
        cells.append({**cell, "runs": runs})
    data["cells"] = cells
    data["config"]["repeat"] = 2
    path = folder / f"{total}" / "3.13.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, separators=(",", ":")))
    return path


def measure(path: Path) -> tuple[float, int]:
    """Seconds and peak bytes of one ``python -m bench report`` of ``path``'s folder."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench", "report", str(path.parent), "--out", str(path.parent / "report")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"the report failed: {done.stderr.strip().splitlines()[-1:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak, before) * 1024  # ru_maxrss is in KiB on Linux; the largest child so far


def main(totals: tuple[int, ...]) -> int:
    print(f"{'task records':>12}  {'file MB':>8}  {'report s':>9}  {'peak MiB':>9}  {'s per 100k':>10}")
    with tempfile.TemporaryDirectory(prefix="gilbench-big-") as folder:
        for total in sorted(totals):  # ascending: the children's peak memory only grows
            path = write_file(Path(folder), total)
            took, peak = measure(path)
            size = path.stat().st_size / 1e6
            print(f"{total:>12,}  {size:>8.1f}  {took:>9.1f}  {peak / 2**20:>9.0f}  {took / total * 1e5:>10.2f}")
            if total >= 1_000_000:
                verdict = "met" if took < GOAL_S and peak < GOAL_BYTES else "NOT met"
                print(f"goal (1,000,000 records under {GOAL_S:.0f} s and 1 GiB): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(tuple(int(text) for text in sys.argv[1:]) or TOTALS))
