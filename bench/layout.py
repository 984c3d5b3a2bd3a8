"""Names and places: run ids, labels, result paths, the run manifest, atomic writes and ``latest``.

Shared by guest (the runner writes here) and host (nox, the report and the
provisioner), so it imports only the standard library.  Every writer in
gilbench goes through :func:`write_atomically` and every link swap through
:func:`replace_symlink`, so a reader never sees half a file or a missing link.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from bench.errors import UsageError

RESULTS_DIR_NAME = "results"
RUN_MANIFEST = "run.json"
"""Written by ``nox -s bench`` next to the result files: which interpreters the run expected."""
LATEST = "latest"
BUILD_INFO_NAME = "gilbench-build.json"
"""File gilbench writes into the prefix of every interpreter it builds (read back by introspection)."""

MANIFEST_VERSION = 1
"""History of ``manifest_version``: 1. ``run_id``, ``interpreters``, ``missing``, ``command``,
``server_url``, ``started_at`` (files without a version are read as version 1)."""

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@-]{0,63}")
SAFE_NAME_RULE = "1 to 64 of A-Z a-z 0-9 . _ + @ -, starting with a letter or digit"


def check_name(value: str, option: str) -> str:
    """A label or run id becomes a file or folder name: refuse anything that could leave ``results/``."""
    if not _SAFE_NAME.fullmatch(value) or ".." in value:
        raise UsageError(f"{option} {value!r}: expected {SAFE_NAME_RULE}")
    return value


def new_run_id() -> str:
    """A timestamp, the same for every interpreter of one ``nox -s bench`` (nox passes it on)."""
    return time.strftime("%Y%m%d-%H%M%S")


def interpreter_label(implementation: str, version_info: tuple[int, ...], free_threaded_build: bool) -> str:
    """The label an interpreter gets when the user names none: the spec that asks for it (3.13, 3.13t, pypy3)."""
    if implementation == "pypy":
        return f"pypy{version_info[0]}"
    return f"{version_info[0]}.{version_info[1]}{'t' if free_threaded_build else ''}"


def file_name(label: str) -> str:
    """``results/<run_id>/<file_name(label)>``; labels are already safe (:func:`check_name`), others are mended."""
    return "".join(char if char.isalnum() or char in "._+@-" else "_" for char in label).strip("._") or "python"


def results_root() -> Path:
    """``$GILBENCH_RESULTS_DIR`` or ``./results``."""
    return Path(os.environ.get("GILBENCH_RESULTS_DIR") or RESULTS_DIR_NAME)


def result_path(run_id: str, label: str, root: Optional[Path] = None) -> Path:
    return (root or results_root()) / run_id / f"{file_name(label)}.json"


def is_results_folder(folder: Path) -> bool:
    """A folder named ``results`` or the one ``GILBENCH_RESULTS_DIR`` names: only there may ``latest`` live."""
    configured = os.environ.get("GILBENCH_RESULTS_DIR")
    return folder.name == RESULTS_DIR_NAME or (
        configured is not None and folder.resolve() == Path(configured).resolve()
    )


# --- atomic writes and links -------------------------------------------------------------


def write_atomically(path: Path, content: Union[str, bytes]) -> Path:
    """Write a temporary file in the same folder, then rename it over ``path``: never half a file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; results are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def replace_symlink(link: Path, target: Union[str, Path]) -> None:
    """Point ``link`` at ``target``, swapping atomically (a reader sees the old link or the new, never none)."""
    temporary = link.with_name(f".{link.name}.tmp")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target)
    os.replace(temporary, link)


def point_latest(run_dir: Path) -> Optional[Path]:
    """Make ``<results>/latest`` point at ``run_dir`` unless it already points at a newer run."""
    latest = run_dir.parent / LATEST
    current = latest.resolve() if latest.is_symlink() else None
    if current is not None and current.exists() and current.name > run_dir.name:
        return None
    replace_symlink(latest, run_dir.name)
    return latest


# --- the run manifest ----------------------------------------------------------------------


@dataclass(frozen=True)
class RunManifest:
    """What one ``nox -s bench`` meant to measure, so the report can say what is missing and why."""

    run_id: str
    interpreters: tuple[str, ...]
    missing: dict[str, str] = field(default_factory=dict)
    command: str = ""
    server_url: Optional[str] = None
    started_at: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {
            "manifest_version": MANIFEST_VERSION,
            "run_id": self.run_id,
            "interpreters": list(self.interpreters),
            "missing": dict(self.missing),
            "command": self.command,
            "server_url": self.server_url,
            "started_at": self.started_at,
        }

    def write(self, folder: Path) -> Path:
        return write_atomically(folder / RUN_MANIFEST, json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def read(cls, path: Path) -> RunManifest:
        """Read and check a manifest; any problem is a ValueError naming the field."""
        data = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("expected an object")
        version = data.get("manifest_version", 1)
        if version != MANIFEST_VERSION:
            raise ValueError(f"manifest_version {version!r} is not one this gilbench knows ({MANIFEST_VERSION})")
        interpreters = data.get("interpreters")
        missing = data.get("missing") or {}
        if not isinstance(interpreters, list) or not all(isinstance(label, str) for label in interpreters):
            raise ValueError(f"interpreters: expected a list of labels, got {interpreters!r}")
        if not isinstance(missing, dict):
            raise ValueError(f"missing: expected an object, got {missing!r}")
        return cls(
            run_id=str(data.get("run_id", "")),
            interpreters=tuple(interpreters),
            missing={str(key): str(value) for key, value in missing.items()},
            command=str(data.get("command") or ""),
            server_url=data.get("server_url"),
            started_at=data.get("started_at"),
        )
