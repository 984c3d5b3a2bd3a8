"""Shared fixtures: the real interpreters gilbench provisioned, found the way users find them."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # A shell that starts a job in the background (as CI may) sets SIGINT to "ignore"; every child would inherit
    # it and Python would install no KeyboardInterrupt handler, so the Ctrl-C tests could not interrupt anything.
    # With a handler here, children start with the default disposition again (exec resets handled signals).
    signal.signal(signal.SIGINT, signal.default_int_handler)


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/NAME.py`` as a module (the folder is scripts, not a package), to test its parts directly."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_bench(
    *args: str, python: str | Path = sys.executable, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bench ARGS`` from the project root, as a user would."""
    return subprocess.run(
        [str(python), "-m", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def _resolve(label: str) -> Path:
    from bench.provision.discovery import find
    from bench.provision.specs import parse_spec

    search = find(parse_spec(label))
    if search.resolved is None:
        message = f"interpreter {label} is not provisioned ({search.tried()}); run `nox -s provision`"
        if os.environ.get("GILBENCH_REQUIRE_PYTHONS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return search.resolved.executable


@pytest.fixture(scope="session", params=["3.13", "3.13t", "pypy3"])
def default_interpreter(request: pytest.FixtureRequest) -> tuple[str, Path]:
    """Each default interpreter in turn, as (label, executable)."""
    return request.param, _resolve(request.param)


@pytest.fixture(scope="session")
def python_313t() -> Path:
    return _resolve("3.13t")


@pytest.fixture(scope="session")
def python_313() -> Path:
    return _resolve("3.13")


@pytest.fixture(scope="session")
def python_pypy3() -> Path:
    return _resolve("pypy3")
