"""`benchmarks/plain_program.py`: gilbench's threads cell against a plain program, both run for real on 3.13t.

What is checked is how the two sample the machine (the figures themselves are the benchmark's to print, not a
test's to assert): the plain program takes its rounds in turns over the loops, as gilbench's rounds do, so a
loop's rounds are spread over the run instead of bunched in one second of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import load_benchmark

ROOT = Path(__file__).resolve().parent.parent
LOOPS = "def first():\n    sum(range(30000))\n\ndef second():\n    sorted(range(30000), reverse=True)\n"


def test_the_plain_program_takes_its_rounds_in_turns_over_the_loops(tmp_path: Path, python_313t: Path) -> None:
    benchmark = load_benchmark("plain_program")
    (tmp_path / "scratch_loops.py").write_text(LOOPS)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    points = benchmark.plain(str(python_313t), env, "scratch_loops", ["first", "second"])
    assert [len(points["first"]), len(points["second"])] == [benchmark.ROUNDS] * 2
    in_time_order = [loop for _, loop in sorted((when, loop) for loop in points for when, _ in points[loop])]
    assert in_time_order == ["first", "second"] * benchmark.ROUNDS
    assert all(ratio > 0 for loop in points for _, ratio in points[loop])


def test_the_comparison_prints_both_sides_pooled_and_the_goal(tmp_path: Path, python_313t: Path) -> None:
    (tmp_path / "scratch_loops.py").write_text(LOOPS)
    command = [sys.executable, str(ROOT / "benchmarks" / "plain_program.py"), "--python", str(python_313t)]
    command += ["--module-path", str(tmp_path), "--module", "scratch_loops", "--trials", "2", "first", "second"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "2 interleaved trials of 7 rounds (all rounds pooled" in lines[0]
    rows = {line.split()[0]: line.split() for line in lines[2:4]}
    assert set(rows) == {"first", "second"}
    for row in rows.values():  # loop, plain median, [middle half], gilbench median, [middle half], gilbench/plain
        assert row[1].endswith("x") and row[2].startswith("[") and row[3].endswith("x") and row[4].startswith("[")
        assert abs(float(row[5]) - float(row[3][:-1]) / float(row[1][:-1])) < 0.02
    assert lines[-1].endswith("of 2 loops within 10% of the plain program (goal: all)")


def test_the_timeline_shows_one_plain_program_over_time(tmp_path: Path, python_313t: Path) -> None:
    benchmark = load_benchmark("plain_program")
    (tmp_path / "scratch_loops.py").write_text(LOOPS)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    points = benchmark.plain(str(python_313t), env, "scratch_loops", ["first"], rounds=4, pause=0.3)["first"]
    gaps = [later - earlier for (earlier, _), (later, _) in zip(points, points[1:])]
    assert len(points) == 4 and all(gap >= 0.3 for gap in gaps)
