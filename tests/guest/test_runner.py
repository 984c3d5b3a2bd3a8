"""`python -m bench run` end to end, under whichever interpreter runs these tests.

Real child processes, real pools, the real page server on loopback; faults
are real exceptions, hangs, kills and segfaults.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bench.errors import EXIT_CELLS_FAILED
from bench.measure import introspect
from bench.result import SCHEMA_VERSION, TASK_FIELDS, Document
from bench.vocabulary import cell_label
from tests.conftest import ROOT, run_bench


def bench_run(
    tmp_path: Path, *args: str, timeout: float = 600
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    out = tmp_path / "result.json"
    done = run_bench("run", "--out", str(out), *args, timeout=timeout)
    document = json.loads(out.read_text()) if out.exists() else {}
    return done, document


def cell_of(document: dict[str, Any], workload: str, executor: str) -> dict[str, Any]:
    return next(c for c in document["cells"] if c["workload"].startswith(workload) and c["executor"] == executor)


def test_seed_preset_writes_the_talks_nine_cells(tmp_path: Path, server_url: str) -> None:
    done, document = bench_run(
        tmp_path,
        "--preset",
        "seed",
        "--load",
        "4",
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--workloads",
        "cpu=20000,io,mixed",
        "--server-url",
        server_url,
        "--label",
        "test-label",
    )
    assert done.returncode == 0, done.stderr
    model = Document.loads((tmp_path / "result.json").read_bytes())  # every field checked by the result model
    assert Document.from_json(model.to_json()) == model  # and it round-trips
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["complete"] is True
    assert [(c["workload"], c["executor"], c["workers"]) for c in document["cells"]] == [
        (w, e, n) for w in ("cpu", "io", "mixed") for e, n in (("threads", 1), ("threads", 5), ("processes", 5))
    ]
    interpreter = document["interpreter"]
    assert interpreter["label"] == "test-label"
    assert interpreter["implementation"] == sys.implementation.name
    assert interpreter["free_threaded_build"] == introspect.free_threaded_build()
    if interpreter["free_threaded_build"] and "PYTHON_GIL" not in os.environ:
        assert interpreter["gil_enabled"] is False
        assert all(cell["gil_enabled"] is False for cell in document["cells"])
    assert document["task_fields"] == list(TASK_FIELDS)
    for cell in document["cells"]:
        assert cell["status"] == "ok"
        assert len(cell["runs"]) == 2
        kinds = sorted(task[3] for task in cell["runs"][0]["tasks"])
        expected = {"cpu": ["cpu"] * 4, "io": ["io"] * 4, "mixed": ["cpu"] * 4 + ["io"] * 4}[cell["workload"]]
        assert kinds == expected
        for run in cell["runs"]:
            assert run["wall_s"] >= run["pool_startup_s"] >= 0
            workers = {task[2] for task in run["tasks"]}
            assert workers <= set(range(cell["workers"]))
            assert all(0 <= task[0] <= run["wall_s"] for task in run["tasks"])
    processes = cell_of(document, "cpu", "processes")
    assert processes["status"] == "ok" and document["config"]["start_method"]
    machine = document["machine"]
    assert machine["usable_cpus"] >= 1 and machine["logical_cpus"] >= machine["usable_cpus"]
    for key in ("cpu_model", "memory_bytes", "os", "kernel", "load_average_start", "load_average_end"):
        assert key in machine
    config = document["config"]
    assert (config["load"], config["repeat"], config["warmup"], config["seed"]) == (4, 2, 0, 0)
    assert document["tool"]["version"]


def test_runner_starts_its_own_server_when_none_is_given(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "io",
        "--executors",
        "threads",
        "--workers",
        "2",
        "--load",
        "4",
        "--repeat",
        "1",
        "--warmup",
        "0",
    )
    assert done.returncode == 0, done.stderr
    assert "started a page server at http://127.0.0.1:" in done.stderr
    assert document["cells"][0]["status"] == "ok"


def test_user_workload_with_argument(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "sleep=0.001",
        "--workload",
        "tests.guest.faulty:double=4",
        "--executors",
        "serial",
        "--load",
        "3",
        "--repeat",
        "1",
        "--warmup",
        "0",
    )
    assert done.returncode == 0, done.stderr
    assert [c["workload"] for c in document["cells"]] == ["sleep", "tests.guest.faulty:double"]
    assert document["config"]["workloads"][1] == {
        "name": "tests.guest.faulty:double",
        "argument": 4,
        "has_argument": True,
        "traits": {"tests.guest.faulty:double": {"uses": "unknown", "gil": "unknown"}},
        "traits_source": "unknown",
    }
    assert all(c["status"] == "ok" for c in document["cells"])


def test_workload_traits_are_recorded_builtin_declared_by_option_or_by_the_function(tmp_path: Path) -> None:
    """The report reads traits from the file, never from a name: each workload's are recorded, with their source."""
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "mixed,tests.guest.faulty:double=4,tests.guest.faulty:declared_wait",
        "--traits",
        "tests.guest.faulty:double=cpu/releases",
        *("--executors", "serial", "--load", "2", "--repeat", "1", "--warmup", "0"),
    )
    assert done.returncode == 0, done.stderr
    recorded = {w["name"]: (w["traits"], w["traits_source"]) for w in document["config"]["workloads"]}
    assert recorded["mixed"] == (
        {"io": {"uses": "wait", "gil": "releases"}, "cpu": {"uses": "cpu", "gil": "holds"}},
        "builtin",
    )
    assert recorded["tests.guest.faulty:double"] == (
        {"tests.guest.faulty:double": {"uses": "cpu", "gil": "releases"}},
        "declared",
    )
    assert recorded["tests.guest.faulty:declared_wait"] == (
        {"tests.guest.faulty:declared_wait": {"uses": "wait", "gil": "releases"}},
        "declared",
    )


