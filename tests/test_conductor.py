"""One run across interpreters: the same rounds for every interpreter, paired comparisons, faults kept apart.

Real runners (the host's Python under two labels, as an A/A pair), real cell processes, a real page server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.report import compute
from bench.report.comparisons import FAMILY
from bench.report.load import load_paths
from bench.report.selection import cell_of
from bench.result import Document
from tests.conftest import ROOT, run_bench

SMALL = ["--workloads", "cpu=20000,sleep=0.002", "--executors", "serial,threads", "--workers", "2", "--load", "2"]


def conduct(results: Path, *args: str, labels: tuple[str, ...] = ("a", "b")) -> subprocess.CompletedProcess[str]:
    pythons = [f"--python={label}={sys.executable}" for label in labels]
    return run_bench("conduct", *pythons, *args, env={"GILBENCH_RESULTS_DIR": str(results)}, timeout=300)


def only_run(results: Path) -> Path:
    [run] = [path for path in results.iterdir() if path.is_dir()]
    return run


def test_every_interpreter_is_measured_in_the_same_shuffled_rounds(tmp_path: Path) -> None:
    done = conduct(tmp_path, "--run-id", "aa", "--", *SMALL, "--repeat", "3", "--warmup", "0")
    assert done.returncode == 0, done.stderr
    run = tmp_path / "aa"
    documents = {label: Document.loads((run / f"{label}.json").read_bytes()) for label in ("a", "b")}
    for document in documents.values():
        assert document.complete and document.run_id == "aa"
        assert document.config.shared_rounds == ("a", "b")
        assert [sorted(run.round for run in cell.runs) for cell in document.cells] == [[1, 2, 3]] * 4
        assert document.probe_executable == sys.executable and len(document.probe) == 4  # start, 3 rounds
    assert documents["a"].probe == documents["b"].probe  # one probe, taken by the conductor, in every file
    manifest = json.loads((run / "run.json").read_text())
    orders = [[(step[0], step[1]) for step in order] for order in manifest["round_orders"]]
    every = sorted((label, index) for label in ("a", "b") for index in range(4))
    assert len(orders) == 3 and all(sorted(order) == every for order in orders)
    assert len({tuple(order) for order in orders}) > 1  # shuffled per round, across both interpreters
    labels_in_order = [[label for label, _ in order] for order in orders]
    assert any(order != sorted(order) for order in labels_in_order)  # interleaved, not one interpreter after another
    for order in orders:  # each cell's interpreters back to back (duet-style), in an order of their own
        assert all(order[at][1] == order[at + 1][1] for at in range(0, len(order), 2)), order
    firsts = {order[at][0] for order in orders for at in range(0, len(order), 2)}
    assert firsts == {"a", "b"}  # neither interpreter always goes first
    for label, document in documents.items():  # each file records its own cells' order within every round
        assert [list(order) for order in document.round_orders] == [
            [index for step_label, index in order if step_label == label] for order in orders
        ]


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) not in (2, 4) or not hasattr(os, "fork"),
    reason="pairing by CPU needs 2 or 4 usable CPUs here (4 rounds, each CPU as often) and forked cells (Linux)",
)
def test_one_cpu_cells_run_on_the_round_s_cpu_for_every_interpreter(tmp_path: Path) -> None:
    cells = ["--workloads", "cpu=20000", "--executors", "serial,threads", "--workers", "1,2", "--load", "2"]
    done = conduct(tmp_path, "--run-id", "cpus", "--", *cells, "--repeat", "4", "--warmup", "0")
    assert done.returncode == 0, done.stderr
    run = tmp_path / "cpus"
    documents = {label: Document.loads((run / f"{label}.json").read_bytes()) for label in ("a", "b")}
    manifest = json.loads((run / "run.json").read_text())
    usable = sorted(os.sched_getaffinity(0))
    round_cpus = []
    for order in manifest["round_orders"]:
        chosen = {cpu for _, _, cpu in order if cpu is not None}
        assert len(chosen) == 1, order  # one CPU for every one-CPU cell of the round, whichever interpreter
        round_cpus.append(chosen.pop())
    assert sorted(round_cpus) == sorted(usable * (4 // len(usable)))  # each CPU takes its turn, as often
    for label, document in documents.items():
        assert document.config.same_cpu
        for index, cell in enumerate(document.cells):
            for repetition in cell.runs:
                order = manifest["round_orders"][repetition.round - 1]
                [cpu] = [step[2] for step in order if step[:2] == [label, index]]
                if cell.workers == 1:  # serial and the 1-thread pool: on the round's CPU, as the other label's
                    assert cpu == repetition.on_cpu == round_cpus[repetition.round - 1], (cell.name, repetition)
                else:  # two threads use every CPU, as a program would
                    assert cpu is None
    report = run_bench("report", str(run))
    assert report.returncode == 0, report.stderr
    method = " ".join((run / "report.md").read_text().split())  # its paragraphs wrapped at 160 characters
    assert "ran on the round's CPU, the same for every interpreter, the CPUs taking turns" in method


def test_a_run_pinned_to_one_cpu_pairs_nothing_more(tmp_path: Path) -> None:
    done = conduct(tmp_path, "--run-id", "one", "--", *SMALL, "--repeat", "2", "--warmup", "0", "--pin", "0")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "one" / "run.json").read_text())
    assert {step[2] for order in manifest["round_orders"] for step in order} == {None}
    document = Document.loads((tmp_path / "one" / "a.json").read_bytes())
    assert not document.config.same_cpu
    assert {repetition.on_cpu for cell in document.cells for repetition in cell.runs} == {0}
    assert run_bench("report", str(tmp_path / "one")).returncode == 0
    assert "the round's CPU" not in (tmp_path / "one" / "report.md").read_text()


def test_interpreters_of_one_run_are_compared_paired_by_round(tmp_path: Path) -> None:
    done = conduct(tmp_path, "--run-id", "paired", "--", *SMALL, "--repeat", "3", "--warmup", "0")
    assert done.returncode == 0, done.stderr
    computed = compute.compute(load_paths([tmp_path / "paired"]).results)
    assert computed.one_run
    a, b = (cell_of(computed.summary, label, "cpu", "serial", 1) for label in ("a", "b"))
    assert a is not None and b is not None
    assert computed.comparisons.add(a, b).paired
    report = run_bench("report", str(tmp_path / "paired"))
    assert report.returncode == 0, report.stderr
    markdown = " ".join((tmp_path / "paired" / "report.md").read_text().split())
    assert "Every interpreter was measured in the same rounds" in markdown
    assert "paired by round: the interpreters ran in the same rounds" in markdown


def started(results: Path, run_id: str, repeat: int) -> subprocess.Popen[str]:
    """``conduct`` of labels a and b in the background, for tests that interrupt or kill a part of it."""
    pythons = [f"--python={label}={sys.executable}" for label in ("a", "b")]
    return subprocess.Popen(
        [sys.executable, "-m", "bench", "conduct", *pythons, "--run-id", run_id, "--", *SMALL, "--repeat", str(repeat)],
        cwd=ROOT,
        env={**os.environ, "GILBENCH_RESULTS_DIR": str(results)},
        stderr=subprocess.PIPE,
        text=True,
    )


def test_one_runner_that_dies_leaves_the_others_measured_and_is_named(tmp_path: Path) -> None:
    process = started(tmp_path, "cut", 6)
    runner = _wait_for_runner(tmp_path / "cut" / "a.json", "a")
    os.kill(runner, signal.SIGKILL)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    survivor = Document.loads((tmp_path / "cut" / "b.json").read_bytes())
    assert survivor.complete and all(len(cell.runs) == 6 for cell in survivor.cells)
    manifest = json.loads((tmp_path / "cut" / "run.json").read_text())
    assert manifest["missing"]["a"].startswith("its runner was killed by SIGKILL in round")  # the signal, not the pipe
    report = run_bench("report", str(tmp_path / "cut"))
    assert report.returncode == 0, report.stderr
    markdown = (tmp_path / "cut" / "report.md").read_text()
    assert "Interpreter a stopped before the end of this run: its runner was killed by SIGKILL in round" in markdown
    assert "a cell failed or timed out" not in markdown  # no cell did: the runner was killed


def test_ctrl_c_interrupts_every_runner_and_keeps_what_each_measured(tmp_path: Path) -> None:
    process = started(tmp_path, "int", 50)
    for label in ("a", "b"):
        _wait_for_runner(tmp_path / "int" / f"{label}.json", label)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    for label in ("a", "b"):
        document = Document.loads((tmp_path / "int" / f"{label}.json").read_bytes())
        assert document.interrupted and not document.complete
        assert sum(len(cell.runs) for cell in document.cells) >= 1


def _wait_for_runner(result: Path, label: str) -> int:
    """The pid of ``label``'s runner, once its file holds a measured repetition."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if result.exists():
            document = json.loads(result.read_text())
            if any(cell["runs"] for cell in document["cells"]):
                break
        time.sleep(0.05)
    else:
        pytest.fail(f"{result} never held a repetition")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--driven" in command and command[command.index(b"--label") + 1] == label.encode():
            return int(pid)
    pytest.fail(f"no runner of {label} found")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--python", "nolabel"], "--python 'nolabel': expected LABEL=EXECUTABLE"),
        (["--python", f"a={sys.executable}", "--python", f"a={sys.executable}"], "the label 'a' is given twice"),
        (["--python", f"a={sys.executable}", "--", "--out", "x.json"], "--out and --label are for one"),
        (["--python", f"a={sys.executable}", "--", "--workloads", "nope"], "unknown workload 'nope'"),
        (["--python", "a/b=/usr/bin/python3"], "--python label 'a/b': expected"),
        (["--python", f"a={sys.executable}", "--", "--max-rounds", "4"], "--max-rounds '4': expected at least"),
        (["--python", f"a={sys.executable}", "--", "--max-rounds", "x"], "--max-rounds 'x': expected a positive"),
        (["--python", f"a={sys.executable}", "--", "--extra-time", "-1"], "--extra-time '-1': expected seconds"),
        (["--python", f"a={sys.executable}", "--", "--cells", "io:asyncio:5"], "downloads with requests, which has no"),
    ],
)
def test_bad_conduct_options_are_one_line_errors(tmp_path: Path, args: list[str], message: str) -> None:
    done = run_bench("conduct", *args, env={"GILBENCH_RESULTS_DIR": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())  # nothing reserved before the options were checked


def test_an_interpreter_whose_runner_cannot_start_is_named_and_the_others_run(tmp_path: Path) -> None:
    broken = tmp_path / "python-broken"
    broken.write_text("#!/bin/sh\necho 'no such interpreter' >&2\nexit 7\n")
    broken.chmod(0o755)
    done = run_bench(
        "conduct",
        f"--python=ok={sys.executable}",
        f"--python=broken={broken}",
        "--run-id",
        "half",
        "--",
        *SMALL,
        "--repeat",
        "1",
        env={"GILBENCH_RESULTS_DIR": str(tmp_path / "results")},
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    run = tmp_path / "results" / "half"
    assert Document.loads((run / "ok.json").read_bytes()).complete
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["missing"]["broken"] == "its runner did not start (exited with code 7)"


def test_a_workload_one_interpreter_cannot_import_is_named_there_and_the_others_run(
    tmp_path: Path, python_313: Path, python_pypy3: Path
) -> None:
    """The conductor's own Python never imports the user's module (its dependencies live in each interpreter's
    environment); the runner that cannot import it says why, and that reason is what the run records."""
    pypy = python_pypy3
    (tmp_path / "newstd.py").write_text(
        "from warnings import deprecated  # Python 3.13's: not in the conductor's 3.11, nor in PyPy 3.9\n\n"
        "def work(n):\n    return sum(range(n))\n"
    )
    done = run_bench(
        "conduct", f"--python=new={python_313}", f"--python=old={pypy}", "--run-id", "imports", "--",
        "--workloads", "newstd:work=1000", "--executors", "serial", "--load", "2", "--repeat", "1",
        env={"GILBENCH_RESULTS_DIR": str(tmp_path / "results"), "PYTHONPATH": str(tmp_path)}, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    run = tmp_path / "results" / "imports"
    assert Document.loads((run / "new.json").read_bytes()).complete
    reason = json.loads((run / "run.json").read_text())["missing"]["old"]
    assert reason.startswith(f"its runner refused the run under {pypy} (workload 'newstd:work': cannot import")
    assert "deprecated" in reason


def _descendants_named(word: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if word.encode() in command and state != "Z":
            found.append(int(pid))
    return found


def _hanging_runner(tmp_path: Path, marker: str) -> Path:
    """An interpreter that never says it is ready, and leaves a daemon of its own session behind as it hangs."""
    script = tmp_path / "python-hangs"
    sleeper = f"{sys.executable} -c 'import time; time.sleep(400)'"
    script.write_text(
        "#!/bin/sh\n"
        f"setsid {sleeper} {marker}-daemon </dev/null >/dev/null 2>&1 &\n"  # leaves the runner's session
        f"exec {sleeper} {marker}\n"
    )
    script.chmod(0o755)
    return script


def test_a_runner_that_never_says_it_is_ready_is_killed_at_its_deadline_with_all_it_started(tmp_path: Path) -> None:
    marker = f"gilbench-hang-{os.getpid()}"
    started_at = time.monotonic()
    done = run_bench(
        "conduct",
        f"--python=ok={sys.executable}",
        f"--python=hang={_hanging_runner(tmp_path, marker)}",
        "--run-id",
        "hung",
        "--",
        *SMALL,
        "--repeat",
        "1",
        "--ready-timeout",
        "3",
        env={"GILBENCH_RESULTS_DIR": str(tmp_path / "results")},
        timeout=120,
    )
    took = time.monotonic() - started_at
    assert done.returncode == 1, done.stderr
    run = tmp_path / "results" / "hung"
    assert Document.loads((run / "ok.json").read_bytes()).complete  # started at the same time, not delayed
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["missing"] == {"hang": "its runner did not start within 3 s (killed with everything it started)"}
    assert took < 60, took
    assert not _descendants_named(marker), "the hung runner or its daemon outlived the run"
    assert run_bench("report", str(run)).returncode == 0
    assert (
        "Interpreter hang is missing from this run: its runner did not start within 3 s"
        in (run / "report.md").read_text()
    )


def test_ctrl_c_while_a_runner_hangs_at_start_leaves_nothing_running(tmp_path: Path) -> None:
    marker = f"gilbench-hang-int-{os.getpid()}"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "bench", "conduct", f"--python=hang={_hanging_runner(tmp_path, marker)}"),
            *("--run-id", "hung-int", "--", *SMALL, "--repeat", "1"),
        ],
        cwd=ROOT,
        env={**os.environ, "GILBENCH_RESULTS_DIR": str(tmp_path)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(_descendants_named(marker)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_descendants_named(marker)) == 2  # the runner and its daemon
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert not _descendants_named(marker)


def _simulation(tmp_path: Path, name: str, bad_probe_at: int | None = None, rounds: int = 2) -> Path:
    data = json.loads((ROOT / "tests" / "fixtures" / "simulations" / "3.13.json").read_text())
    if bad_probe_at is not None:
        good = data["probe"][0]
        data["probe"] = [good] * bad_probe_at + [{"label": 1}] + [good] * rounds
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return path


def test_a_runner_lost_in_the_final_speed_probe_is_named_with_how_it_ended(tmp_path: Path) -> None:
    """Start, round 1, round 2: the third probe point is the end's; the runner dies reading it."""
    done = run_bench(
        "conduct",
        f"--python=a={sys.executable}",
        f"--python=b={sys.executable}",
        f"--simulate=a={_simulation(tmp_path, 'a', bad_probe_at=2)}",  # the first runner's simulation probes
        f"--simulate=b={_simulation(tmp_path, 'b')}",
        "--run-id",
        "probe",
        "--",
        "--preset",
        "standard",
        "--workloads",
        "cpu=200000",
        "--executors",
        "serial",
        "--repeat",
        "2",
        env={"GILBENCH_RESULTS_DIR": str(tmp_path / "results")},
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    run = tmp_path / "results" / "probe"
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["missing"] == {"a": "its runner exited with code 1 during the speed probe at the end"}
    assert run_bench("report", str(run)).returncode == 0
    markdown = (run / "report.md").read_text()
    assert "Interpreter a stopped before the end of this run: its runner exited with code 1 during the speed probe" in (
        markdown
    )
    assert "a cell failed or timed out" not in markdown


def test_rounds_are_added_for_the_answer_s_unsettled_comparisons_only(tmp_path: Path) -> None:
    """An A/A pair after 3 rounds settles nothing at the family's level: the run adds a look's 4 rounds of the
    cells its family needs, numbered on from the base rounds, and says so in the manifest and the report."""
    done = conduct(
        tmp_path, "--run-id", "more", "--", *SMALL, "--repeat", "3", "--max-rounds", "7", "--extra-time", "300"
    )
    assert done.returncode == 0, done.stderr
    run = tmp_path / "more"
    manifest = json.loads((run / "run.json").read_text())
    added = manifest["added_rounds"]
    assert added["looks"] == [3, 7] and added["base_rounds"] == 3 and added["max_rounds"] == 7
    assert added["family"] > 0 and added["rounds"] == 7, added
    assert "the answer's family" in done.stderr and "adding rounds 4-7" in done.stderr
    orders = manifest["round_orders"]
    assert len(orders) == 7
    every = {(label, index) for label in ("a", "b") for index in range(4)}
    assert all({(step[0], step[1]) for step in order} == every for order in orders[:3])
    needed = {(step[0], step[1]) for step in orders[3]}
    assert needed < every  # only the cells of comparisons not settled
    assert all({(step[0], step[1]) for step in order} == needed for order in orders[3:])
    documents = {label: Document.loads((run / f"{label}.json").read_bytes()) for label in ("a", "b")}
    for label, document in documents.items():
        assert document.config.max_rounds == 7 and document.config.looks == [3, 7]
        for index, cell in enumerate(document.cells):
            rounds = sorted(repetition.round for repetition in cell.runs)
            assert rounds == ([1, 2, 3, 4, 5, 6, 7] if (label, index) in needed else [1, 2, 3]), cell.name
    computed = compute.compute(load_paths([run]).results)
    assert computed.comparisons.looks == 2
    family = [row for row in computed.comparisons.unique() if row.role == FAMILY]
    corrected = 1 - 0.01 / (computed.comparisons.family_size * 2)
    assert family and all(row.level == pytest.approx(corrected) and row.n in (3, 7) for row in family)
    assert run_bench("report", str(run)).returncode == 0
    markdown = " ".join((run / "report.md").read_text().split())
    assert "Added rounds: after the 3 base rounds" in markdown and "rounds 4-7 were added" in markdown
    assert "over the 2 looks the run planned (after 3, 7 rounds)" in markdown


def test_no_round_is_added_past_the_extra_time(tmp_path: Path) -> None:
    done = conduct(
        tmp_path, "--run-id", "brief", "--", *SMALL, "--repeat", "3", "--max-rounds", "7", "--extra-time", "0.001"
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "brief" / "run.json").read_text())
    assert len(manifest["round_orders"]) == 3
    assert manifest["added_rounds"]["stopped"] == "the next 4 rounds would not fit in --extra-time 0.001 s"
    document = Document.loads((tmp_path / "brief" / "a.json").read_bytes())
    assert [point.label for point in document.probe][-2:] == ["after round 2", "end"]  # one probe after each round


def test_a_run_whose_rounds_were_chosen_adds_none(tmp_path: Path) -> None:
    done = conduct(tmp_path, "--run-id", "chosen", "--", *SMALL, "--repeat", "2")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "chosen" / "run.json").read_text())
    assert len(manifest["round_orders"]) == 2 and manifest["added_rounds"] == {}
    document = Document.loads((tmp_path / "chosen" / "a.json").read_bytes())
    assert document.config.max_rounds == 2 and document.config.looks == [2]


def test_a_conductor_that_cannot_read_the_answer_adds_no_round_and_says_why(tmp_path: Path) -> None:
    """A Python without the report's libraries (here a real import of a pandas that refuses to load): the base
    rounds are kept, no round is added, and the reason is recorded."""
    shadow = tmp_path / "shadow" / "pandas"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("pandas is not installed here")\n')
    pythons = [f"--python={label}={sys.executable}" for label in ("a", "b")]
    done = run_bench(
        "conduct",
        *pythons,
        "--run-id",
        "blind",
        "--",
        *SMALL,
        "--repeat",
        "2",
        "--max-rounds",
        "6",
        "--extra-time",
        "60",
        env={"GILBENCH_RESULTS_DIR": str(tmp_path / "results"), "PYTHONPATH": str(tmp_path / "shadow")},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    manifest = json.loads((tmp_path / "results" / "blind" / "run.json").read_text())
    assert len(manifest["round_orders"]) == 2
    assert manifest["added_rounds"]["stopped"] == (
        "the answer could not be read (this Python lacks the report's libraries: pandas is not installed here)"
    )
