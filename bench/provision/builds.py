"""Build CPython from source into gilbench's cache, safely and visibly.

A build happens in a hidden temporary folder next to the cache, is installed
with ``DESTDIR`` into a staging area, verified by running it, and only then
renamed into place; an interrupted or failed build leaves nothing that
discovery would take for a good interpreter.  A free-threaded build always
comes with its GIL twin, built from the same tarball with the same flags, so
the GIL impact compares two builds that differ only in ``--disable-gil``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench import layout
from bench.layout import BUILD_INFO_NAME
from bench.provision import cache, sources
from bench.provision.discovery import OPTIMIZED_FOLDER_SUFFIX, format_seconds, probe
from bench.provision.specs import OPTIMIZED_FLAGS, InterpreterSpec
from bench.provision.system_packages import apt_install, system_packages_allowed

HEARTBEAT_S = 20.0

built_in_this_process: dict[Path, float] = {}
"""Prefixes built by this process, with seconds taken: a twin is reported as built, not as found."""

REQUIRED_HEADERS = {
    # header: Debian package that provides it
    "openssl/ssl.h": "libssl-dev",
    "zlib.h": "zlib1g-dev",
    "ffi.h": "libffi-dev",
}


class BuildError(RuntimeError):
    """A build that could not start or did not finish; the message says what to do."""


@dataclass
class BuildRequest:
    version: str  # exact, "3.13.5"
    free_threaded: bool
    optimized: bool = False  # --enable-optimizations --with-lto (PGO and LTO), cached apart

    @property
    def name(self) -> str:
        suffix = OPTIMIZED_FOLDER_SUFFIX if self.optimized else ""
        return f"cpython-{self.version}{'t' if self.free_threaded else ''}{suffix}"


def _include_dirs() -> list[Path]:
    dirs = [Path("/usr/include"), Path("/usr/local/include")]
    multiarch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True, check=False)
    if multiarch.returncode == 0 and multiarch.stdout.strip():
        dirs.append(Path("/usr/include") / multiarch.stdout.strip())
    return dirs


def missing_build_dependencies() -> list[str]:
    """Debian package names needed before a build can succeed (empty when all is there)."""
    missing = []
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        missing.append("gcc")
    if shutil.which("make") is None:
        missing.append("make")
    if "gcc" in missing:
        return missing + sorted(REQUIRED_HEADERS.values())
    include_dirs = _include_dirs()
    for header, package in REQUIRED_HEADERS.items():
        if not any((directory / header).is_file() for directory in include_dirs):
            missing.append(package)
    return missing


def ensure_build_dependencies(log: Path, say: Callable[[str], None]) -> None:
    missing = missing_build_dependencies()
    if not missing:
        return
    if system_packages_allowed():
        say(f"installing build dependencies with apt-get: {' '.join(missing)}")
        if apt_install(missing, log) and not missing_build_dependencies():
            return
    raise BuildError(
        f"missing build dependencies: install {' '.join(missing_build_dependencies() or missing)} "
        f"(for example: apt-get install {' '.join(missing)})"
    )


def _run_phase(
    phase: str,
    command: list[str],
    cwd: Path,
    log: Path,
    say: Callable[[str], None],
    *,
    env: dict[str, str] | None = None,
) -> None:
    """Run one build phase, printing a heartbeat so minutes of work are not silence."""
    started = time.monotonic()
    say(f"{phase} ...")
    done = threading.Event()

    def heartbeat() -> None:
        while not done.wait(HEARTBEAT_S):
            say(f"{phase} ... {format_seconds(time.monotonic() - started)}")

    ticker = threading.Thread(target=heartbeat, daemon=True)
    ticker.start()
    try:
        with open(log, "a") as handle:
            handle.write(f"\n$ {' '.join(command)}\n")
            handle.flush()
            returncode = _run_in_own_group(command, cwd, handle, env)
    finally:
        done.set()
        ticker.join()
    if returncode != 0:
        raise BuildError(f"{phase} failed (exit {returncode}); full log: {log}")
    say(f"{phase} done in {format_seconds(time.monotonic() - started)}")


def _run_in_own_group(command: list[str], cwd: Path, log: IO[str], env: dict[str, str] | None) -> int:
    """One build step in a process group of its own, killed whole if this process is stopped (Ctrl-C, SIGTERM,
    SIGHUP: see :mod:`bench.interrupts`), so no ``make -j`` or ``cc1`` keeps compiling after us."""
    process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        return process.wait()
    except BaseException:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def configure_args(request: BuildRequest, prefix: Path) -> list[str]:
    """The only difference between twins is ``--disable-gil``; an optimized pair both add PGO and LTO."""
    args = [f"--prefix={prefix}", "--with-ensurepip=install"]
    if request.optimized:
        args += OPTIMIZED_FLAGS
    if request.free_threaded:
        args.append("--disable-gil")
    return args


def build(request: BuildRequest, tarball: sources.SourceTarball, log: Path, say: Callable[[str], None]) -> Path:
    """Build, install, verify and move one interpreter into the cache; return its executable."""
    started = time.monotonic()
    final = cache.pythons_dir() / request.name
    final.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".build-{request.name}-", dir=final.parent))
    try:
        with tarfile.open(tarball.path) as archive:
            if sys.version_info >= (3, 12):
                archive.extractall(workdir, filter="data")
            else:
                archive.extractall(workdir)  # noqa: S202 (verified tarball)
        source_dir = workdir / f"Python-{tarball.version}"
        args = configure_args(request, final)
        _run_phase(f"{request.name}: configure", ["./configure", *args], source_dir, log, say)
        jobs = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
        _run_phase(f"{request.name}: make -j{jobs}", ["make", f"-j{jobs}"], source_dir, log, say)
        stage = workdir / "stage"
        _run_phase(f"{request.name}: install", ["make", "install", f"DESTDIR={stage}"], source_dir, log, say)
        staged_prefix = stage / final.relative_to(final.anchor)
        minor = ".".join(tarball.version.split(".")[:2])
        executable = staged_prefix / "bin" / f"python{minor}{'t' if request.free_threaded else ''}"
        facts = probe(executable)
        if bool(facts.get("free_threaded_build")) != request.free_threaded or facts["version"] != tarball.version:
            raise BuildError(
                f"{request.name}: the built interpreter reports {facts['version']} "
                f"free_threaded_build={facts.get('free_threaded_build')}; see {log}"
            )
        info = {
            "name": request.name,
            "version": tarball.version,
            "free_threaded": request.free_threaded,
            "configure_args": args,
            "source_origin": tarball.origin,
            "source_sha256": tarball.sha256,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "log": str(log),
        }
        layout.write_atomically(staged_prefix / BUILD_INFO_NAME, json.dumps(info, indent=2))
        if final.exists():
            shutil.rmtree(final)
        os.rename(staged_prefix, final)
        built_in_this_process[final] = time.monotonic() - started
        return final / "bin" / executable.name
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def remove_stale_builds() -> None:
    """Delete build folders left by a killed build (called while holding the cache lock)."""
    root = cache.pythons_dir()
    if root.is_dir():
        for leftover in root.glob(".build-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def build_cpython(spec: InterpreterSpec, say: Callable[[str], None]) -> Path:
    """Fetch a tarball for ``spec`` and build it (and its twin); return the spec's executable."""
    cache.logs_dir().mkdir(parents=True, exist_ok=True)
    log = cache.logs_dir() / f"build-{spec.label}-{time.strftime('%Y%m%d-%H%M%S')}.log"
    ensure_build_dependencies(log, say)
    say("fetching source for CPython " + ".".join(map(str, spec.version)))
    try:
        tarball = sources.fetch_source(spec.version, log)
    except sources.SourceUnavailable as exc:
        raise BuildError(f"no source tarball: {exc}") from exc
    say(f"source: Python-{tarball.version}.tar.xz from {tarball.origin} (sha256 {tarball.sha256[:16]}...)")
    wanted = BuildRequest(tarball.version, spec.free_threaded, spec.optimized)
    requests = [wanted]
    if spec.free_threaded:
        twin = BuildRequest(tarball.version, False, spec.optimized)
        if not (cache.pythons_dir() / twin.name).is_dir():
            requests.append(twin)
    executable = None
    for request in requests:
        built = build(request, tarball, log, say)
        if request is wanted:
            executable = built
    assert executable is not None
    return executable
