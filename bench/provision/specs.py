"""Interpreter specs: the short names users type ("3.13t", "pypy3", a path).

A spec says what is wanted; discovery and provisioning find something that
satisfies it, and :meth:`InterpreterSpec.mismatch` decides whether what was
found really is that (a ``python3.13t`` on PATH that turns out to be a GIL
build must be refused, not measured).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SPECS = ("3.13", "3.13t", "pypy3")
"""The interpreters `nox -s bench` and `nox -s provision` use unless told otherwise."""

CPYTHON_MINORS = range(8, 16)
"""CPython 3.8 to 3.15: the versions gilbench knows how to find or build."""

FREE_THREADED_SINCE = 13
PYPY_MINORS = range(7, 12)
"""PyPy implements Python 3.7 to 3.11."""

_CPYTHON = re.compile(r"^(?:python|cpython-?)?3\.(?P<minor>\d+)(?:\.(?P<micro>\d+))?(?P<t>t?)(?P<opt>\+opt)?$")
_PYPY = re.compile(r"^pypy(?P<major>\d)?(?:\.(?P<minor>\d+))?$")

OPTIMIZED_SUFFIX = "+opt"
"""After a CPython spec: an optimized build (``--enable-optimizations --with-lto``, as python.org's and the
distributions' are), built by gilbench beside the plain one if none is found."""
OPTIMIZED_FLAGS = ("--enable-optimizations", "--with-lto")

ACCEPTED = (
    "CPython '3.N' or '3.N.M' (N from 8 to 15), free-threaded '3.Nt' (N >= 13), "
    "either with '+opt' for an optimized (PGO and LTO) build, "
    "'pypy3' or 'pypy3.N' (N from 7 to 11), or an absolute path to a Python interpreter"
)


class SpecError(ValueError):
    """A spec that names no interpreter gilbench can have; the message says what is accepted."""


@dataclass(frozen=True)
class InterpreterSpec:
    """A parsed spec.  ``version`` is the requested prefix: (3, 13) or (3, 13, 5)."""

    text: str
    implementation: str  # "cpython", "pypy" or "path"
    version: tuple[int, ...] = ()
    free_threaded: bool = False
    path: Path | None = None
    optimized: bool = False  # CPython only: built with PGO and LTO (the "+opt" suffix)

    @property
    def label(self) -> str:
        """The name results are filed under: the spec as typed, normalised."""
        if self.implementation == "path":
            return str(self.path)
        suffix = "t" if self.free_threaded else ""
        version = ".".join(str(part) for part in self.version)
        if self.implementation == "pypy":
            return "pypy" + version
        return version + suffix + (OPTIMIZED_SUFFIX if self.optimized else "")

    def link_names(self) -> list[str]:
        """Names of the links gilbench publishes to what it chose: an optimized build gets its own
        (``python3.13t-opt``), so it never stands in for the plain build of the same version, and one named by its
        label (``3.13t+opt``), which nox finds on PATH: its sessions are then named by label (``bench-3.13t+opt``)."""
        if self.optimized:
            return [f"python{self.minor_version}{'t' if self.free_threaded else ''}-opt", self.label]
        return self.executable_names()

    @property
    def minor_version(self) -> str:
        """ "3.13" for any 3.13 spec; empty for a path."""
        return ".".join(str(part) for part in self.version[:2])

    def executable_names(self) -> list[str]:
        """Names under which an interpreter satisfying this spec is installed."""
        if self.implementation == "cpython":
            return [f"python{self.minor_version}{'t' if self.free_threaded else ''}"]
        if self.implementation == "pypy":
            if len(self.version) >= 2:
                return [f"pypy{self.minor_version}"]
            return ["pypy3"]
        return []

    def mismatch(self, facts: dict[str, Any]) -> str | None:
        """Why the interpreter described by ``facts`` does not satisfy this spec, or None."""
        if self.implementation == "path":
            return None
        wanted = self.implementation
        if facts.get("implementation") != wanted:
            return f"asked for {wanted}, got {facts.get('implementation')}"
        have = tuple(facts.get("version_info", ()))
        if have[: len(self.version)] != self.version:
            return f"asked for version {self.label}, got {facts.get('version')}"
        return self._cpython_mismatch(facts) if wanted == "cpython" else None

    def _cpython_mismatch(self, facts: dict[str, Any]) -> str | None:
        """A CPython of the right version: the right build (free-threaded or not, optimized if asked)?"""
        kind = "free-threaded build" if self.free_threaded else "GIL build"
        if bool(facts.get("free_threaded_build")) != self.free_threaded:
            got = "free-threaded build" if facts.get("free_threaded_build") else "GIL build"
            return f"asked for a {kind}, got a {got}"
        if facts.get("python_gil_env") is None and bool(facts.get("gil_enabled")) == self.free_threaded:
            state = "on" if facts.get("gil_enabled") else "off"
            return f"asked for a {kind}, but the GIL is {state} at start"
        build = facts.get("build") or {}
        if self.optimized and not (build.get("pgo") and build.get("lto")):
            return "asked for an optimized build (PGO and LTO), got one built without them"
        return None


def parse_spec(text: str) -> InterpreterSpec:
    """Parse one spec, raising :class:`SpecError` naming the value and what is accepted."""
    raw = text.strip()
    if not raw:
        raise SpecError(f"empty interpreter spec; accepted: {ACCEPTED}")
    if os.sep in raw or raw.startswith("~"):
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = path.resolve()
        if not path.is_file() or not os.access(path, os.X_OK):
            raise SpecError(f"interpreter path {raw!r} is not an executable file")
        return InterpreterSpec(text=raw, implementation="path", path=path)
    lowered = raw.lower()
    cpython = _CPYTHON.match(lowered)
    if cpython:
        minor = int(cpython["minor"])
        free_threaded = cpython["t"] == "t"
        if minor not in CPYTHON_MINORS:
            raise SpecError(f"unknown CPython version in spec {raw!r}; accepted: {ACCEPTED}")
        if free_threaded and minor < FREE_THREADED_SINCE:
            raise SpecError(f"spec {raw!r}: free-threaded builds exist from CPython 3.13 on; accepted: {ACCEPTED}")
        version: tuple[int, ...] = (3, minor)
        if cpython["micro"] is not None:
            version += (int(cpython["micro"]),)
        return InterpreterSpec(
            text=raw,
            implementation="cpython",
            version=version,
            free_threaded=free_threaded,
            optimized=bool(cpython["opt"]),
        )
    pypy = _PYPY.match(lowered)
    if pypy:
        major = int(pypy["major"] or 3)
        if major != 3:
            raise SpecError(f"unknown spec {raw!r}: only PyPy for Python 3 is supported; accepted: {ACCEPTED}")
        if pypy["minor"] is None:
            return InterpreterSpec(text=raw, implementation="pypy", version=(3,))
        minor = int(pypy["minor"])
        if minor not in PYPY_MINORS:
            raise SpecError(f"unknown PyPy version in spec {raw!r}; accepted: {ACCEPTED}")
        return InterpreterSpec(text=raw, implementation="pypy", version=(3, minor))
    raise SpecError(f"unknown interpreter spec {raw!r}; accepted: {ACCEPTED}")


def parse_specs(texts: list[str] | tuple[str, ...]) -> list[InterpreterSpec]:
    """Parse several specs (commas allowed inside one argument), dropping duplicates."""
    specs: list[InterpreterSpec] = []
    for text in texts:
        for part in text.split(","):
            if part.strip():
                spec = parse_spec(part)
                if spec not in specs:
                    specs.append(spec)
    if texts and not specs:  # `provision ''` names nothing: refuse, rather than provision nothing and succeed
        raise SpecError(f"empty interpreter spec {', '.join(map(repr, texts))}; accepted: {ACCEPTED}")
    return specs
