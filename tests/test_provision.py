"""Provisioning: the command's lines, its refusals, its cache, and its build safety."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.provision import builds, cache, sources
from bench.provision.provisioner import provision_order
from bench.provision.specs import parse_specs
from tests.conftest import run_bench


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("3.99t", "'3.99t'"),
        ("jython", "'jython'"),
        ("pypy2", "'pypy2'"),
    ],
)
def test_bad_specs_get_one_line_and_exit_2(spec: str, fragment: str) -> None:
    line = _one_line_error(run_bench("provision", spec))
    assert line.startswith("gilbench: error: ")
    assert fragment in line


def test_a_path_that_is_not_executable_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "python3"
    data.write_text("not a program")
    line = _one_line_error(run_bench("provision", str(data)))
    assert line == f"gilbench: error: interpreter path '{data}' is not an executable file"


def test_a_path_that_is_not_python_is_refused(tmp_path: Path) -> None:
    line = _one_line_error(run_bench("provision", "/bin/ls", env={"GILBENCH_CACHE_DIR": str(tmp_path)}))
    assert line.startswith("gilbench: error: cannot provision '/bin/ls'")
    assert "is not a working Python interpreter" in line


def test_a_spec_that_cannot_be_had_offline_names_what_was_tried(tmp_path: Path) -> None:
    """pypy3.10: no uv download here, system packages forbidden: one line naming the spec and routes."""
    env = {"GILBENCH_CACHE_DIR": str(tmp_path), "GILBENCH_SYSTEM_PACKAGES": "0", "PATH": "/usr/bin:/bin"}
    line = _one_line_error(run_bench("provision", "pypy3.10", env=env, timeout=120))
    assert line.startswith("gilbench: error: cannot provision 'pypy3.10'")
    assert "uv: uv is not installed" in line
    assert "apt-get: installing system packages needs root" in line
    assert "uv python install pypy3.10" in line


def test_free_threaded_specs_are_provisioned_first() -> None:
    order = provision_order(parse_specs(["3.13", "pypy3", "3.13t", "3.14t"]))
    assert [spec.label for spec in order] == ["3.13t", "3.14t", "3.13", "pypy3"]


def test_debian_mirror_is_read_from_apt_configuration(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text("# nothing here\n")
    (tmp_path / "sources.list.d" / "other.list").write_text(
        "deb [arch=amd64] https://example.invalid/apt cloud-sdk-bookworm main\n"
    )
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example.invalid/debian/\nSuites: bookworm bookworm-updates\n"
        "Components: main\n\nTypes: deb\nURIs: http://mirror.example.invalid/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n"
    )
    os_release = tmp_path / "os-release"
    os_release.write_text("ID=debian\nVERSION_CODENAME=bookworm\n")
    assert sources.debian_mirror(tmp_path, os_release) == "http://mirror.example.invalid/debian"
    (tmp_path / "sources.list.d" / "debian.sources").unlink()
    assert sources.debian_mirror(tmp_path, os_release) is None


def test_one_line_sources_list_is_understood(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb [signed-by=/k.gpg] http://m.example.invalid/debian bookworm main\n")
    os_release = tmp_path / "os-release"
    os_release.write_text("VERSION_CODENAME=bookworm\n")
    assert sources.debian_mirror(tmp_path, os_release) == "http://m.example.invalid/debian"


def test_cached_tarball_picks_the_newest_matching_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GILBENCH_CACHE_DIR", str(tmp_path))
    root = cache.sources_dir()
    root.mkdir(parents=True)
    for version in ("3.13.4", "3.13.5", "3.12.9"):
        (root / f"Python-{version}.tar.xz").write_bytes(version.encode())
        (root / f"Python-{version}.json").write_text(
            json.dumps({"file": f"Python-{version}.tar.xz", "version": version, "origin": "test", "sha256": "x"})
        )
    assert sources.cached_tarball((3, 13)).version == "3.13.5"  # type: ignore[union-attr]
    assert sources.cached_tarball((3, 13, 4)).version == "3.13.4"  # type: ignore[union-attr]
    assert sources.cached_tarball((3, 14)) is None


def test_missing_build_dependencies_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no compiler, no make
    assert builds.missing_build_dependencies() == ["gcc", "make", "libffi-dev", "libssl-dev", "zlib1g-dev"]


def test_build_dependencies_are_present_here() -> None:
    if shutil.which("gcc") is None:
        pytest.skip("no C compiler on this machine")
    assert builds.missing_build_dependencies() == []


def test_stale_build_folders_are_invisible_and_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed half-way leaves a hidden folder that discovery ignores and the next run deletes."""
    monkeypatch.setenv("GILBENCH_CACHE_DIR", str(tmp_path))
    leftover = cache.pythons_dir() / ".build-cpython-3.13.5t-abc" / "stage" / "bin"
    leftover.mkdir(parents=True)
    (leftover / "python3.13t").symlink_to(sys.executable)
    from bench.provision.discovery import cache_candidates
    from bench.provision.specs import parse_spec

    assert cache_candidates(parse_spec("3.13t")) == []
    builds.remove_stale_builds()
    assert not leftover.exists()


