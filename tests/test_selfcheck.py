"""`python -m bench check`: real runs of the runner, summarised with the report's own test."""

from __future__ import annotations

from tests.conftest import run_bench


def test_the_self_check_runs_every_pair_and_says_what_the_rounds_allow() -> None:
    done = run_bench("check", "--runs", "2", "--workload", "cpu=2000", "--load", "2", "--repeat", "3", timeout=300)
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout
    assert "A/A self-check: 2 runs of cpu=2000" in out
    assert "| same cell twice " in out and "| same 1-thread pool twice " in out  # the table of every run
    assert "| serial / 1 thread " in out
    for pair in ("same cell twice", "same 1-thread pool twice", "serial / 1 thread"):
        assert f"{pair}: ratios " in out
        assert "(99% intervals, 3 rounds)" in out
    assert "called 0 of 2 different and" in out
    assert "not judged: the 1-thread pool took " in out  # a real cost: shown, never counted as a false positive
    assert "pairs that cost the same: 0 of 4 comparisons called different (goal: at most 5%, 1 in 20)" in out


def test_a_workload_without_a_whole_number_is_refused_in_one_line() -> None:
    done = run_bench("check", "--workload", "io", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "gilbench: error: --workload 'io': expected NAME=N with a whole number N, e.g. cpu=850000"
    ]


def test_pin_reaches_every_cell_of_the_check() -> None:
    """`--pin` goes to every run the check makes: a CPU this machine lacks is the runner's own one-line refusal."""
    done = run_bench("check", "--runs", "1", "--workload", "cpu=2000", "--load", "2", "--repeat", "3", "--pin", "999")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "A/A self-check: 1 runs of cpu=2000" in done.stdout and "pinned to CPUs 999" in done.stdout
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("gilbench: error: no A/A run succeeded: ") and "--pin '999'" in line
