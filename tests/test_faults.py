"""Fault injection: real runs and real servers, interrupted, killed and starved.

After each fault: every result file on disk is valid, nothing measured before
the fault is missing, and no process or temporary folder is left behind.
Loopback only; each test is bounded (a minute at most, most take seconds).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

from bench import layout
from bench.errors import EXIT_CELLS_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, EXIT_WRITE_FAILED
from bench.measure import orphans
from bench.measure.loop import round_order
from bench.result import Document
from bench.server import ServerProcess
from tests.conftest import ROOT, run_bench

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find left-overs")

LONG_RUN = ["--executors", "serial,processes", "--workers", "2", "--load", "4", "--warmup", "0", "--repeat", "200"]
"""Rounds that go on long enough to be cut, with a process pool, so a cell has workers of its own to leave."""


# --- helpers -------------------------------------------------------------------------------


NEW_INTERPRETER_CELLS = (
    "import sys; from bench.measure import loop; loop.FORK_CELLS = False; "
    "from bench.__main__ import main; sys.exit(main(sys.argv[1:]))"
)
"""The runner as it works where it cannot fork (macOS, Windows): each cell a new ``python -m bench cell``."""


def start_run(tmp_path: Path, out: Path, *args: str, forked_cells: bool = True, **popen: Any) -> subprocess.Popen[str]:
    """``python -m bench run`` as a user starts it, with its temporary folders in ``tmp_path/tmp``."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "GILBENCH_RESULTS_DIR": str(tmp_path / "results")}
    runner = ["-m", "bench"] if forked_cells else ["-c", NEW_INTERPRETER_CELLS]
    return subprocess.Popen(
        [sys.executable, *runner, "run", "--out", str(out), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def wait_for(condition: Callable[[], bool], timeout_s: float = 60, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"{what} did not happen within {timeout_s:g}s")


def parents() -> dict[int, int]:
    """pid -> parent pid of every process now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    return found


def descendants(pid: int) -> set[int]:
    tree, found, todo = parents(), set(), [pid]
    while todo:
        current = todo.pop()
        children = {child for child, parent in tree.items() if parent == current}
        todo += list(children - found)
        found |= children
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for init to reap it; it runs nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def rounds_by_cell(path: Path) -> dict[tuple[str, str, int], list[tuple[int, float]]]:
    """Each cell's measured rounds (round number, wall time), after the result model has checked the file."""
    document = Document.loads(path.read_bytes())
    return {
        (cell.workload, cell.executor, cell.workers): [(run.round, run.wall_s) for run in cell.runs]
        for cell in document.cells
    }


def mid_cell_with_workers(process: subprocess.Popen[str], out: Path, rounds: int = 2) -> set[int]:
    """Wait until ``rounds`` rounds of some cell are saved and a process pool's workers are running; their pids."""
    found: set[int] = set()

    def ready() -> bool:
        nonlocal found
        if not out.exists() or max(map(len, rounds_by_cell(out).values()), default=0) < rounds:
            return False
        found = descendants(process.pid)
        return any(parents().get(pid) in found for pid in found)  # a grandchild: a pool worker of a cell

    wait_for(ready, what="a cell with pool workers")
    return found


def assert_kept(before: dict[tuple[str, str, int], list[tuple[int, float]]], out: Path) -> None:
    after = rounds_by_cell(out)
    for cell, measured in before.items():
        assert after[cell][: len(measured)] == measured, cell


def assert_nothing_left(pids: set[int], tmp_path: Path, within_s: float = 10) -> float:
    """Every process gone and no cell folder left; returns how long the last one took to end."""
    started = time.monotonic()
    wait_for(lambda: not any(running(pid) for pid in pids), within_s, f"the end of processes {sorted(pids)}")
    ended = time.monotonic() - started
    assert list((tmp_path / "tmp").glob(f"{orphans.FOLDER_PREFIX}*")) == []
    return ended


# --- interrupted, killed -------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_keeps_every_round_and_leaves_nothing_running(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "r.json"
    process = start_run(tmp_path, out, "--workloads", "sleep=0.05", *LONG_RUN)
    pids = mid_cell_with_workers(process, out)
    before = rounds_by_cell(out)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr
    assert json.loads(out.read_text())["interrupted"] is True
    assert_kept(before, out)
    assert_nothing_left(pids, tmp_path)


def test_ctrl_c_in_the_first_cell_leaves_a_valid_empty_file_the_report_names(tmp_path: Path) -> None:
    out = tmp_path / "run" / "3.13.json"
    args = ["--workloads", "tests.guest.faulty:hang", "--executors", "processes", "--workers", "2", "--load", "2"]
    process = start_run(tmp_path, out, *args, "--warmup", "0", "--label", "3.13")
    wait_for(lambda: out.exists() and any(parents().get(pid) for pid in descendants(process.pid)))
    pids = descendants(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, stderr
    document = Document.loads(out.read_bytes())
    assert document.cells == () and document.interrupted is True
    assert_nothing_left(pids, tmp_path)
    report = run_bench("report", str(out.parent), "--out", str(tmp_path / "report"))
    assert report.returncode == EXIT_USAGE and "Traceback" not in report.stderr
    assert report.stderr.splitlines() == [
        f"gilbench: warning: {out}: interrupted before any cell was measured; nothing to report from it",
        f"gilbench: error: no usable result files in {out.parent}",
    ]


@pytest.mark.parametrize("forked_cells", [True, False], ids=["forked-cells", "new-interpreter-cells"])
def test_a_runner_killed_with_sigkill_takes_its_cell_and_pool_with_it(tmp_path: Path, forked_cells: bool) -> None:
    """The cell being measured hangs (it would run for an hour): it must end with its runner, pool and all."""
    seed = next(seed for seed in range(100) if round_order(seed, 1, 2) == [0, 1])  # the quick cell first
    out = tmp_path / "r.json"
    args = ["--workloads", "sleep=0.01,tests.guest.faulty:hang", "--executors", "processes", "--workers", "2"]
    process = start_run(
        tmp_path, out, *args, "--load", "2", "--warmup", "0", "--seed", str(seed), forked_cells=forked_cells
    )
    pids = mid_cell_with_workers(process, out, rounds=1)
    before = rounds_by_cell(out)
    process.kill()
    took = assert_nothing_left(pids, tmp_path)
    process.communicate(timeout=60)
    print(f"cell and pool workers ended {took * 1000:.0f} ms after the runner was killed")
    assert_kept(before, out)  # the last save is intact: a valid file, every round saved before the kill
    assert json.loads(out.read_text())["complete"] is False


def test_a_stale_cell_folder_of_a_dead_runner_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """A runner killed between two cells has no cell to clean up after it: the next run does."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    dead_pid = int(gone.stdout)
    (tmp_path / "tmp").mkdir()
    stale = tmp_path / "tmp" / f"{orphans.FOLDER_PREFIX}{dead_pid}-abc"
    (stale / "0").mkdir(parents=True)
    mine = tmp_path / "tmp" / f"{orphans.FOLDER_PREFIX}{os.getpid()}-abc"  # a live runner's: kept
    mine.mkdir()
    out = tmp_path / "r.json"
    process = start_run(tmp_path, out, "--workloads", "sleep=0.001", "--executors", "serial", "--repeat", "1")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert not stale.exists() and mine.is_dir()


def test_a_killed_pool_worker_fails_its_cell_and_the_others_go_on(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["--workloads", "sleep=0.2", "--executors", "serial,threads,processes", "--workers", "2", "--load", "6"]
    process = start_run(tmp_path, out, *args, "--warmup", "0", "--repeat", "3", "--seed", "1")
    pids = mid_cell_with_workers(process, out, rounds=1)
    before = rounds_by_cell(out)
    workers = [pid for pid in pids if parents().get(pid) in pids]
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == EXIT_CELLS_FAILED, stderr
    document = json.loads(out.read_text())
    statuses = {cell["executor"]: (cell["status"], cell.get("reason") or "") for cell in document["cells"]}
    assert statuses["processes"][0] == "failed" and "a pool worker process died" in statuses["processes"][1]
    assert statuses["serial"] == ("ok", "") and statuses["threads"] == ("ok", "")
    assert_kept(before, out)
    assert_nothing_left(pids, tmp_path)


def test_a_page_server_killed_mid_run_fails_the_io_cell_and_the_others_go_on(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    with ServerProcess(latency_ms=20) as server:
        args = ["--workloads", "io,sleep=0.05", "--executors", "threads", "--workers", "2", "--load", "4"]
        process = start_run(tmp_path, out, *args, "--warmup", "0", "--repeat", "6", "--server-url", server.url)
        wait_for(lambda: out.exists() and len(rounds_by_cell(out).get(("io", "threads", 2), [])) >= 2)
        before = rounds_by_cell(out)
        server.process.kill()
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == EXIT_CELLS_FAILED, stderr
    assert "Traceback" not in stderr
    cells = {cell["workload"]: cell for cell in json.loads(out.read_text())["cells"]}
    assert cells["io"]["status"] == "failed" and "ConnectionError" in cells["io"]["reason"]
    assert cells["sleep"]["status"] == "ok" and len(cells["sleep"]["runs"]) == 6
    assert_kept(before, out)


# --- writers: overwriting, concurrency, a full disk, devices ----------------------------------


def test_a_second_writer_of_the_same_file_is_refused_and_the_first_run_is_whole(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["--workloads", "sleep=0.05", "--executors", "serial,threads", "--workers", "1", "--load", "4"]
    first = start_run(tmp_path, out, *args, "--warmup", "0", "--repeat", "6")
    wait_for(out.exists, what="the first run's file")
    for extra in ([], ["--force"]):  # --force replaces a finished result, never one being written
        second = start_run(tmp_path, out, *args, "--repeat", "1", *extra)
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == EXIT_USAGE
        assert stderr.strip().splitlines() == [
            f"gilbench: error: --out '{out}': another gilbench run (pid {first.pid}) is writing it; "
            "wait for it or choose another path"
        ]
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    document = json.loads(out.read_text())
    assert document["complete"] is True
    assert [len(cell["runs"]) for cell in document["cells"]] == [6, 6]
    assert not out.with_name(f".{out.name}.lock").exists()


def test_an_existing_result_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["--workloads", "sleep=0.001", "--executors", "serial", "--load", "1", "--repeat", "1", "--warmup", "0"]
    assert start_run(tmp_path, out, *args, "--label", "first").wait(timeout=120) == 0
    refused = start_run(tmp_path, out, *args, "--label", "second")
    _, stderr = refused.communicate(timeout=60)
    assert refused.returncode == EXIT_USAGE
    assert stderr.strip() == (
        f"gilbench: error: --out '{out}': already holds a result; pass --force to replace it, or choose another path"
    )
    assert json.loads(out.read_text())["interpreter"]["label"] == "first"
    assert start_run(tmp_path, out, *args, "--label", "second", "--force").wait(timeout=120) == 0
    assert json.loads(out.read_text())["interpreter"]["label"] == "second"


def test_two_default_runs_started_together_get_a_folder_each(tmp_path: Path) -> None:
    args = ["--workloads", "sleep=0.001", "--executors", "serial", "--load", "1", "--repeat", "1", "--warmup", "0"]
    env = {**os.environ, "GILBENCH_RESULTS_DIR": str(tmp_path / "results")}
    env.pop("GILBENCH_RUN_ID", None)
    command = [sys.executable, "-m", "bench", "run", "--label", "same", *args]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    files = sorted((tmp_path / "results").glob("*/same.json"))
    assert len(files) == 3  # three folders, e.g. 20261126-021500, 20261126-021500-2 and -3
    assert len({json.loads(path.read_text())["run_id"] for path in files}) == 3


def test_a_default_run_refused_before_measuring_leaves_no_empty_run_folder(tmp_path: Path) -> None:
    env = {"GILBENCH_RESULTS_DIR": str(tmp_path / "results"), "GILBENCH_RUN_ID": ""}
    done = run_bench("run", "--workloads", "io", "--server-url", "http://127.0.0.1:9/", "--repeat", "1", env=env)
    assert done.returncode == EXIT_USAGE and "does not answer" in done.stderr
    assert list((tmp_path / "results").iterdir()) == []


def test_the_run_id_gets_a_suffix_when_its_second_is_taken(tmp_path: Path) -> None:
    for _ in range(5):  # the clock may tick between the two calls; it rarely does five times
        taken = layout.new_run_id()
        (tmp_path / taken).mkdir(exist_ok=True)
        run_id, folder = layout.reserve_run_dir(tmp_path)
        if run_id.startswith(taken):
            assert run_id == f"{taken}-2" and folder.is_dir()
            return
    pytest.fail("the clock ticked every time")


def test_out_dev_null_stays_a_device(tmp_path: Path) -> None:
    process = start_run(tmp_path, Path("/dev/null"), "--workloads", "sleep=0.001", "--repeat", "1")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_USAGE
    assert stderr.strip() == (
        "gilbench: error: --out '/dev/null': is not a regular file; expected a path to a new or existing regular file"
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str) -> Iterator[Callable[[], None] | None]:
    """A real small filesystem (tmpfs, as root); where mounting is refused, a file-size limit on the runner
    instead: the kernel then fails the write call itself (EFBIG instead of ENOSPC).  Yields the runner's preexec."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, check=False
        ).returncode
        == 0
    )
    if mounted:
        try:
            yield None
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    limit = 64 * 1024

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    yield limit_file_size


def test_a_full_disk_stops_the_run_with_one_line_and_keeps_every_saved_round(tmp_path: Path) -> None:
    with small_disk(tmp_path, "128k") as preexec:
        out = tmp_path / "small" / "r.json"
        args = ["--workloads", "sleep=0.001", "--executors", "serial,threads", "--workers", "1,2,3", "--load", "8"]
        process = start_run(tmp_path, out, *args, "--warmup", "0", "--repeat", "400", preexec_fn=preexec)
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == EXIT_WRITE_FAILED, stderr
        line = stderr.strip().splitlines()[-1]
        assert line.startswith(f"gilbench: error: cannot write {out} (")
        document = Document.loads(out.read_bytes())  # the last save, whole
        runs = sum(len(cell.runs) for cell in document.cells)
        assert runs > 0
        assert line.endswith(f"); it keeps the {runs} repetitions of {len(document.cells)} cells saved before")
        assert [path.name for path in out.parent.iterdir()] == ["r.json"]  # no half-written temporary file
    assert list((tmp_path / "tmp").glob(f"{orphans.FOLDER_PREFIX}*")) == []


def test_a_report_that_cannot_be_written_is_one_line_and_the_results_are_untouched(tmp_path: Path) -> None:
    fixture = ROOT / "tests" / "fixtures" / "run-basic"
    before = {path.name: path.read_bytes() for path in fixture.glob("*.json")}
    with small_disk(tmp_path, "16k") as preexec:
        done = subprocess.run(
            [sys.executable, "-m", "bench", "report", str(fixture), "--out", str(tmp_path / "small" / "report")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=preexec,
            check=False,
        )
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("gilbench: error: cannot write the report to ") and "Traceback" not in done.stderr
    assert lines[-1].endswith("(No space left on device); the results are unchanged") or "File too large" in lines[-1]
    assert {path.name: path.read_bytes() for path in fixture.glob("*.json")} == before


# --- bad input to the host commands ----------------------------------------------------------


def test_an_executable_that_is_not_python_is_refused_in_one_line(tmp_path: Path) -> None:
    impostor = tmp_path / "python3"
    impostor.write_text("#!/bin/sh\necho '{}'\n")
    impostor.chmod(0o755)
    done = run_bench("provision", str(impostor))
    assert done.returncode == EXIT_USAGE and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith(f"gilbench: error: cannot provision '{impostor}'")
    assert "printed something that is not interpreter facts (no 'implementation')" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["provision", ""], "gilbench: error: empty interpreter spec ''; accepted: CPython '3.N'"),
        (["report", "tests/fixtures/run-basic", "--out", "README.md"], "gilbench: error: --out 'README.md': is a file"),
    ],
)
def test_host_commands_refuse_bad_values_in_one_line(args: list[str], message: str) -> None:
    done = run_bench(*args)
    assert done.returncode == EXIT_USAGE
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith(message), done.stderr