@pytest.mark.parametrize(
    ("traits", "message"),
    [
        ("tests.guest.faulty:double=fast", "--traits 'fast': expected USES[/GIL] with USES one of cpu, wait"),
        ("cpu=wait", "--traits 'cpu=wait': expected WORKLOAD=TRAITS for one of your workloads"),
        ("tests.guest.faulty:double", "expected WORKLOAD=TRAITS for one of your workloads"),
    ],
)
def test_bad_traits_are_one_line_errors(tmp_path: Path, traits: str, message: str) -> None:
    done = run_bench("run", "--workloads", "cpu=10,tests.guest.faulty:double", "--traits", traits, "--dry-run")
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_raising_task_fails_its_cell_and_the_others_go_on(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "tests.guest.faulty:raise_value_error=7,sleep=0.001",
        "--executors",
        "serial,threads,processes",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
    )
    assert done.returncode == EXIT_CELLS_FAILED, done.stderr  # recorded, and told apart from a good run
    assert document["complete"] is False
    faulty = [c for c in document["cells"] if c["workload"].endswith("raise_value_error")]
    assert [c["status"] for c in faulty] == ["failed"] * 3
    for cell in faulty:
        assert cell["reason"].startswith("a task raised ValueError: bad input 7")
    assert [c["status"] for c in document["cells"] if c["workload"] == "sleep"] == ["ok"] * 3


def test_a_hanging_task_times_out_and_the_next_cell_runs(tmp_path: Path) -> None:
    started = time.monotonic()
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "tests.guest.faulty:hang,sleep=0.001",
        "--executors",
        "threads,processes",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--timeout",
        "3",
    )
    assert done.returncode == EXIT_CELLS_FAILED, done.stderr  # recorded, and told apart from a good run
    statuses = [(c["workload"].split(":")[-1], c["executor"], c["status"]) for c in document["cells"]]
    assert statuses == [
        ("hang", "threads", "timeout"),
        ("hang", "processes", "timeout"),
        ("sleep", "threads", "ok"),
        ("sleep", "processes", "ok"),
    ]
    assert document["cells"][0]["reason"] == "no result within --timeout 3s in round 1 (0 of 1 runs done)"
    assert time.monotonic() - started < 120  # the hung pools were killed, not waited for


def test_a_dying_pool_worker_fails_the_cell(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "tests.guest.faulty:kill_own_process,sleep=0.001",
        "--executors",
        "processes",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--timeout",
        "60",
    )
    assert done.returncode == EXIT_CELLS_FAILED, done.stderr  # recorded, and told apart from a good run
    dead, fine = document["cells"]
    assert dead["status"] == "failed"
    assert dead["reason"].startswith("a pool worker process died")
    assert fine["status"] == "ok"


