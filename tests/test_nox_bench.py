"""End to end: `nox -s bench` on the three default interpreters, for real, on a small load."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bench.layout import NOT_RESULTS
from bench.result import Document
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def load(path: Path) -> dict[str, Any]:
    """The file as JSON, after the result model has checked every field."""
    Document.loads(path.read_bytes())
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def nox(*args: str, results: Path, run_id: str, pythons: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "GILBENCH_RESULTS_DIR": str(results), "GILBENCH_RUN_ID": run_id}
    env.pop("GILBENCH_PYTHONS", None)
    if pythons is not None:
        env["GILBENCH_PYTHONS"] = pythons
    return subprocess.Popen(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def finished(*args: str, results: Path, run_id: str, pythons: str | None = None) -> tuple[int, str]:
    """`nox` run to its end: its exit code and everything it printed."""
    process = nox(*args, results=results, run_id=run_id, pythons=pythons)
    output, _ = process.communicate(timeout=600)
    return process.returncode, output


def test_nox_bench_smoke_on_the_default_interpreters(tmp_path: Path) -> None:
    process = nox(
        "-s",
        "bench",
        "--",
        "--preset",
        "smoke",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
        results=tmp_path,
        run_id="e2e",
    )
    output, _ = process.communicate(timeout=1200)
    assert process.returncode == 0, output
    run = tmp_path / "e2e"
    documents = {path.stem: load(path) for path in sorted(run.glob("*.json")) if path.name not in NOT_RESULTS}
    assert sorted(documents) == ["3.13", "3.13t", "pypy3"]
    facts = {
        label: (
            d["interpreter"]["implementation"],
            d["interpreter"]["free_threaded_build"],
            d["interpreter"]["gil_enabled"],
        )
        for label, d in documents.items()
    }
    assert facts == {
        "3.13": ("cpython", False, True),
        "3.13t": ("cpython", True, False),
        "pypy3": ("pypy", False, True),
    }
    assert {d["run_id"] for d in documents.values()} == {"e2e"}
    assert all(d["complete"] for d in documents.values())
    assert len({d["config"]["server_url"] for d in documents.values()}) == 1  # one shared server
    assert all(d["config"]["shared_rounds"] == ["3.13", "3.13t", "pypy3"] for d in documents.values())
    assert all(len(d["cells"]) == 24 for d in documents.values())  # 6 workloads x serial + 3 strategies
    statuses = {
        label: {c["status"] for c in d["cells"] if c["executor"] == "interpreters"} for label, d in documents.items()
    }
    assert statuses == {"3.13": {"ok"}, "3.13t": {"ok"}, "pypy3": {"unsupported"}}
    markdown = (run / "report.md").read_text()
    for title in (
        "## The answer",
        "## What was measured",
        "## GIL impact",
        "## Cost of free-threading on one thread",
        "## Interpreters against each other",
        "## Every cell",
    ):
        assert title in markdown
    assert "| workload   | interpreter   | threads" in markdown and "| subinterpreters " in markdown
    assert (run / "answer.md").is_file()
    assert "-s bench -- --preset smoke --load 2 --repeat 1 --warmup 0`" in markdown  # the command as typed
    assert (run / "report.html").is_file() and (run / "results.csv").is_file()
    assert (tmp_path / "latest").resolve() == run.resolve()


def test_interrupted_nox_bench_keeps_what_every_interpreter_measured_and_reports_it(tmp_path: Path) -> None:
    process = nox(
        "-s",
        "bench",
        "--",
        "--workloads",
        "sleep=0.1",
        "--executors",
        "serial",
        "--load",
        "10",
        "--repeat",
        "20",
        "--warmup",
        "0",
        results=tmp_path,
        run_id="cut",
    )
    run = tmp_path / "cut"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:  # every interpreter measures in the same rounds: wait for each one's first
        files = [run / f"{label}.json" for label in ("3.13", "3.13t", "pypy3")]
        if all(path.exists() and any(c["runs"] for c in json.loads(path.read_text())["cells"]) for path in files):
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the interpreters never all measured a cell")
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output, _ = process.communicate(timeout=600)
    assert process.returncode != 0
    markdown = (run / "report.md").read_text()
    for label in ("3.13", "3.13t", "pypy3"):
        document = load(run / f"{label}.json")
        assert document["interrupted"] is True and document["complete"] is False, output
        assert f"{label}: the run was interrupted" in markdown
        assert f"Interpreter {label} is missing" not in markdown
    assert not (tmp_path / "latest").exists(), output


def test_nox_python_option_selects_and_provisions_a_subset(tmp_path: Path) -> None:
    process = nox(
        "-s",
        "bench",
        "-p",
        "3.13t",
        "--",
        "--workloads",
        "cpu=1000",
        "--executors",
        "serial,threads",
        "--workers",
        "2",
        "--load",
        "2",
        "--repeat",
        "1",
        "--warmup",
        "0",
        results=tmp_path,
        run_id="subset",
    )
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output
    run = tmp_path / "subset"
    assert sorted(path.name for path in run.glob("*.json")) == ["3.13t.json", "answer.json", "run.json"]
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["interpreters"] == ["3.13t"]
    assert manifest["command"].startswith("nox -f ")  # as typed (here by the test, naming the noxfile)
    assert "-s bench -p 3.13t -- --workloads cpu=1000" in manifest["command"]
    assert "Running session bench-3.13t" in output and "Running session bench-pypy3" not in output
    assert "is missing from this run" not in (run / "report.md").read_text()


def test_one_interpreter_under_two_labels_is_an_a_a_pair_measured_in_the_same_rounds(tmp_path: Path) -> None:
    code, output = finished(
        *shlex.split("-s bench -- --workloads cpu=1000 --executors serial --load 2 --repeat 2 --warmup 0"),
        results=tmp_path,
        run_id="twice",
        pythons="3.13,again=3.13",
    )
    assert code == 0, output
    run = tmp_path / "twice"
    documents = {label: load(run / f"{label}.json") for label in ("3.13", "again")}
    assert {d["interpreter"]["executable"] for d in documents.values()} == {
        documents["3.13"]["interpreter"]["executable"]
    }
    assert all(d["config"]["shared_rounds"] == ["3.13", "again"] for d in documents.values())
    assert output.count("Running session bench-3.13") == 1  # one environment, two labels


def test_a_failed_cell_fails_its_session_yet_every_interpreter_and_the_report_run(tmp_path: Path) -> None:
    code, output = finished(
        *shlex.split("-s bench -p 3.13 pypy3 -- --workloads tests.guest.faulty:raise_value_error=7,sleep=0.001"),
        *shlex.split("--executors serial --load 2 --repeat 1 --warmup 0"),
        results=tmp_path,
        run_id="faulty",
    )
    assert code == 1, output  # a CI job sees it
    run = tmp_path / "faulty"
    assert "-s bench -p 3.13 pypy3 -- " in json.loads((run / "run.json").read_text())["command"]
    for label in ("3.13", "pypy3"):
        document = load(run / f"{label}.json")
        assert [cell["status"] for cell in document["cells"]] == ["failed", "ok"]
        told = f"{label}: 1 cells failed or timed out (tests.guest.faulty:raise_value_error serial: failed)"
        assert told in output
    assert "a task raised ValueError: bad input 7" in (run / "report.md").read_text()


def test_a_dry_run_checks_every_interpreter_and_measures_nothing(tmp_path: Path) -> None:
    code, output = finished("-s", "bench", "--", "--dry-run", "--preset", "smoke", results=tmp_path, run_id="dry")
    assert code == 0, output
    assert "would conduct 3.13, 3.13t, pypy3 in 2 shared rounds" in output
    assert "estimated time: unknown (no earlier run on this machine measured these cells)" in output
    assert "3.13t: free-threaded build, GIL off after importing every workload's modules" in output
    assert "Running session measure" not in output
    assert not any(tmp_path.glob("*/*.json"))


SMALL_RUN = shlex.split("--workloads sleep=0.01 --executors serial --load 2 --repeat 2 --warmup 0")


def test_interpreters_that_cannot_be_prepared_are_named_in_the_manifest_and_the_report(tmp_path: Path) -> None:
    """A missing path, one that exits 1 and one that segfaults as it starts: each one line from nox, no traceback,
    each in run.json and the report with its reason, the others measured, and the run's exit code 1."""
    exits = tmp_path / "python-exits"
    exits.write_text("#!/bin/sh\necho 'this interpreter is broken' >&2\nexit 1\n")
    crashes = tmp_path / "python-crashes"
    crashes.write_text("#!/bin/sh\nkill -SEGV $$\n")
    for script in (exits, crashes):
        script.chmod(0o755)
    pythons = f"3.13,gone=/nonexistent/python3,exits={exits},crashes={crashes}"
    code, output = finished("-s", "bench", "--", *SMALL_RUN, results=tmp_path, run_id="partial", pythons=pythons)
    assert code == 1, output
    assert "Traceback" not in output
    run = tmp_path / "partial"
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["interpreters"] == ["3.13", "gone", "exits", "crashes"]
    assert manifest["missing"] == {
        "gone": "/nonexistent/python3 cannot be run (No such file or directory)",
        "exits": f"{exits} exited with code 1 as it started (this interpreter is broken)",
        "crashes": f"{crashes} was killed by SIGSEGV as it started",
    }
    assert manifest["command"].startswith(f"GILBENCH_PYTHONS={shlex.quote(pythons)} nox ")
    for label in ("gone", "exits", "crashes"):
        assert output.count(f"{label} is left out of this run:") == 1
    assert load(run / "3.13.json")["complete"]
    markdown = (run / "report.md").read_text()
    assert "Interpreter gone is missing from this run: /nonexistent/python3 cannot be run" in markdown
    assert "Interpreter crashes is missing from this run:" in markdown and "SIGSEGV" in markdown