def test_the_report_without_its_extras_names_the_install_command(python_313: Path) -> None:
    """A bare interpreter (gilbench's own 3.13 build: no pandas) asked for a report."""
    done = run_bench("report", "tests/fixtures/run-basic", python=python_313)
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip() == (
        "gilbench: error: the report needs its extras (pandas is not installed): pip install -e '.[report]', "
        "or use `nox -s report`"
    )


def test_the_lock_of_a_runner_killed_with_sigkill_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """The kernel released the lock when the runner died; only its file is left, which the next run removes."""
    first = tmp_path / "results" / "killed" / "3.13.json"
    first.parent.mkdir(parents=True)
    process = start_run(tmp_path, first, "--workloads", "sleep=0.01", *LONG_RUN)
    lock = first.with_name(".3.13.json.lock")
    wait_for(lambda: first.exists() and bool(rounds_by_cell(first)), what="the first saved round")
    process.kill()
    process.communicate(timeout=60)
    assert lock.exists()  # what SIGKILL leaves
    second = tmp_path / "results" / "next" / "3.13.json"
    second.parent.mkdir()
    done = start_run(tmp_path, second, "--workloads", "sleep=0.001", "--executors", "serial", "--repeat", "1")
    _, stderr = done.communicate(timeout=120)
    assert done.returncode == 0, stderr
    assert not lock.exists()
    assert not list((tmp_path / "results").glob("*/.*.lock"))  # the second run released its own too


