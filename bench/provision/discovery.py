"""Find interpreters that are already on this machine, and verify them.

Resolution order for a spec (the first candidate that passes verification wins):

1. gilbench's own cache (``$XDG_CACHE_HOME/gilbench/pythons``), so a plain
   ``3.13`` prefers the GIL twin built from the same tarball as ``3.13t``;
2. ``PATH`` (pyenv's shims are skipped: they only run the *active* version);
3. every installed pyenv version, not only the active one;
4. uv-managed interpreters.

Every candidate is run once with ``introspect.py`` and compared with the spec,
so a ``python3.13t`` that is really a GIL build is refused with both values
named instead of being measured.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.provision import cache
from bench.provision.specs import InterpreterSpec

INTROSPECT_SCRIPT = Path(__file__).resolve().parent.parent / "measure" / "introspect.py"
"""Run as a script (``python -I introspect.py``), never imported: the same facts the runner records."""
PROBE_TIMEOUT_S = 30.0


@dataclass
class Candidate:
    """An executable that might satisfy a spec, and where it was found."""

    executable: Path
    origin: str  # "cache", "PATH", "pyenv", "uv", "path", or how it was provisioned


@dataclass
class Resolved:
    """An interpreter that satisfies a spec, with the facts that proved it."""

    spec: InterpreterSpec
    executable: Path
    origin: str
    facts: dict[str, Any]
    seconds: float | None = None  # time spent provisioning it now, if it was

    def describe(self) -> str:
        """One line: what it resolved to, and how."""
        facts = self.facts
        if facts.get("free_threaded_build"):
            build = "free-threaded build, GIL " + ("on" if facts.get("gil_enabled") else "off")
        else:
            build = "GIL build"
        name = {"cpython": "CPython", "pypy": "PyPy"}.get(facts["implementation"], facts["implementation"])
        how = self.origin
        if self.seconds is not None:
            how += f" in {format_seconds(self.seconds)}"
        return f"{self.spec.label:<8} {self.executable}  {name} {facts['version']}, {build}  [{how}]"


NOT_WORKING = "is not a working Python interpreter"


@dataclass
class Rejection:
    candidate: Candidate
    reason: str

    @property
    def broken(self) -> bool:
        """It did not run at all (a damaged build), as opposed to running and being another version or build."""
        return self.reason.startswith(NOT_WORKING)


@dataclass
class Search:
    """The outcome of looking for one spec: what was found and what was refused."""

    spec: InterpreterSpec
    resolved: Resolved | None = None
    rejected: list[Rejection] = field(default_factory=list)

    def tried(self) -> str:
        if not self.rejected:
            return "nothing found in the gilbench cache, PATH, pyenv or uv"
        return "; ".join(f"{r.candidate.executable} ({r.candidate.origin}): {r.reason}" for r in self.rejected)


def format_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"


def probe(executable: Path) -> dict[str, Any]:
    """Run ``introspect.py`` under ``executable`` and return its facts.

    ``-I`` keeps the user's site-packages and PYTHON* variables out, except
    PYTHON_GIL which we pass on purpose so a forced GIL shows up as such.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    if "PYTHON_GIL" in os.environ:
        env["PYTHON_GIL"] = os.environ["PYTHON_GIL"]
    completed = subprocess.run(
        [str(executable), "-I", str(INTROSPECT_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_S,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"exited with {completed.returncode}: {last}")
    try:
        facts: dict[str, Any] = json.loads(completed.stdout)
    except ValueError as exc:
        raise RuntimeError(f"printed something that is not interpreter facts: {exc}") from exc
    problem = _facts_problem(facts)
    if problem:
        raise RuntimeError(f"printed something that is not interpreter facts ({problem})")
    return facts


FACT_TYPES: dict[str, tuple[type, ...]] = {
    "implementation": (str,),
    "version": (str,),
    "version_info": (list,),
    "free_threaded_build": (bool,),
    "gil_enabled": (bool, type(None)),
}
"""What gilbench reads of a probed interpreter: anything else answering (a script printing ``{}``) is refused."""


def _facts_problem(facts: object) -> str | None:
    if not isinstance(facts, dict):
        return f"expected an object, got {type(facts).__name__}"
    for key, types in FACT_TYPES.items():
        if key not in facts:
            return f"no {key!r}"
        if not isinstance(facts[key], types):
            return f"{key!r} is {facts[key]!r}"
    return None


def verify(spec: InterpreterSpec, candidate: Candidate) -> Resolved | Rejection:
    """Run the candidate and check it is what the spec asks for."""
    try:
        facts = probe(candidate.executable)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return Rejection(candidate, f"{NOT_WORKING} ({exc})")
    reason = spec.mismatch(facts)
    if reason:
        return Rejection(candidate, reason)
    return Resolved(spec, candidate.executable, candidate.origin, facts)


_VERSION_DIR = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def _version_key(name: str) -> tuple[int, ...]:
    found = _VERSION_DIR.search(name)
    if not found:
        return ()
    return tuple(int(part) for part in found.groups() if part is not None)


def _newest_first(paths: list[Path]) -> list[Path]:
    return sorted(paths, key=lambda path: _version_key(path.name), reverse=True)


def _runnable(executable: Path) -> bool:
    """An executable file; a place this user may not look into (``PATH=/secret:...``) holds none, not an error."""
    try:
        return executable.is_file() and os.access(executable, os.X_OK)
    except OSError:
        return False


def _subfolders(root: Path) -> list[Path]:
    """The folders in ``root``; none where it is missing or cannot be read."""
    try:
        return [path for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")]
    except OSError:
        return []


def _executables_in(prefixes: list[Path], spec: InterpreterSpec, origin: str) -> list[Candidate]:
    found = []
    for prefix in _newest_first(prefixes):
        for name in spec.executable_names():
            executable = prefix / "bin" / name
            if _runnable(executable):
                found.append(Candidate(executable, origin))
    return found


OPTIMIZED_FOLDER_SUFFIX = "-opt"
"""gilbench's optimized builds sit beside the plain ones, in ``cpython-3.13.5t-opt``."""


def cache_candidates(spec: InterpreterSpec) -> list[Candidate]:
    """gilbench's own builds: the optimized ones for an optimized spec, the plain ones otherwise (never each
    other's stand-in: 3.13 must stay the twin of 3.13t)."""
    folders = [
        f for f in _subfolders(cache.pythons_dir()) if f.name.endswith(OPTIMIZED_FOLDER_SUFFIX) == spec.optimized
    ]
    return _executables_in(folders, spec, "cache")


def path_candidates(spec: InterpreterSpec) -> list[Candidate]:
    found = []
    own_links = cache.link_dir().resolve()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or os.path.basename(directory.rstrip("/")) == "shims":
            continue  # pyenv shims run only the active version; pyenv is searched below
        try:
            if Path(directory).resolve() == own_links:
                continue  # gilbench's own links (put on PATH by the noxfile) point at what was resolved before
        except OSError:
            continue
        for name in spec.executable_names():
            executable = Path(directory) / name
            if _runnable(executable):
                found.append(Candidate(executable, "PATH"))
    return found


def pyenv_root() -> Path | None:
    root = os.environ.get("PYENV_ROOT")
    if root:
        return Path(root)
    pyenv = shutil.which("pyenv")
    default = Path.home() / ".pyenv"
    if _subfolders(default):
        return default
    if pyenv:
        completed = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if completed.returncode == 0 and completed.stdout.strip():
            return Path(completed.stdout.strip())
    return None


def pyenv_candidates(spec: InterpreterSpec) -> list[Candidate]:
    root = pyenv_root()
    versions = root / "versions" if root else None
    return _executables_in(_subfolders(versions), spec, "pyenv") if versions else []


def uv_python_dir() -> Path:
    """uv's managed-interpreter folder, read without running uv (it is fast and quiet)."""
    override = os.environ.get("UV_PYTHON_INSTALL_DIR")
    if override:
        return Path(override)
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "uv" / "python"


def uv_candidates(spec: InterpreterSpec) -> list[Candidate]:
    return _executables_in(_subfolders(uv_python_dir()), spec, "uv")


def candidates(spec: InterpreterSpec) -> list[Candidate]:
    """Every place an interpreter for ``spec`` may already be, in resolution order."""
    if spec.path is not None:
        return [Candidate(spec.path, "path")]
    ordered: list[Candidate] = []
    seen: set[Path] = set()
    for source in (cache_candidates, path_candidates, pyenv_candidates, uv_candidates):
        for candidate in source(spec):
            real = candidate.executable.resolve()
            if real not in seen:
                seen.add(real)
                ordered.append(candidate)
    return ordered


def find(spec: InterpreterSpec) -> Search:
    """Look for ``spec`` among what is installed, without provisioning anything."""
    search = Search(spec)
    for candidate in candidates(spec):
        outcome = verify(spec, candidate)
        if isinstance(outcome, Resolved):
            search.resolved = outcome
            return search
        search.rejected.append(outcome)
    return search
