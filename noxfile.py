"""gilbench's sessions: provision interpreters, test, lint (and, later, bench and report).

Interpreters are resolved by gilbench, not by nox's own discovery: ``provision``
finds, installs or builds each spec and links the chosen executables into
``$XDG_CACHE_HOME/gilbench/bin``, which this file puts first on ``PATH``.  So
``python="3.13"`` in a session means the interpreter gilbench chose (the GIL
twin of its free-threaded build), not whatever ``python3.13`` comes first.

The interpreter set is ``GILBENCH_PYTHONS`` (comma separated) or the default
``3.13,3.13t,pypy3``; nox's ``-p`` selects a subset of it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))

from bench.cache import link_dir  # noqa: E402  (needs the project on sys.path)
from bench.specs import DEFAULT_SPECS  # noqa: E402

PYTHONS = [
    spec.strip() for spec in os.environ.get("GILBENCH_PYTHONS", ",".join(DEFAULT_SPECS)).split(",") if spec.strip()
]

os.environ["PATH"] = os.pathsep.join([str(link_dir()), os.environ.get("PATH", "")])

nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"
# Deliberate: a spec that cannot be had is reported (by `provision` and in the
# report) rather than failing every other interpreter's session, even with CI
# set.  The `tests` session still fails when `provision` cannot make one.
nox.options.error_on_missing_interpreters = False


def _host_python(session: nox.Session, *args: str) -> None:
    """Run gilbench's host side with the Python that runs nox (it needs no venv)."""
    session.run(sys.executable, "-m", "bench", *args, external=True)


@nox.session(python=False)
def provision(session: nox.Session) -> None:
    """Find, install or build the interpreters (GILBENCH_PYTHONS, or posargs)."""
    _host_python(session, "provision", *(session.posargs or PYTHONS))


@nox.session(python=False)
def interpreters(session: nox.Session) -> None:
    """List the interpreters available now, provisioning nothing."""
    _host_python(session, "interpreters", *(session.posargs or PYTHONS))


@nox.session(python=PYTHONS, requires=["provision"])
def guest_tests(session: nox.Session) -> None:
    """Guest-side tests, run by each measured interpreter itself."""
    session.install("-e", ".", "pytest")
    session.run("python", "-m", "pytest", "tests/guest", *session.posargs)


@nox.session(requires=["guest_tests"])
def tests(session: nox.Session) -> None:
    """Host-side and end-to-end tests (after provisioning and the guest tests)."""
    session.install("-e", ".[test,report]")
    session.run("python", "-m", "pytest", *session.posargs, env={"GILBENCH_REQUIRE_PYTHONS": "1"})


@nox.session(requires=["provision"])
def harness(session: nox.Session) -> None:
    """Benchmarks of gilbench itself: overhead, page server, free-threading not spoiled."""
    from bench.interpreters import find
    from bench.specs import parse_spec

    session.install("-e", ".")
    pythons = []
    for label in PYTHONS:
        found = find(parse_spec(label)).resolved
        if found is not None:
            pythons += ["--python", f"{label}={found.executable}"]
    session.run("python", "benchmarks/harness.py", *pythons)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy over the whole project."""
    session.install("-e", ".[lint,report]", "nox")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