def test_the_report_of_an_interrupted_run_is_rebuilt_even_if_one_was_made_during_it(tmp_path: Path) -> None:
    """A report made at round 3 of a long run must not stand for the run once it has stopped: the last one wins."""
    process = nox(
        *shlex.split("-s bench -p 3.13 -- --workloads sleep=0.05 --executors serial --load 2 --repeat 400"),
        results=tmp_path,
        run_id="longer",
    )
    run = tmp_path / "longer"
    result = run / "3.13.json"

    def rounds() -> int:
        if not result.exists():
            return 0
        return max((len(cell["runs"]) for cell in json.loads(result.read_text())["cells"]), default=0)

    deadline = time.monotonic() + 300
    while rounds() < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    early = subprocess.run(
        [sys.executable, "-m", "bench", "report", str(run), "--format", "markdown"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "GILBENCH_RESULTS_DIR": str(tmp_path)},
    )
    assert early.returncode == 0, early.stderr
    assert "its result file was not finished" in (run / "report.md").read_text()
    while rounds() < 8 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=600)
    assert process.returncode != 0
    markdown = (run / "report.md").read_text()
    assert "3.13: the run was interrupted" in markdown, output
    assert "its result file was not finished" not in markdown


def test_an_optimized_build_s_session_is_named_and_selected_by_its_label() -> None:
    """`-p 3.13t+opt` selects `bench-3.13t+opt` (its python is the label, a link provision puts on PATH), never a
    session named by the interpreter's path in the cache."""
    env = {**os.environ, "GILBENCH_PYTHONS": "3.13,3.13t+opt"}
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-l", "-p", "3.13t+opt"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    sessions = [line.split(" -> ")[0] for line in listed.stdout.splitlines() if " -> " in line]
    assert "* bench-3.13t+opt" in sessions and "- bench-3.13" in sessions
    assert not any("/" in name for name in sessions)


