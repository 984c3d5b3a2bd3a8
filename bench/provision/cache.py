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


class CacheNotWritable(Exception):
    """The cache (or the home folder holding it) cannot be written: what is in it can still be used."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(
            f"cannot write {path} ({error.strerror or error}); set XDG_CACHE_HOME or GILBENCH_CACHE_DIR "
            "to a writable folder"
        )
        self.path = path


@contextlib.contextmanager
def exclusive_lock(name: str, *, announce: bool = True) -> Iterator[None]:
    """Hold an exclusive file lock so two provisioning runs never build into one cache.
    Raises :class:`CacheNotWritable` when the lock cannot be made (a read-only cache or home)."""
    root = cache_root()
    path = root / f"{name}.lock"
    try:
        root.mkdir(parents=True, exist_ok=True)
        opened = open(path, "a+")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise CacheNotWritable(path, exc) from None
    with opened as handle:
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
    """Point ``link_dir()/name`` at ``executable``, replacing an older link atomically; a link that already
    points there is left alone (a read-only cache needs no write).  Raises :class:`CacheNotWritable`."""
    directory = link_dir()
    link, target = directory / name, executable.resolve()  # never a link to a link (or to itself)
    try:
        if link.is_symlink() and Path(os.readlink(link)) == target:
            return
        directory.mkdir(parents=True, exist_ok=True)
        layout.replace_symlink(link, target)
    except OSError as exc:
        raise CacheNotWritable(link, exc) from None