def test_a_lock_still_held_is_never_swept(tmp_path: Path) -> None:
    out = tmp_path / "results" / "held" / "a.json"
    out.parent.mkdir(parents=True)
    claim = layout.ResultClaim(out, "--out", replace_existing=False)
    try:
        assert layout.sweep_stale_locks(tmp_path / "results") == []
        assert claim.lock_path.exists()
    finally:
        claim.release()


def test_a_workload_that_changes_the_working_folder_on_import_moves_no_result(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "wander.py").write_text(
        f"import os\nos.chdir({str(tmp_path / 'elsewhere')!r})\n\n\ndef work(argument=None):\n    return 1\n"
    )
    here = tmp_path / "here"
    here.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "GILBENCH_RESULTS_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(tmp_path / "mods")])
    args = ["--workloads", "wander:work", "--executors", "serial", "--load", "2", "--repeat", "1", "--warmup", "0"]
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", *args],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((here / "results").glob("*/*.json"))) == 1
    assert not (tmp_path / "elsewhere" / "results").exists()
    assert str(here / "results") in done.stderr + done.stdout  # the message names where, whole


def test_a_malformed_manifest_is_named_in_one_line_and_the_report_is_made(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(ROOT / "tests" / "fixtures" / "run-basic", run)
    manifest = json.loads((run / "run.json").read_text())
    manifest["round_orders"][0][0][1] = None
    (run / "run.json").write_text(json.dumps(manifest))
    done = run_bench("report", str(run), "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    [named] = [line for line in done.stderr.splitlines() if "run.json" in line]
    assert named.startswith(f"gilbench: warning: {run / 'run.json'}: unreadable run manifest (round_orders: expected")
    assert "run.json: unreadable run manifest" in (run / "report.md").read_text()  # the report says so too