def test_your_requirements_are_installed_per_interpreter_and_one_that_cannot_install_them_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real package from PyPI into every environment, a module found on PYTHONPATH; a requirement PyPy alone
    cannot install (a marker) leaves PyPy out with pip's last line, the other measured, exit 1 (a partial run)."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "mdwork.py").write_text(
        "import markdown\n\n\ndef render(n):\n    return len(markdown.markdown('# x\\n' * n))\n\n\n"
        "render.gilbench_traits = 'cpu/holds'\n"
    )
    requirements = tmp_path / "req.txt"
    requirements.write_text("markdown\ngilbench-no-such-package; implementation_name == 'pypy'  # PyPy cannot\n")
    monkeypatch.setenv("PYTHONPATH", str(work))
    args = ["--requirements", str(requirements), "--workloads", "mdwork:render=3", *SMALL_RUN[2:]]
    code, output = finished("-s", "bench", "--", *args, results=tmp_path, run_id="yours", pythons="3.13,pypy3")
    assert code == 1, output
    assert "Traceback" not in output
    run = tmp_path / "yours"
    missing = json.loads((run / "run.json").read_text())["missing"]
    assert list(missing) == ["pypy3"]
    assert missing["pypy3"].startswith("pypy3: your requirements could not be installed in ")
    assert "gilbench-no-such-package" in missing["pypy3"] and "\n" not in missing["pypy3"]
    document = load(run / "3.13.json")
    assert document["complete"] and document["cells"][0]["status"] == "ok"
    assert document["config"]["requirements"][0] == "markdown"
    assert document["interpreter"]["user_packages"]["markdown"] not in ("", "not installed")
    assert document["config"]["thread_env"]["OMP_NUM_THREADS"] in (
        "1 (gilbench's)",
        f"{os.environ.get('OMP_NUM_THREADS')} (yours)",
    )
    assert "full report:" in output and "mdwork:render" in output  # the answer's table, in the terminal
