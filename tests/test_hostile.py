"""Hostile files, signals and unfriendly machines: each case bounded, named in one line, nothing lost or left.

Real parts only: real result files (crafted from the checked-in fixtures), real
devices and FIFOs, real signals to real runs, a real page server and a real
unprivileged user (a system user the test creates and removes again), with a
copy of the checkout it can read.  Builds use a tiny fake ``configure`` and
``Makefile`` in a real source tarball, so row 1 needs no real CPython build.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.errors import EXIT_INTERRUPTED, EXIT_USAGE
from bench.report.exporters import markdown_block
from bench.report.pyperf_export import distinct_file_names
from bench.server import PageServer
from tests.conftest import ROOT, run_bench
from tests.test_faults import descendants, running, start_run, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="devices, FIFOs, /proc and setuid")

FIXTURE = ROOT / "tests" / "fixtures" / "run-basic"


# --- helpers -------------------------------------------------------------------------------


def fixture_copy(tmp_path: Path) -> Path:
    """A run folder holding the fixture's three result files, to add a hostile file beside them."""
    folder = tmp_path / "run"
    shutil.copytree(FIXTURE, folder)
    return folder


def crafted(folder: Path, name: str, change: Any) -> Path:
    """A copy of the fixture's 3.13 file under a new label, changed by ``change(data)``."""
    data = json.loads((FIXTURE / "3.13.json").read_text())
    data["interpreter"]["label"] = "crafted"
    change(data)
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def report(folder: Path, out: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_bench("report", str(folder), "--out", str(out), timeout=timeout)


def warnings_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("gilbench: warning:")]


def assert_skipped_in_one_line(done: subprocess.CompletedProcess[str], path: Path, words: str) -> None:
    """The report went on with the other files; the bad one got exactly one line naming it and why."""
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    named = [line for line in warnings_of(done) if str(path) in line]
    assert len(named) == 1 and words in named[0], done.stderr


# --- rows 2-7, 19: files the report reads ---------------------------------------------------


def test_a_link_to_dev_zero_is_skipped_not_read(tmp_path: Path) -> None:
    folder = fixture_copy(tmp_path)
    (folder / "z.json").symlink_to("/dev/zero")
    done = report(folder, tmp_path / "out", timeout=60)
    assert_skipped_in_one_line(done, folder / "z.json", "not a regular file")


def test_a_fifo_is_skipped_without_waiting_for_a_writer(tmp_path: Path) -> None:
    folder = fixture_copy(tmp_path)
    os.mkfifo(folder / "p.json")
    done = report(folder, tmp_path / "out", timeout=60)
    assert_skipped_in_one_line(done, folder / "p.json", "not a regular file")
    done = run_bench("report", str(folder / "p.json"), "--out", str(tmp_path / "out2"), timeout=60)
    assert done.returncode == EXIT_USAGE and "not a regular file" in done.stderr


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from bench.report.load import MAX_RESULT_BYTES

    folder = fixture_copy(tmp_path)
    huge = folder / "huge.json"
    with open(huge, "wb") as handle:  # sparse: its size, not its bytes, is what is checked
        handle.truncate(MAX_RESULT_BYTES + 1)
    done = report(folder, tmp_path / "out")
    assert_skipped_in_one_line(done, huge, "over the 256 MiB limit")