def test_configure_arguments_differ_only_in_disable_gil(tmp_path: Path) -> None:
    ft = builds.configure_args(builds.BuildRequest("3.13.5", True), tmp_path)
    gil = builds.configure_args(builds.BuildRequest("3.13.5", False), tmp_path)
    assert [arg for arg in ft if arg != "--disable-gil"] == gil
    assert "--disable-gil" in ft


def test_an_optimized_pair_adds_pgo_and_lto_and_is_cached_apart(tmp_path: Path) -> None:
    ft = builds.configure_args(builds.BuildRequest("3.13.5", True, optimized=True), tmp_path)
    gil = builds.configure_args(builds.BuildRequest("3.13.5", False, optimized=True), tmp_path)
    assert [arg for arg in ft if arg != "--disable-gil"] == gil
    assert {"--enable-optimizations", "--with-lto"} <= set(gil)
    plain = builds.configure_args(builds.BuildRequest("3.13.5", False), tmp_path)
    assert not {"--enable-optimizations", "--with-lto"} & set(plain)
    assert builds.BuildRequest("3.13.5", True, optimized=True).name == "cpython-3.13.5t-opt"


def test_plain_and_optimized_builds_never_stand_in_for_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both in the cache: ``3.13`` finds only the plain build (the twin of 3.13t), ``3.13+opt`` only the other."""
    from bench.provision.discovery import cache_candidates
    from bench.provision.specs import parse_spec

    monkeypatch.setenv("GILBENCH_CACHE_DIR", str(tmp_path))
    for folder in ("cpython-3.13.5", "cpython-3.13.5-opt"):
        bin_dir = cache.pythons_dir() / folder / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "python3.13").symlink_to(sys.executable)
    plain = [c.executable.parent.parent.name for c in cache_candidates(parse_spec("3.13"))]
    optimized = [c.executable.parent.parent.name for c in cache_candidates(parse_spec("3.13+opt"))]
    assert (plain, optimized) == (["cpython-3.13.5"], ["cpython-3.13.5-opt"])


@pytest.mark.slow
def test_second_provisioning_is_fast_and_concurrent_runs_agree(python_313t: Path) -> None:
    """With the cache warm, two provisioning runs at once both succeed quickly (file lock, no corruption)."""
    started = time.monotonic()
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench", "provision"],
            cwd=Path(__file__).parent.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    for stdout, _ in outputs:
        assert "provisioned 3 of 3" in stdout
        assert "built now" not in stdout and "installed now" not in stdout
    # Not a timing assertion on a noisy machine, only a guard against rebuilding: a build takes minutes.
    assert time.monotonic() - started < 120


def test_links_point_at_real_interpreters_even_with_the_link_folder_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The noxfile puts gilbench's link folder first on PATH; provisioning again must not link a link to itself."""
    monkeypatch.setenv("GILBENCH_CACHE_DIR", str(tmp_path / "cache"))
    links = cache.link_dir()
    real = Path(sys.executable).resolve()
    name = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    monkeypatch.setenv("PATH", f"{links}{os.pathsep}{real.parent}")
    spec = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for _ in range(2):
        done = run_bench(
            "provision",
            spec,
            env={"GILBENCH_CACHE_DIR": str(tmp_path / "cache"), "PATH": f"{links}{os.pathsep}{real.parent}"},
        )
        assert done.returncode == 0, done.stderr
    link = links / name
    assert link.is_symlink()
    assert link.resolve().parent != links.resolve()
    assert link.resolve().is_file()


def test_an_optimized_spec_is_given_to_nox_as_its_label_the_name_of_its_own_link() -> None:
    """nox finds '3.13+opt' as the link gilbench publishes under that name on PATH: the session is named by label,
    beside plain 3.13's, never by a path in the cache."""
    from tests.test_hostile import list_sessions

    env = {**os.environ, "GILBENCH_PYTHONS": "3.13,opt=3.13+opt"}
    done = list_sessions([sys.executable, "-m", "nox"], env)
    assert done.returncode == 0, done.stderr
    sessions = [line.split()[1] for line in done.stdout.splitlines() if line[:2] in ("* ", "- ")]
    assert "bench-3.13" in sessions and "bench-3.13+opt" in sessions
    assert not any(str(cache.link_dir()) in name for name in sessions)
