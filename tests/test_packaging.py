"""Packaging: the setuptools floor pyproject.toml declares really builds gilbench, and what the wheel carries."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def setuptools_floor() -> str:
    """The version after ``setuptools>=`` in the build requirements (the one a user's pip may pick)."""
    requirement = next(item for item in PYPROJECT["build-system"]["requires"] if item.startswith("setuptools"))
    found = re.fullmatch(r"setuptools>=([\d.]+)", requirement)
    assert found, f"the setuptools requirement {requirement!r} has no >= floor"
    return found.group(1)


@pytest.mark.slow
def test_the_declared_setuptools_floor_builds_the_wheel(tmp_path: Path) -> None:
    """Built with exactly the floor (not the newest setuptools): an older one fails on ``license = "MIT"``."""
    env_dir = tmp_path / "floor"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    floor = setuptools_floor()
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"setuptools=={floor}", "wheel"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if install.returncode != 0 and "No matching distribution" in install.stderr:
        pytest.skip(f"setuptools=={floor} cannot be had here: {install.stderr.strip().splitlines()[-1]}")
    assert install.returncode == 0, install.stderr
    built = subprocess.run(
        [str(python), "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("gilbench-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.rsplit("/", 1)[0].replace("/", ".") for name in names if name.endswith("/__init__.py")}
    assert set(PYPROJECT["tool"]["setuptools"]["packages"]) == packages
    assert any(name.endswith("licenses/LICENSE") for name in names), names


def test_every_package_of_bench_is_listed_for_setuptools() -> None:
    """A new package under ``bench/`` missing from the list would be left out of every installed copy."""
    on_disk = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "bench").rglob("__init__.py")}
    assert set(PYPROJECT["tool"]["setuptools"]["packages"]) == on_disk


def test_lint_tools_are_pinned_once() -> None:
    """ruff and mypy (and the stubs mypy reads) are pinned with ==, in pyproject.toml's lint extra only."""
    lint = PYPROJECT["project"]["optional-dependencies"]["lint"]
    assert lint and all("==" in requirement for requirement in lint), lint
    noxfile = (ROOT / "noxfile.py").read_text()
    assert not re.search(r"\b(ruff|mypy)[=<>]=", noxfile)


def test_the_license_file_is_the_declared_license() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_console_script_runs_the_same_commands_and_names_itself() -> None:
    """`gilbench` is `python -m bench` under another name: errors and --help say which one was typed."""
    script = Path(sys.executable).parent / "gilbench"
    if not script.is_file():
        pytest.skip("gilbench is not installed in this environment (nox -s tests installs it)")
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("gilbench ")
    bad = subprocess.run([str(script), "run", "--load", "0"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("gilbench: error: ")
    assert "Traceback" not in bad.stderr