@pytest.mark.parametrize(
    ("where", "value", "words"),
    [
        ("wall", 1e308, "wall_s: expected a number of seconds above 0, up to 1e+06"),
        ("wall", 0.0, "wall_s: expected a number of seconds above 0"),
        ("task", 1e308, "expected a number of seconds from 0 to 1e+06"),
        ("warmup", 1e308, "warmup_s"),
    ],
)
def test_durations_out_of_range_skip_the_file_and_the_others_report(
    tmp_path: Path, where: str, value: float, words: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        run = data["cells"][0]["runs"][0]
        if where == "wall":
            run["wall_s"] = value
        elif where == "task":
            run["tasks"][0][1] = value
        else:
            data["cells"][0]["warmup_s"] = [value]

    folder = fixture_copy(tmp_path)
    path = crafted(folder, "bad.json", change)
    done = report(folder, tmp_path / "out")
    assert_skipped_in_one_line(done, path, words)
    assert (tmp_path / "out" / "report.md").is_file()


def test_task_times_of_zero_are_below_the_clock_and_still_report(tmp_path: Path) -> None:
    """A task shorter than the 1 us the file keeps is recorded as 0.0: a real value, reported without dividing by it."""

    def change(data: dict[str, Any]) -> None:
        for cell in data["cells"]:
            for run in cell["runs"]:
                for task in run["tasks"]:
                    task[1] = 0.0

    folder = fixture_copy(tmp_path)
    crafted(folder, "zero.json", change)
    done = report(folder, tmp_path / "out")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "crafted" in (tmp_path / "out" / "report.md").read_text()


def test_duplicate_keys_skip_the_file_naming_the_key(tmp_path: Path) -> None:
    folder = fixture_copy(tmp_path)
    path = crafted(folder, "dup.json", lambda data: None)
    text = path.read_text()
    path.write_text(text.replace('"run_id":', '"run_id":"other","run_id":', 1))
    done = report(folder, tmp_path / "out")
    assert_skipped_in_one_line(done, path, "the key 'run_id' appears twice")


@pytest.mark.parametrize("label", ["a\nb|c", "<script>alert(1)</script>", "a b", "../up"])
def test_labels_read_from_files_obey_the_label_rule(tmp_path: Path, label: str) -> None:
    folder = fixture_copy(tmp_path)
    path = crafted(folder, "label.json", lambda data: data["interpreter"].update(label=label))
    done = report(folder, tmp_path / "out")
    assert_skipped_in_one_line(done, path, "interpreter.label")
    assert sorted(p.name for p in (tmp_path / "out" / "pyperf").iterdir()) == ["3.13.json", "3.13t.json", "pypy3.json"]


def test_a_report_is_written_as_a_whole_set_or_not_at_all(tmp_path: Path) -> None:
    """One output that cannot be written (a folder stands where report.tex goes) leaves no other output."""
    out = tmp_path / "out"
    (out / "report.tex").mkdir(parents=True)
    done = run_bench("report", str(FIXTURE), "--out", str(out), "--format", "markdown,html,csv,rst,latex,pyperf")
    assert done.returncode == EXIT_USAGE and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "report.tex" in done.stderr
    assert sorted(path.name for path in out.iterdir()) == ["report.tex"]  # nothing else, no staging folder


# --- row 8: Markdown escaping ----------------------------------------------------------------


HOSTILE = "<script>alert(1)</script>\n# injected heading\n<img src=x onerror=alert(1)> ![i](http://t.example/x.png)"


def test_markdown_shows_hostile_text_as_text() -> None:
    shown = markdown_block(HOSTILE)
    assert "\n" not in shown and "<script" not in shown and "<img" not in shown and "](" not in shown
    assert markdown_block("# heading").startswith("\\#") and markdown_block("1. item") == "1\\. item"
    assert markdown_block("p < 0.01, 1.23x [1.00-1.05]") == "p < 0.01, 1.23x [1.00-1.05]"  # ordinary text unchanged
    assert markdown_block("see `<b>`") == "see `<b>`"  # inside a code span Markdown shows it as it is


def test_hostile_host_and_workload_names_and_reasons_stay_text_in_every_markdown_file(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["machine"]["hostname"] = HOSTILE
        cell = data["cells"][0]
        cell.update(status="failed", reason=HOSTILE, runs=[])

    folder = fixture_copy(tmp_path)
    crafted(folder, "hostile.json", change)
    done = report(folder, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    for name in ("report.md", "answer.md"):
        text = (tmp_path / "out" / name).read_text()
        assert "<script" not in text and "<img" not in text and "](http://t.example" not in text, name
        assert not any(line.startswith("# injected") for line in text.splitlines()), name
    assert "onerror" in (tmp_path / "out" / "report.md").read_text()  # shown, as text


# --- row 9: pyperf file names ----------------------------------------------------------------


def test_every_column_gets_its_own_pyperf_file() -> None:
    assert distinct_file_names(["a b", "a_b", "a\tb", "A_B"]) == ["a_b", "a_b-2", "a_b-3", "A_B-4"]


def test_columns_whose_names_mend_alike_keep_a_pyperf_file_each(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    for name, host in (("one.json", "host a"), ("two.json", "host_a")):
        data = json.loads((FIXTURE / "3.13.json").read_text())
        data["machine"]["hostname"] = host
        (folder / name).write_text(json.dumps(data))
    done = report(folder, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out" / "pyperf").iterdir())) == 2


# --- row 10: SIGHUP and a double SIGTERM -------------------------------------------------------


@pytest.mark.parametrize(
    ("signals", "gap_s"),
    [([signal.SIGHUP], 0.0), ([signal.SIGTERM, signal.SIGTERM], 0.02), ([signal.SIGTERM, signal.SIGTERM], 0.12)],
    ids=["sighup", "double-term-20ms", "double-term-120ms"],
)
def test_hangup_and_a_second_term_end_like_ctrl_c(tmp_path: Path, signals: list[int], gap_s: float) -> None:
    out = tmp_path / "r.json"
    args = ["--workloads", "sleep=0.02", "--executors", "serial,threads", "--workers", "2", "--load", "4"]
    process = start_run(tmp_path, out, *args, "--warmup", "0", "--repeat", "300")
    wait_for(lambda: out.exists() and len(json.loads(out.read_text() or "{}").get("cells", [])) == 2, what="2 cells")
    for number, signum in enumerate(signals):
        if number:
            time.sleep(gap_s)
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, stderr
    document = json.loads(out.read_text())
    assert document["interrupted"] is True
    assert all(cell["status"] == "interrupted" and cell["runs"] for cell in document["cells"])  # cut, rounds kept
    assert not (tmp_path / ".r.json.lock").exists()
    assert "Traceback" not in stderr


def test_a_stop_signal_during_a_fork_stops_the_run_cleanly(tmp_path: Path) -> None:
    """A SIGINT that comes while the runner forks a cell (here: sent from inside a fork hook, where CPython would
    swallow its KeyboardInterrupt and print a traceback) is held until the fork is done, then stops the run."""
    out = tmp_path / "r.json"
    args = ["--workloads", "tests.guest.forkhook:noop", "--executors", "serial", "--load", "2", "--repeat", "300"]
    done = run_bench("run", *args, "--warmup", "0", "--out", str(out), timeout=120)
    assert done.returncode == EXIT_INTERRUPTED, done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr  # held over the fork, not lost
    document = json.loads(out.read_text())
    assert document["interrupted"] is True and len(document["cells"][0]["runs"]) < 300


# --- row 1: a build stopped by a signal ------------------------------------------------------


def fake_source(cache: Path, version: str, configure_exit: int = 0) -> None:
    """A real tar.xz of a "CPython" whose configure exits with ``configure_exit`` and whose make runs two jobs
    of five minutes each."""
    source = cache / "build-src" / f"Python-{version}"
    source.mkdir(parents=True)
    (source / "configure").write_text(f"#!/bin/sh\nexit {configure_exit}\n")
    (source / "configure").chmod(0o755)
    (source / "Makefile").write_text("all: a b\na:\n\tsleep 300\nb:\n\tsleep 300\n")
    sources = cache / "sources"
    sources.mkdir()
    tarball = sources / f"Python-{version}.tar.xz"
    with tarfile.open(tarball, "w:xz") as archive:
        archive.add(source, arcname=source.name)
    meta = {"file": tarball.name, "version": version, "origin": "a test", "sha256": "0" * 64}
    (sources / f"Python-{version}.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_build_stopped_by_a_signal_leaves_nothing_compiling_and_no_partial_build(tmp_path: Path, signum: int) -> None:
    cache = tmp_path / "cache"
    fake_source(cache, "3.15.0")
    env = {**os.environ, "GILBENCH_CACHE_DIR": str(cache), "UV_PYTHON_INSTALL_DIR": str(tmp_path / "no-uv")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", "provision", "3.15t"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sleeping: set[int] = set()

    def making() -> bool:
        nonlocal sleeping
        sleeping = {pid for pid in descendants(process.pid) if _command(pid).startswith("sleep")}
        return len(sleeping) == 2

    wait_for(making, 120, "make's two jobs")
    everything = descendants(process.pid)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, stderr
    assert stderr.strip().splitlines()[-1] == "gilbench: interrupted" and "Traceback" not in stderr
    wait_for(lambda: not any(running(pid) for pid in everything), 10, "the end of make and its jobs")
    assert list((cache / "pythons").glob(".build-*")) == []


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --- rows 11-13: an unprivileged user ---------------------------------------------------------


SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.fixture
def unprivileged(tmp_path: Path) -> Iterator[tuple[int, int, Path]]:
    """(uid, gid, a copy of the checkout it can read) of a system user this test creates and removes again;
    skipped, with the reason, where no user can be created (not root, no ``useradd``) or no system Python
    outside /root (which only root may enter) can be run by it."""
    if os.geteuid() != 0 or shutil.which("useradd") is None or shutil.which("userdel") is None:
        pytest.skip("creating a user needs root and useradd/userdel")
    if not SYSTEM_PYTHON.exists():
        pytest.skip(f"no {SYSTEM_PYTHON} for another user to run")
    name = f"gilbench-{os.getpid() % 100000}"
    made = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot create a user here: {made.stderr.strip()}")
    user = pwd.getpwnam(name)
    place = Path(tempfile.mkdtemp(prefix="gilbench-user-", dir="/tmp"))  # pytest's own folders are root's alone
    try:
        place.chmod(0o755)
        shutil.copytree(ROOT / "bench", place / "checkout" / "bench", ignore=shutil.ignore_patterns("__pycache__"))
        for path in [place, *place.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield user.pw_uid, user.pw_gid, place
    finally:
        shutil.rmtree(place, ignore_errors=True)
        subprocess.run(["userdel", name], capture_output=True, check=False)


def as_user(user: tuple[int, int, Path], *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    uid, gid, place = user
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(place / "home"), "PYTHONPATH": str(place / "checkout"), **env}
    return subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "bench", *args],
        cwd=cwd,
        env=clean,
        user=uid,
        group=gid,
        extra_groups=[],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_user_in_a_folder_it_cannot_write_gets_one_line(unprivileged: tuple[int, int, Path]) -> None:
    place = unprivileged[2]
    locked = place / "locked"
    locked.mkdir(mode=0o755)  # root's: the test user may read it, not write it
    args = ["run", "--workloads", "cpu=1000", "--executors", "serial", "--load", "1", "--repeat", "1"]
    done = as_user(unprivileged, *args, cwd=locked)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert str(locked / "results") in done.stderr and "GILBENCH_RESULTS_DIR" in done.stderr


def test_an_interpreter_in_a_read_only_cache_is_used_without_a_lock(unprivileged: tuple[int, int, Path]) -> None:
    place = unprivileged[2]
    system_version = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    home = place / "home"
    prefix = home / ".cache" / "gilbench" / "pythons" / f"cpython-{system_version}" / "bin"
    prefix.mkdir(parents=True)
    (prefix / f"python{system_version}").symlink_to(SYSTEM_PYTHON.resolve())
    for path in [home, *home.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755)  # root's: read-only for the test user, home and cache alike
    done = as_user(unprivileged, "provision", system_version, cwd=place)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "[cache]" in done.stdout
    must_write = as_user(unprivileged, "provision", "3.15t", cwd=place)
    assert must_write.returncode == EXIT_USAGE and "Traceback" not in must_write.stderr
    assert "XDG_CACHE_HOME" in must_write.stderr and str(home / ".cache" / "gilbench") in must_write.stderr


def test_a_path_entry_the_user_cannot_read_is_skipped(unprivileged: tuple[int, int, Path]) -> None:
    place = unprivileged[2]
    secret = place / "secret"
    secret.mkdir()
    secret.chmod(0o700)  # root's alone
    done = as_user(unprivileged, "interpreters", "3.11", cwd=place, PATH=f"{secret}:/usr/bin:/bin")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1)


# --- row 14: long names ---------------------------------------------------------------------


@pytest.mark.parametrize("length", [300, 245])
def test_a_file_name_too_long_for_its_temporary_name_is_refused_before_measuring(tmp_path: Path, length: int) -> None:
    out = tmp_path / "deep" / ("r" * (length - 5) + ".json")
    env = {"GILBENCH_RESULTS_DIR": str(tmp_path / "results")}
    args = ["--workloads", "cpu=1000", "--executors", "serial", "--load", "1", "--repeat", "1"]
    done = run_bench("run", *args, "--out", str(out), env=env)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "file name is" in done.stderr
    assert sorted(tmp_path.iterdir()) == []  # nothing made: no folder, no run folder


# --- row 15: a broken cached build ------------------------------------------------------------


def test_a_broken_cached_build_is_named_and_never_silently_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    broken = cache / "pythons" / "cpython-3.13.9" / "bin"
    broken.mkdir(parents=True)
    (broken / "python3.13").write_text("#!/bin/sh\necho 'Fatal Python error: no encodings' >&2\nexit 1\n")
    (broken / "python3.13").chmod(0o755)
    fake_source(cache, "3.13.99", configure_exit=1)  # its rebuild fails at once, offline
    env = {"GILBENCH_CACHE_DIR": str(cache), "UV_PYTHON_INSTALL_DIR": str(tmp_path / "no-uv")}
    done = run_bench("provision", "3.13", env=env)
    said = done.stdout + done.stderr
    assert f"the cached build {broken.parent} is broken" in said
    assert not broken.parent.exists()  # removed, to be built again
    assert done.returncode == EXIT_USAGE and "[pyenv]" not in said and "[PATH]" not in said  # no silent fallback


# --- row 16: a daemonising workload ------------------------------------------------------------


def test_nothing_a_cell_starts_outlives_it_even_a_daemon(tmp_path: Path) -> None:
    pids = tmp_path / "daemons"
    args = ["--workloads", f"tests.guest.faulty:daemonize='{pids}'", "--executors", "serial"]
    done = run_bench("run", *args, "--load", "2", "--repeat", "2", "--warmup", "0", "--out", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    started = [int(line) for line in pids.read_text().split()]
    assert len(started) >= 4
    wait_for(lambda: not any(running(pid) for pid in started), 10, "the end of every daemon")


# --- row 17: the page server under a slow client -------------------------------------------------


@contextlib.contextmanager
def page_server(**settings: Any) -> Iterator[PageServer]:
    server = PageServer(0, 0.0, 1000)
    for key, value in settings.items():
        setattr(server, key, value)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_dripping_client_is_cut_off_and_others_are_served_meanwhile(tmp_path: Path) -> None:
    with page_server(head_timeout_s=2.0) as server:
        host, port = server.server_address[:2]
        drip = socket.create_connection((host, port))
        drip.settimeout(10)
        started = time.monotonic()
        served = []
        closed_after = None
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\n":
            try:
                drip.send(bytes([byte]))
            except OSError:
                closed_after = time.monotonic() - started
                break
            before = time.monotonic()
            with urllib.request.urlopen(server.url, timeout=5) as answer:
                assert len(answer.read()) == 1000
            served.append(time.monotonic() - before)
            time.sleep(0.25)
            drip.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                if drip.recv(1) == b"":  # the server closed it
                    closed_after = time.monotonic() - started
                    break
            drip.setblocking(True)
        assert closed_after is not None and 1.5 <= closed_after <= 6, closed_after
        assert served and max(served) < 1.0, served


def test_connections_past_the_cap_are_closed_with_one_line(capfd: pytest.CaptureFixture[str]) -> None:
    with page_server(max_connections=3) as server:
        host, port = server.server_address[:2]
        idle = [socket.create_connection((host, port)) for _ in range(3)]
        wait_for(lambda: server.open_connections == 3, 10, "three open connections")
        extra = [socket.create_connection((host, port)) for _ in range(2)]
        for connection in extra:
            connection.settimeout(5)
            assert connection.recv(1) == b""  # closed at once
        for connection in idle + extra:
            connection.close()
        wait_for(lambda: server.open_connections == 0, 10, "the connections to end")
        with urllib.request.urlopen(server.url, timeout=5) as answer:
            assert len(answer.read()) == 1000
    lines = [line for line in capfd.readouterr().err.splitlines() if "the cap" in line]
    assert lines == ["page server: 3 connections open, the cap; closing new ones until some end"]


# --- row 18, 20: what the user names -----------------------------------------------------------


def test_a_generator_function_as_a_workload_is_refused_in_one_line() -> None:
    done = run_bench("run", "--workloads", "tests.guest.faulty:generator", "--dry-run")
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip().splitlines() == [
        "gilbench: error: workload 'tests.guest.faulty:generator': 'generator' is a generator function, so calling "
        "it would not run its body; accepted: a plain function that does the task when called"
    ]


def list_sessions(nox: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``nox -l`` on this project's noxfile, started by ``nox`` (a command), as a user would."""
    return subprocess.run(
        [*nox, "-f", str(ROOT / "noxfile.py"), "-l"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("value", [" , ,", ","])
def test_no_interpreter_named_in_gilbench_pythons_is_one_line(value: str) -> None:
    done = list_sessions([sys.executable, "-m", "nox"], {**os.environ, "GILBENCH_PYTHONS": value})
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip().splitlines() == [
        f"gilbench: error: GILBENCH_PYTHONS {value!r}: no interpreter named; expected specs like 3.13,3.13t,pypy3"
    ]


# --- row 21: the README's first command under an externally managed python3 ---------------------


def test_noxw_sets_up_nox_under_an_externally_managed_python(tmp_path: Path) -> None:
    if not SYSTEM_PYTHON.exists():
        pytest.skip(f"no {SYSTEM_PYTHON}")
    managed = list(Path("/usr/lib").glob("python3*/EXTERNALLY-MANAGED"))
    if not managed:
        pytest.skip("this system's python3 is not externally managed")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "GILBENCH_CACHE_DIR": str(tmp_path / "cache")}
    refused = subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "pip", "install", "--dry-run", "nox"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0  # what the README's old first command met here
    for _ in range(2):  # made on the first call, used at once on the second
        done = list_sessions([str(SYSTEM_PYTHON), str(ROOT / "noxw")], env)
        assert done.returncode == 0, done.stderr
        assert "bench" in done.stdout
    assert os.access(ROOT / "noxw", os.X_OK) and stat.S_ISREG((ROOT / "noxw").stat().st_mode)
