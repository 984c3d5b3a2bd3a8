"""Make interpreters available: find them, else install them, else build them.

After :func:`bench.interpreters.find` comes up empty, a spec is provisioned by
``uv python install`` (when uv is installed and its download site answers),
then by building CPython from source into the cache, or for PyPy by the
system package manager.  Every route ends with the same verification as
discovery, so what is provisioned is what was asked for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.provision import builds, cache
from bench.provision.discovery import Candidate, Resolved, Search, find, format_seconds, verify
from bench.provision.specs import OPTIMIZED_SUFFIX, InterpreterSpec
from bench.provision.system_packages import apt_install, system_packages_allowed

UV_TIMEOUT_S = 300.0


class ProvisionError(RuntimeError):
    """A spec that could not be had; the message names it, what was tried and how to fix it."""


def _say(message: str) -> None:
    print(f"  {message}", flush=True)


def uv_request(spec: InterpreterSpec) -> str:
    """The request uv understands for a spec: '3.13t', 'pypy3.10', 'pypy' (uv's CPythons are built with PGO and
    LTO, so '3.13+opt' asks for '3.13', and the found interpreter is checked for both)."""
    if spec.implementation == "pypy":
        return spec.label if len(spec.version) >= 2 else "pypy"
    return spec.label.removesuffix(OPTIMIZED_SUFFIX)


def uv_install(spec: InterpreterSpec) -> str:
    """Run ``uv python install``; fail in seconds, not minutes, when there is no network."""
    uv = shutil.which("uv")
    if uv is None:
        raise ProvisionError("uv is not installed")
    env = {
        **os.environ,
        "UV_PYTHON_INSTALL_BIN": "0",  # do not put pythonX.Y shims in ~/.local/bin
        "UV_HTTP_RETRIES": "0",
        "UV_HTTP_TIMEOUT": "15",
    }
    try:
        completed = subprocess.run(
            [uv, "python", "install", uv_request(spec)],
            capture_output=True,
            text=True,
            env=env,
            timeout=UV_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ProvisionError(f"uv python install {uv_request(spec)} took over {UV_TIMEOUT_S:.0f}s") from exc
    if completed.returncode != 0:
        lines = [line.strip() for line in completed.stderr.splitlines() if line.strip()]
        raise ProvisionError(f"uv python install failed: {lines[-1] if lines else completed.returncode}")
    return "installed now with uv"


def apt_install_pypy(spec: InterpreterSpec) -> str:
    if not system_packages_allowed():
        raise ProvisionError(
            "installing system packages needs root and apt-get (or GILBENCH_SYSTEM_PACKAGES=0 forbids it)"
        )
    cache.logs_dir().mkdir(parents=True, exist_ok=True)
    log = cache.logs_dir() / f"apt-pypy-{time.strftime('%Y%m%d-%H%M%S')}.log"
    _say("installing pypy3 and pypy3-venv with apt-get")
    if not apt_install(["pypy3", "pypy3-venv"], log):
        raise ProvisionError(f"apt-get install pypy3 pypy3-venv failed; log: {log}")
    return "installed now with apt-get"


def _found_after(spec: InterpreterSpec, origin: str, started: float) -> Resolved | None:
    search = find(spec)
    if search.resolved is not None:
        search.resolved.origin = origin
        search.resolved.seconds = time.monotonic() - started
    return search.resolved


def _routes(spec: InterpreterSpec) -> list[tuple[str, Callable[[], Resolved | None]]]:
    """The ways to obtain ``spec``, in order; each returns the verified interpreter or None."""

    def via_uv() -> Resolved | None:
        started = time.monotonic()
        return _found_after(spec, uv_install(spec), started)

    def via_build() -> Resolved | None:
        started = time.monotonic()
        try:
            executable = builds.build_cpython(spec, _say)
        except builds.BuildError as exc:
            raise ProvisionError(str(exc)) from exc
        outcome = verify(spec, Candidate(executable, "built now from source"))
        if isinstance(outcome, Resolved):
            outcome.seconds = time.monotonic() - started
            return outcome
        raise ProvisionError(f"the build does not satisfy the spec: {outcome.reason}")

    def via_apt() -> Resolved | None:
        started = time.monotonic()
        return _found_after(spec, apt_install_pypy(spec), started)

    routes: list[tuple[str, Callable[[], Resolved | None]]] = [("uv", via_uv)]
    if spec.implementation == "cpython":
        routes.append(("source build", via_build))
    elif spec.implementation == "pypy":
        routes.append(("apt-get", via_apt))
    return routes


def how_to_fix(spec: InterpreterSpec) -> str:
    if spec.implementation == "pypy":
        return (
            f"install one with 'uv python install {uv_request(spec)}' or 'apt-get install pypy3 pypy3-venv', "
            "or pass its path"
        )
    if spec.implementation == "cpython":
        wanted = uv_request(spec)
        return f"install one with 'uv python install {wanted}' or 'pyenv install {wanted}', or pass its path"
    return "pass the path of a working Python interpreter"


def provision_one(spec: InterpreterSpec) -> Resolved:
    """Find or make an interpreter for ``spec``; raise :class:`ProvisionError` with what was tried."""
    search: Search = find(spec)
    broken = [r for r in search.rejected if r.broken and r.candidate.origin == "cache"]
    if broken and spec.path is None:  # never fall back silently to another build (3.13 must stay 3.13t's twin)
        for rejection in broken:
            prefix = rejection.candidate.executable.parent.parent
            _say(f"the cached build {prefix} is broken ({rejection.reason}); removing it to build it again")
            shutil.rmtree(prefix, ignore_errors=True)
        search = Search(spec, rejected=broken)
    if search.resolved is not None:
        seconds = builds.built_in_this_process.get(Path(search.resolved.facts.get("base_prefix", "")))
        if seconds is not None:
            search.resolved.origin, search.resolved.seconds = "built now from source (the twin of a t build)", seconds
        return search.resolved
    tried = [f"found: {search.tried()}"]
    for route, attempt in _routes(spec) if spec.path is None else []:
        try:
            resolved = attempt()
        except ProvisionError as exc:
            tried.append(f"{route}: {exc}")
            continue
        if resolved is not None:
            return resolved
        tried.append(f"{route}: finished, but no matching interpreter appeared")
    raise ProvisionError(f"cannot provision {spec.label!r}; tried {' | '.join(tried)}; {how_to_fix(spec)}")


def provision_order(specs: list[InterpreterSpec]) -> list[InterpreterSpec]:
    """Free-threaded specs first, so the GIL twin they build is there when '3.N' is resolved."""
    return sorted(specs, key=lambda spec: not spec.free_threaded)


def provision(
    specs: list[InterpreterSpec], report: Callable[[str], None] = print
) -> tuple[list[Resolved], dict[str, str]]:
    """Provision every spec, holding the cache lock; returns the resolved ones and {label: error}."""
    resolved: dict[InterpreterSpec, Resolved] = {}
    errors: dict[str, str] = {}
    started = time.monotonic()
    try:
        with cache.exclusive_lock("provision"):
            builds.remove_stale_builds()
            for spec in provision_order(specs):
                try:
                    resolved[spec] = provision_one(spec)
                except ProvisionError as exc:
                    errors[spec.label] = str(exc)
    except cache.CacheNotWritable as exc:  # a read-only cache (or home): use what it holds, make nothing
        for spec in provision_order(specs):
            found = find(spec).resolved
            if found is not None:
                resolved[spec] = found
            else:
                errors[spec.label] = f"{spec.label} is not in the cache, and nothing can be made there: {exc}"
    for message in errors.values():
        sys.stderr.write(f"gilbench: error: {message}\n")
    sys.stderr.flush()
    ordered = [resolved[spec] for spec in specs if spec in resolved]
    for item in ordered:
        for name in item.spec.link_names():
            try:
                cache.publish_link(name, item.executable)
            except cache.CacheNotWritable as exc:
                sys.stderr.write(
                    f"gilbench: warning: {exc}; without that link nox may not find {item.spec.label}: "
                    f"name it by path ({item.spec.label}={item.executable} in GILBENCH_PYTHONS)\n"
                )
        report(item.describe())
    report(f"provisioned {len(ordered)} of {len(specs)} in {format_seconds(time.monotonic() - started)}")
    return ordered, errors
