"""Discovery: resolution order, verification against the spec, and the listing command.

The candidates are real interpreters; only their *placement* (a temporary
PATH, a temporary pyenv root, a temporary cache) is arranged by the test, and
one "fake" is a real GIL interpreter installed under a free-threaded name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from bench.provision import discovery as interpreters
from bench.provision.specs import parse_spec
from tests.conftest import run_bench


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache, PATH, pyenv root and uv folder: nothing is found unless the test puts it there."""
    for name in ("cache", "path", "pyenv/versions", "uv"):
        (tmp_path / name).mkdir(parents=True)
    monkeypatch.setenv("GILBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv"))
    return tmp_path


def _place(link: Path, target: Path) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def _host_minor() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_nothing_found_says_where_it_looked(isolated: Path) -> None:
    search = interpreters.find(parse_spec("3.13t"))
    assert search.resolved is None
    assert search.tried() == "nothing found in the gilbench cache, PATH, pyenv or uv"


def test_each_source_is_searched_in_order(isolated: Path, tmp_path: Path) -> None:
    minor = _host_minor()
    spec = parse_spec(minor)
    name = f"python{minor}"
    # Distinct real files (venvs) so deduplication by real path keeps them all.
    venvs = {}
    for where in ("cache", "path", "pyenv", "uv"):
        target = tmp_path / f"venv-{where}"
        venv.EnvBuilder(symlinks=False, with_pip=False).create(target)
        venvs[where] = target / "bin" / "python"
    _place(isolated / "uv" / f"cpython-{minor}.1-linux" / "bin" / name, venvs["uv"])
    _place(isolated / "pyenv" / "versions" / f"{minor}.1" / "bin" / name, venvs["pyenv"])
    _place(isolated / "path" / name, venvs["path"])
    _place(isolated / "cache" / "pythons" / f"cpython-{minor}.1" / "bin" / name, venvs["cache"])
    assert [c.origin for c in interpreters.candidates(spec)] == ["cache", "PATH", "pyenv", "uv"]
    assert interpreters.find(spec).resolved.origin == "cache"  # type: ignore[union-attr]


def test_a_gil_build_under_a_free_threaded_name_is_refused(isolated: Path, python_313: Path) -> None:
    _place(isolated / "path" / "python3.13t", python_313)
    search = interpreters.find(parse_spec("3.13t"))
    assert search.resolved is None
    assert "asked for a free-threaded build, got a GIL build" in search.tried()
    assert "python3.13t (PATH)" in search.tried()


def test_pyenv_shims_are_skipped(isolated: Path, tmp_path: Path) -> None:
    shims = tmp_path / "shims"
    _place(shims / f"python{_host_minor()}", Path(sys.executable).resolve())
    os.environ["PATH"] = str(shims)
    assert interpreters.path_candidates(parse_spec(_host_minor())) == []


def test_not_a_python_is_refused_with_the_reason(isolated: Path, tmp_path: Path) -> None:
    script = tmp_path / "python3.13"
    script.write_text("#!/bin/sh\necho not python >&2\nexit 3\n")
    script.chmod(0o755)
    outcome = interpreters.verify(parse_spec("3.13"), interpreters.Candidate(script, "PATH"))
    assert isinstance(outcome, interpreters.Rejection)
    assert outcome.reason == "is not a working Python interpreter (exited with 3: not python)"


@pytest.mark.slow
def test_default_interpreters_report_their_gil_state(default_interpreter: tuple[str, Path]) -> None:
    """Integration: each default spec resolves and a snippet run under it reports the GIL state."""
    label, executable = default_interpreter
    snippet = (
        "import sys, sysconfig; print(sysconfig.get_config_var('Py_GIL_DISABLED') == 1, "
        "getattr(sys, '_is_gil_enabled', lambda: True)(), sys.implementation.name)"
    )
    out = subprocess.run([str(executable), "-c", snippet], capture_output=True, text=True, check=True).stdout.split()
    expected = {
        "3.13": ["False", "True", "cpython"],
        "3.13t": ["True", "False", "cpython"],
        "pypy3": ["False", "True", "pypy"],
    }
    assert out == expected[label]


@pytest.mark.slow
def test_interpreters_command_lists_the_defaults_with_their_gil_status() -> None:
    done = run_bench("interpreters")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("3.13 ") and "GIL build" in lines[0]
    assert lines[1].startswith("3.13t ") and "free-threaded build, GIL off" in lines[1]
    assert lines[2].startswith("pypy3 ") and "PyPy 3.9" in lines[2]


def test_twin_is_preferred_for_a_plain_spec(python_313: Path, python_313t: Path) -> None:
    """When gilbench built 3.13t, the plain 3.13 resolves to its twin from the same tarball."""
    ft = interpreters.probe(python_313t)["build"].get("gilbench_build")
    gil = interpreters.probe(python_313)["build"].get("gilbench_build")
    if ft is None:
        pytest.skip("3.13t was not built by gilbench on this machine (found elsewhere)")
    assert gil is not None, f"3.13 resolved to {python_313}, not the twin of {python_313t}"
    assert gil["source_sha256"] == ft["source_sha256"]
    assert [arg for arg in ft["configure_args"] if arg != "--disable-gil"][1:] == gil["configure_args"][1:]