def test_a_segfault_in_the_cell_process_is_recorded(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "tests.guest.faulty:segfault,sleep=0.001",
        "--executors",
        "serial",
        "--load",
        "1",
        "--repeat",
        "1",
        "--warmup",
        "0",
    )
    assert done.returncode == EXIT_CELLS_FAILED, done.stderr  # recorded, and told apart from a good run
    crashed, fine = document["cells"]
    assert crashed["status"] == "failed"
    assert crashed["reason"] == "the cell's process died (signal SIGSEGV)"
    assert fine["status"] == "ok"


def test_ctrl_c_keeps_every_repetition_measured_so_far(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench",
            "run",
            "--out",
            str(out),
            "--workloads",
            "sleep=0.001,cpu=1000",
            "--executors",
            "serial,threads",
            "--workers",
            "1",
            "--load",
            "4",
            "--repeat",
            "500",
            "--warmup",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.exists() and any(len(cell["runs"]) >= 2 for cell in json.loads(out.read_text())["cells"]):
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    document = json.loads(out.read_text())
    Document.loads(out.read_bytes())
    assert document["complete"] is False
    assert document["interrupted"] is True
    assert len(document["cells"]) == 4
    for cell in document["cells"]:
        rounds = [run["round"] for run in cell["runs"]]
        assert rounds == list(range(1, len(rounds) + 1)) and len(rounds) >= 1  # every finished round kept
        assert cell["status"] == "interrupted"
        assert cell["reason"] == f"interrupted after {len(rounds)} of 500 rounds"


def test_rounds_interleave_the_cells_in_a_recorded_shuffled_order(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "cpu=1000,sleep=0.001",
        "--executors",
        "serial,threads",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "4",
        "--warmup",
        "1",
        "--seed",
        "7",
    )
    assert done.returncode == 0, done.stderr
    cells = document["cells"]
    assert [[run["round"] for run in cell["runs"]] for cell in cells] == [[1, 2, 3, 4]] * 4
    assert all(len(cell["warmup_s"]) == 4 for cell in cells)  # each round's fresh process warms up once
    orders = document["round_orders"]
    assert len(orders) == 4 and all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert len({tuple(order) for order in orders}) > 1  # shuffled per round
    lines = [line for line in done.stderr.splitlines() if line.startswith("[") and "round" in line]
    first_round = [line.split(": ", 1)[1].rsplit(" ", 5)[0] for line in lines[:4]]
    names = [cell_label(c["workload"], c["executor"], c["workers"]) for c in cells]
    assert [name.split(" 0.")[0] for name in first_round] == [names[index] for index in orders[0]]
    probe = document["probe"]
    assert [point["label"] for point in probe] == ["start", "after round 1", "after round 2", "after round 3", "end"]
    usable = sorted(introspect.allowed_cpus())
    for point in probe:
        assert [cpu["cpu"] for cpu in point["cpus"]] == usable
        assert all(cpu["seconds"] > 0 for cpu in point["cpus"])
    assert document["probe_loops"] > 0
    for cell in cells:
        for run in cell["runs"]:
            assert run["cpu_s"] is not None and run["cpu_s"] >= 0
            assert run["on_cpu"] is None or run["on_cpu"] in usable


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["--workloads", "gpu"],
            "unknown workload 'gpu'; accepted: cpu, io, io-stdlib, mixed, mixed-stdlib, hash, objects, sleep",
        ),
        (["--executors", "fibers"], "--executors: unknown value fibers; accepted: serial, threads, processes"),
        (["--workers", "0"], "--workers '0': expected a positive whole number"),
        (["--workers", "two"], "--workers 'two': expected a positive whole number"),
        (["--load", "-3"], "--load '-3': expected a positive whole number"),
        (["--repeat", "1.5"], "--repeat '1.5': expected a positive whole number"),
        (["--warmup", "-1"], "--warmup '-1': expected a whole number >= 0"),
        (["--timeout", "0"], "--timeout '0': expected a positive number of seconds"),
        (["--chunksize", "0"], "--chunksize '0': expected a positive whole number or 'auto'"),
        (["--workloads", "mixed=fast"], "workload 'mixed=fast': expected a positive whole number"),
        (["--start-method", "teleport"], "--start-method 'teleport': accepted here:"),
        (["--preset", "huge"], "argument --preset: invalid choice: 'huge'"),
        (
            ["--workloads", "io", "--server-url", "http://127.0.0.1:9/"],
            "server 'http://127.0.0.1:9/page/0' does not answer",
        ),
        (["--workloads", "no_such_module_xyz:f"], "cannot import 'no_such_module_xyz'"),
        (["--label", ".."], "--label '..': expected 1 to 64 of A-Z a-z 0-9 . _ + @ -"),
        (["--label", "../../etc"], "--label '../../etc': expected 1 to 64 of"),
        (["--run-id", "../../../x"], "--run-id '../../../x': expected 1 to 64 of"),
        (["--simulate", "/no/such/file"], "--simulate '/no/such/file': no such file"),
        (["--workloads", "cpu=abc"], "workload 'cpu=abc': expected a positive whole number"),
        (["--workloads", "cpu=abc", "--dry-run"], "workload 'cpu=abc': expected a positive whole number"),
        (["--workloads", "hash=-1"], "workload 'hash=-1': expected a number of MiB above 0, at most 1024"),
        (["--workloads", "sleep=inf"], "workload 'sleep=inf': expected a number of seconds above 0"),
        (["--workloads", "io=3"], "workload 'io=3': expected no argument"),
        (["--workloads", "objects=True"], "workload 'objects=True': expected a positive whole number"),
        (["--url", "file:///etc/passwd"], "--url 'file:///etc/passwd': expected an http:// or https:// URL"),
        (["--server-url", "127.0.0.1:8000"], "--server-url '127.0.0.1:8000': expected an http:// or https://"),
        (["--pin", "0-200000000"], "--pin '0-200000000': expected CPU numbers like 0,1 or 0-3"),
        (["--out", "/dev/null"], "--out '/dev/null': is not a regular file"),
        (["--out", "/tmp"], "--out '/tmp': is a folder"),
        (["--cells", "io:asyncio:x"], "--cells 'io:asyncio:x': WORKERS 'x': expected a positive whole number"),
        (["--cells", "gpu:asyncio:5"], "--cells 'gpu:asyncio:5': expected WORKLOAD:EXECUTOR:WORKERS with WORKLOAD one"),
        (["--cells", "io:fibers:5"], "--cells 'io:fibers:5': unknown executor 'fibers'; accepted: serial, threads,"),
    ],
)
def test_bad_values_are_one_line_errors_with_exit_code_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    done = run_bench("run", "--out", str(tmp_path / "r.json"), "--load", "1", "--repeat", "1", *args, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert fragment in lines[0]
    assert not (tmp_path / "r.json").exists()


def test_unwritable_output_is_refused_before_measuring(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run_bench("run", "--out", str(blocker / "r.json"), "--workloads", "sleep", "--load", "1", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"gilbench: error: --out '{blocker / 'r.json'}': cannot write in '{blocker}'")
    assert done.stderr.strip().endswith("choose a writable place with --out FILE or GILBENCH_RESULTS_DIR")


def test_pin_runs_on_the_chosen_cpu_and_is_recorded(tmp_path: Path) -> None:
    cpu = sorted(introspect.allowed_cpus())[0]
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "sleep=0.001",
        "--executors",
        "serial,processes",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--pin",
        str(cpu),
    )
    assert done.returncode == 0, done.stderr
    assert document["config"]["pin"] == [cpu]
    assert all(cell["status"] == "ok" for cell in document["cells"])


@pytest.mark.parametrize("pin", ["99999", "0-", "x"])
def test_bad_pin_is_a_one_line_error(tmp_path: Path, pin: str) -> None:
    done = run_bench("run", "--out", str(tmp_path / "r.json"), "--workloads", "sleep", "--pin", pin, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gilbench: error: --pin '{pin}': ")
    assert "usable" in lines[0]


def test_warmup_auto_stops_when_repetitions_stop_improving(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "sleep=0.002",
        "--executors",
        "serial",
        "--load",
        "3",
        "--repeat",
        "2",
        "--warmup",
        "auto",
    )
    assert done.returncode == 0, done.stderr
    assert document["config"]["warmup"] == "auto"
    warmups = document["cells"][0]["warmup_s"]
    per_round = [int(count) for count in re.findall(r"sleep serial 0\.\d+s after (\d+) warm-ups \(", done.stderr)]
    assert len(per_round) == 2 and sum(per_round) == len(warmups)  # each round's process warms up anew
    assert all(2 <= count <= 10 for count in per_round)  # sleeping does not get faster: it stops at the second


def test_disturbances_are_recorded_before_measuring(tmp_path: Path) -> None:
    done, document = bench_run(
        tmp_path,
        "--workloads",
        "sleep=0.001",
        "--executors",
        "threads",
        "--workers",
        "64",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
    )
    assert done.returncode == 0, done.stderr
    facts = document["machine"]["disturbances"]
    assert {"load_average", "others_cpu_share", "cpu_governor", "turbo", "usable_cpus", "max_workers"} <= set(facts)
    assert facts["max_workers"] == 64
    [warning] = [w for w in document["warnings"] if w["code"] == "workers-over-cpus"]
    assert warning["text"].startswith("up to 64 workers on")
    assert "warning: up to 64 workers on" in done.stderr


def test_python_gil_is_passed_on_and_recorded(tmp_path: Path) -> None:
    out = tmp_path / "gil.json"
    done = run_bench(
        "run",
        "--out",
        str(out),
        "--workloads",
        "cpu=1000",
        "--executors",
        "threads,processes",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
        env={"PYTHON_GIL": "1"},
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert document["config"]["python_gil"] == "1"
    assert document["interpreter"]["python_gil_env"] == "1"
    if introspect.free_threaded_build():
        # The deliberate experiment: a free-threaded build with the GIL forced on, in every cell too.
        assert document["interpreter"]["gil_enabled"] is True
        assert all(cell["gil_enabled"] is True for cell in document["cells"])


def test_every_round_is_measured_in_a_fresh_process(tmp_path: Path) -> None:
    pids = tmp_path / "pids.txt"
    done, document = bench_run(
        tmp_path,
        "--workload",
        f"tests.guest.faulty:note_pid={str(pids)!r}",
        "--executors",
        "serial",
        "--load",
        "2",
        "--repeat",
        "3",
        "--warmup",
        "0",
    )
    assert done.returncode == 0, done.stderr
    assert [run["round"] for run in document["cells"][0]["runs"]] == [1, 2, 3]
    lines = pids.read_text().split()
    assert len(lines) == 6 and len(set(lines)) == 3  # two tasks per round, one process per round
    assert os.getpid() not in {int(pid) for pid in lines}


def test_the_workload_is_imported_before_any_thread_of_the_harness(tmp_path: Path) -> None:
    """With io chosen and no --server-url, the runner starts its own page server before measuring: still, the
    user's module is imported while its process has one thread, in cells of every strategy."""
    log = tmp_path / "threads.txt"
    done, document = bench_run(
        tmp_path,
        "--workloads",
        f"tests.guest.importthreads:note_threads_at_import={str(log)!r},io",
        "--executors",
        "serial,threads,processes",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "2",
        "--warmup",
        "1",
    )
    assert done.returncode == 0, done.stderr
    assert {cell["status"] for cell in document["cells"]} == {"ok"}
    lines = [line.split() for line in log.read_text().splitlines()]
    assert len(lines) >= 3 * 2 * 2  # every strategy's measured tasks (and warm-ups) wrote
    assert {threads for _pid, threads, _ran in lines} == {"1"}
    expected = "no" if sys.version_info[:2] == (3, 13) and not introspect.gil_enabled() else "unknown"
    assert {ran for _pid, _threads, ran in lines} == {expected}  # not even a thread that had ended by then


@pytest.mark.parametrize("executor", ["processes", "interpreters"])
def test_pool_workers_are_warmed_inside_the_pool_each_its_own_share(tmp_path: Path, executor: str) -> None:
    """Workers that are new in every pass each run one warm-up task (CPython: one per worker) before any
    measured task, and the warm-up is recorded apart from the measured tasks."""
    log = tmp_path / "calls.txt"
    rounds, load, workers = 3, 4, 2
    done, document = bench_run(
        tmp_path,
        "--workload",
        f"tests.guest.faulty:note_call={str(log)!r}",
        "--executors",
        executor,
        "--workers",
        str(workers),
        "--load",
        str(load),
        "--repeat",
        str(rounds),
        "--warmup",
        "1",
    )
    assert done.returncode == 0, done.stderr
    cell = document["cells"][0]
    if cell["status"] == "unsupported":
        pytest.skip(cell["reason"])
    assert cell["status"] == "ok", cell
    warm, passes = workers, 1  # --warmup 1: one pass of one task per worker (on PyPy: a quarter, at least that)
    assert len(cell["warmup_s"]) == passes * rounds  # every round's process warms its own pool
    assert all(len(run["tasks"]) == load for run in cell["runs"])
    calls = sorted(line.split() for line in log.read_text().splitlines())  # in time order: rounds one by one
    per_round = warm * passes + load
    assert len(calls) == rounds * per_round
    for first in range(0, len(calls), per_round):
        this_round = calls[first : first + per_round]
        warmed = [(pid, thread) for _start, pid, thread, _n in this_round[: warm * passes]]
        measured = {(pid, thread) for _start, pid, thread, _n in this_round[warm * passes :]}
        assert len(set(warmed)) == workers  # each worker its own share
        assert measured <= set(warmed)  # no measured task ran in a cold worker


def test_progress_is_plain_lines_when_not_a_terminal(tmp_path: Path) -> None:
    done, _ = bench_run(
        tmp_path,
        "--workloads",
        "sleep=0.001",
        "--executors",
        "serial",
        "--load",
        "2",
        "--repeat",
        "2",
        "--warmup",
        "1",
        "--label",
        "lbl",
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("[lbl] round")]
    assert lines[0].startswith("[lbl] round 1/2, 1/2: sleep serial 0.0")
    assert lines[1].startswith("[lbl] round 2/2, 2/2: sleep serial 0.0")
    assert "s elapsed, ~" in lines[1]
    assert "\r" not in done.stderr


def test_overheads_and_the_chunk_size_are_recorded(tmp_path: Path) -> None:
    """Every run records its shut-down and hand-over gaps; --chunksize auto hands 2 of 16 tasks at a time to 2
    workers (16 / (4 x 2)), so each worker's tasks come in pairs of consecutive ones."""
    options = "--workloads sleep=0.005 --executors serial,processes --workers 2 --load 16 --repeat 1 --warmup 0"
    done, document = bench_run(tmp_path, *shlex.split(options), "--chunksize", "auto")
    assert done.returncode == 0, done.stderr
    assert document["config"]["chunksize"] == "auto"
    for cell in document["cells"]:
        [run] = cell["runs"]
        assert run["shutdown_s"] >= 0 and run["gaps_s"] >= 0
        assert run["pool_startup_s"] + run["gaps_s"] + run["shutdown_s"] < run["wall_s"]
    workers = [task[2] for task in cell_of(document, "sleep", "processes")["runs"][0]["tasks"]]
    assert all(workers[index] == workers[index + 1] for index in range(0, 16, 2))


def test_blas_threads_are_one_before_the_user_s_module_is_imported(tmp_path: Path) -> None:
    """OpenBLAS reads OPENBLAS_NUM_THREADS once, when numpy loads it: the runner's 1 must be in force when the
    user's module is imported, in the runner and in every cell, and a variable the user set is kept and said."""
    (tmp_path / "seesblas.py").write_text(
        "import os\n"
        "with open(os.environ['SEEN_FILE'], 'a') as seen:\n"
        "    seen.write(os.environ.get('OPENBLAS_NUM_THREADS', 'unset') + ' '"
        " + os.environ.get('OMP_NUM_THREADS', 'unset') + '\\n')\n\n"
        "def work(n):\n    return sum(range(n))\n"
    )
    seen = tmp_path / "seen.txt"
    environment = {key: value for key, value in os.environ.items() if key not in introspect.THREAD_VARIABLES}
    out = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--out", str(out), "--workloads", "seesblas:work=100",
         "--executors", "serial,processes", "--workers", "2", "--load", "2", "--repeat", "1", "--warmup", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**environment, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "SEEN_FILE": str(seen),
             "OMP_NUM_THREADS": "2"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = seen.read_text().split("\n")[:-1]
    assert lines and set(lines) == {"1 2"}, lines  # every import, in the runner and in its cells
    thread_env = json.loads(out.read_text())["config"]["thread_env"]
    assert thread_env["OPENBLAS_NUM_THREADS"] == "1 (gilbench's)" and thread_env["OMP_NUM_THREADS"] == "2 (yours)"
