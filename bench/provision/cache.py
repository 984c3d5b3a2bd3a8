"""Where gilbench keeps what is expensive to make: built interpreters, build logs, sources.

The location follows the XDG base directory convention
(``$XDG_CACHE_HOME/gilbench``, default ``~/.cache/gilbench``) and can be moved
with ``GILBENCH_CACHE_DIR`` (tests point it at a temporary folder).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from bench import layout


def cache_root() -> Path:
    override = os.environ.get("GILBENCH_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gilbench"


def pythons_dir() -> Path:
    """Finished, verified interpreters: one folder each, moved into place atomically."""
    return cache_root() / "pythons"


def logs_dir() -> Path:
    return cache_root() / "logs"


def sources_dir() -> Path:
    """Downloaded and verified source tarballs, kept so a rebuild needs no network."""
    return cache_root() / "sources"


@contextlib.contextmanager
def exclusive_lock(name: str, *, announce: bool = True) -> Iterator[None]:
    """Hold an exclusive file lock so two provisioning runs never build into one cache."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if announce:
                print(f"waiting for another gilbench process holding {path} ...", flush=True)
            started = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            if announce:
                print(f"got {path} after {time.monotonic() - started:.0f}s", flush=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def link_dir() -> Path:
    """Symlinks to the chosen interpreters (``python3.13t``...), put first on PATH by the noxfile."""
    return cache_root() / "bin"


def publish_link(name: str, executable: Path) -> None:
    """Point ``link_dir()/name`` at ``executable``, replacing an older link atomically."""
    directory = link_dir()
    directory.mkdir(parents=True, exist_ok=True)
    layout.replace_symlink(directory / name, executable.resolve())  # never a link to a link (or to itself)
