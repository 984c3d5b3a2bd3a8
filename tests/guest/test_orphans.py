"""Nothing a cell starts outlives it: a subreaper adopts even a double-forked daemon, and the end of the cell kills
every process below it; a cell also ends with its runner, and stale cell folders are swept."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from bench.measure import orphans

DAEMON = (
    "import os, sys, time\n"
    "if os.fork(): sys.exit(0)\n"  # the first child exits: the grandchild is orphaned, in a session of its own
    "os.setsid()\n"
    "f = open(sys.argv[1] + '.tmp', 'w')\n"
    "f.write(str(os.getpid()))\n"
    "f.close()\n"  # closed before the rename: PyPy closes a file only when it is collected
    "os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n"  # the pid appears whole, once the daemon runs
    "time.sleep(60)\n"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a subreaper is Linux's prctl")
def test_a_double_forked_daemon_is_adopted_and_killed_when_the_cell_ends(tmp_path: Path) -> None:
    noted = tmp_path / "daemon.pid"
    script = (
        "import os, subprocess, sys, time\n"
        "from bench.measure import orphans\n"
        "assert orphans.become_subreaper()\n"
        f"subprocess.run([sys.executable, '-c', {DAEMON!r}, {str(noted)!r}], stdout=subprocess.DEVNULL)\n"
        f"while not os.path.exists({str(noted)!r}): time.sleep(0.01)\n"
        "print(orphans.kill_leftovers(), flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    daemon_pid, killed = int(noted.read_text()), int(done.stdout)
    assert killed == 1
    deadline = time.monotonic() + 10
    while _alive(daemon_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(daemon_pid)


def test_a_cell_folder_whose_runner_is_gone_is_swept(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    stale = tmp_path / f"{orphans.FOLDER_PREFIX}{gone.stdout.strip()}-abc"
    mine = tmp_path / f"{orphans.FOLDER_PREFIX}{os.getpid()}-def"
    stale.mkdir()
    mine.mkdir()
    assert orphans.sweep_stale_folders(tmp_path) == [stale]
    assert mine.is_dir() and not stale.exists()


def test_the_run_folder_is_named_after_its_runner() -> None:
    with orphans.run_folder() as folder:
        assert Path(folder).name.startswith(f"{orphans.FOLDER_PREFIX}{os.getpid()}-")
        assert Path(folder).parent == Path(tempfile.gettempdir())


def test_a_forked_cell_drops_the_runners_end_of_the_pipe() -> None:
    pipe = orphans.ParentPipe()
    try:
        pid = os.fork()
        if pid == 0:  # the cell: once it drops the write end, only the runner keeps the pipe open
            read_fd = pipe.in_forked_child()
            os._exit(0 if read_fd == pipe.read_fd else 1)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
    finally:
        pipe.close()
