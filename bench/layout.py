"""Names and places: run ids, labels, result paths, the run manifest, atomic writes and ``latest``.

Shared by guest (the runner writes here) and host (nox, the report and the
provisioner), so it imports only the standard library.  Every writer in
gilbench goes through :func:`write_atomically` and every link swap through
:func:`replace_symlink`, so a reader never sees half a file or a missing link.
"""

from __future__ import annotations

import contextlib
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
ANSWER_FILE = "answer.json"
"""The report's answer beside the result files (``--format json``): never read back as a result."""
NOT_RESULTS = frozenset({RUN_MANIFEST, ANSWER_FILE})
"""JSON files a run folder holds that are not an interpreter's result."""
"""Written by ``nox -s bench`` next to the result files: which interpreters the run expected."""
LATEST = "latest"
BUILD_INFO_NAME = "gilbench-build.json"
"""File gilbench writes into the prefix of every interpreter it builds (read back by introspection)."""

MANIFEST_VERSION = 4
"""History of ``manifest_version``: 1. ``run_id``, ``interpreters``, ``missing``, ``command``,
``server_url``, ``started_at`` (files without a version are read as version 1).  2. ``round_orders``: per
round, the (interpreter label, cell index) pairs in the order one conductor measured them.  3. Each step is
(label, cell index, CPU): the CPU the conductor put that cell on for every interpreter, or null.
4. ``added_rounds``: the looks planned, the answer's family size, the rounds reached and why adding stopped."""

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@-]{0,63}")
SAFE_NAME_RULE = "1 to 64 of A-Z a-z 0-9 . _ + @ -, starting with a letter or digit"


def is_safe_name(value: str) -> bool:
    """The rule of :func:`check_name`, for values read from files (a label there obeys ``--label``'s rule)."""
    return bool(_SAFE_NAME.fullmatch(value)) and ".." not in value


def check_name(value: str, option: str) -> str:
    """A label or run id becomes a file or folder name: refuse anything that could leave ``results/``."""
    if not is_safe_name(value):
        raise UsageError(f"{option} {value!r}: expected {SAFE_NAME_RULE}")
    return value


def new_run_id() -> str:
    """A timestamp, the same for every interpreter of one ``nox -s bench`` (nox passes it on)."""
    return time.strftime("%Y%m%d-%H%M%S")


def reserve_run_dir(root: Path) -> tuple[str, Path]:
    """A new run's id and folder, the folder made exclusively: two runs started in the same second get
    ``20261126-021500`` and ``20261126-021500-2``, never one folder (ids still sort by start time)."""
    base = new_run_id()
    for number in range(1, 10_000):
        run_id = base if number == 1 else f"{base}-{number}"
        try:
            if number == 1:
                root.mkdir(parents=True, exist_ok=True)
            (root / run_id).mkdir()
        except FileExistsError:
            if not root.is_dir():
                raise UsageError(f"results folder {str(root)!r} is not a folder; set GILBENCH_RESULTS_DIR") from None
            continue
        except OSError as exc:
            raise UsageError(
                f"cannot make a run folder in {str(root.absolute())!r} ({exc.strerror or exc}); "
                "choose a writable place with --out FILE or GILBENCH_RESULTS_DIR"
            ) from None
        return run_id, root / run_id
    raise UsageError(f"{root}: 10,000 runs started in one second; cannot find a free run id")


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


def pin_results_root() -> Path:
    """Make the results folder absolute, once, before anything else runs: a workload that changes the working
    folder when it is imported must not move the results (every later call, and every child, reads the pin)."""
    root = results_root().absolute()
    os.environ["GILBENCH_RESULTS_DIR"] = str(root)
    return root


def result_path(run_id: str, label: str, root: Optional[Path] = None) -> Path:
    return (root or results_root()) / run_id / f"{file_name(label)}.json"


def is_results_folder(folder: Path) -> bool:
    """A folder named ``results`` or the one ``GILBENCH_RESULTS_DIR`` names: only there may ``latest`` live."""
    configured = os.environ.get("GILBENCH_RESULTS_DIR")
    return folder.name == RESULTS_DIR_NAME or (
        configured is not None and folder.resolve() == Path(configured).resolve()
    )


# --- atomic writes and links -------------------------------------------------------------


NAME_MAX = 255
"""The longest file name most file systems allow, in bytes (ext4, XFS, btrfs, APFS, NTFS)."""
PATH_MAX = 4096
AROUND_NAME = len(".") + len(".12345678.tmp")
"""What :func:`write_atomically`'s temporary name (``.NAME.XXXXXXXX.tmp``) adds to a name; the lock adds less."""


def check_name_length(path: Path, option: str) -> None:
    """Names are checked before anything is measured or made: a 245-byte name passes every other check, yet
    its temporary name would be over 255 bytes, found only when the result is written."""
    limit = NAME_MAX - AROUND_NAME
    size = len(os.fsencode(path.name))
    if size > limit:
        raise UsageError(f"{option} {str(path)[:60]!r}...: its file name is {size} bytes; expected at most {limit}")
    if len(os.fsencode(os.path.abspath(path))) + AROUND_NAME > PATH_MAX:
        raise UsageError(f"{option} {str(path)[:60]!r}...: the path is too long; expected under {PATH_MAX} bytes")


def check_replaceable(path: Path, option: str) -> None:
    """Only a regular file (or a missing path) may be replaced: ``--out /dev/null`` as root must not swap the
    device for a file, nor a folder, FIFO or dangling link be clobbered; and its name must leave room for the
    temporary name written first."""
    check_name_length(path, option)
    if os.path.lexists(path) and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise UsageError(f"{option} {str(path)!r}: is {kind}; expected a path to a new or existing regular file")


def write_atomically(path: Path, content: Union[str, bytes]) -> Path:
    """Write a temporary file in the same folder, then rename it over ``path``: never half a file.

    On any failure (a full disk included) the temporary file is removed and ``path`` keeps what it held.
    """
    check_replaceable(path, "writing")
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


LOCK_SUFFIX = ".lock"
"""A result file's lock is ``.NAME.json.lock`` beside it."""


class ResultClaim:
    """One run's claim on its result file, held from before measuring to the last write.

    A second run writing the same file is refused with one line naming it (a lock, not a race of renames that
    would leave one run's cells and two "complete" messages), and an existing result is replaced only when the
    user asks (``--force``).  The lock is a ``.<name>.lock`` file beside the result, removed on release.
    """

    def __init__(self, path: Path, option: str, replace_existing: bool) -> None:
        sweep_stale_locks(path.parent.parent)
        self.lock_path = path.with_name(f".{path.name}{LOCK_SUFFIX}")
        self._handle: Optional[Any] = None
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, the existence check below still guards sequential runs
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            handle = self._lock(fcntl, path, option)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            self._handle = handle
        if path.exists() and not replace_existing:
            self.release()
            raise UsageError(
                f"{option} {str(path)!r}: already holds a result; pass --force to replace it, or choose another path"
            )

    def _lock(self, fcntl: Any, path: Path, option: str) -> Any:
        """The lock file, opened and locked; taken again if a sweep removed the file between the open and the lock
        (a lock on a removed file guards nothing)."""
        for _ in range(100):
            handle = open(self.lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the run)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                handle.close()
                raise UsageError(
                    f"{option} {str(path)!r}: another gilbench run (pid {holder}) is writing it; "
                    "wait for it or choose another path"
                ) from None
            try:
                if os.stat(self.lock_path).st_ino == os.fstat(handle.fileno()).st_ino:
                    return handle
            except FileNotFoundError:
                pass
            handle.close()
        raise UsageError(f"{option} {str(path)!r}: its lock file {self.lock_path} keeps being removed")

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self.lock_path.unlink()
            self._handle.close()
            self._handle = None


def sweep_stale_locks(root: Path) -> list[Path]:
    """Remove the ``.LABEL.json.lock`` files of runs whose writer is gone (killed with SIGKILL, it could not): the
    kernel released their lock when the writer died, so a lock that can be taken now is held by no one.  A lock
    still held is left alone."""
    try:
        import fcntl
    except ImportError:
        return []
    removed = []
    for lock in root.glob(f"*/.*.json{LOCK_SUFFIX}"):
        try:
            handle = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a writer holds it
            with contextlib.suppress(OSError):
                lock.unlink()
                removed.append(lock)
    return removed


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
    round_orders: tuple[tuple[tuple[str, int, Optional[int]], ...], ...] = ()
    added_rounds: dict[str, Any] = field(default_factory=dict)  # what the rounds added after the base did

    def to_json(self) -> dict[str, Any]:
        return {
            "manifest_version": MANIFEST_VERSION,
            "run_id": self.run_id,
            "interpreters": list(self.interpreters),
            "missing": dict(self.missing),
            "command": self.command,
            "server_url": self.server_url,
            "started_at": self.started_at,
            "round_orders": [[list(step) for step in order] for order in self.round_orders],
            "added_rounds": dict(self.added_rounds),
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
        if version not in range(1, MANIFEST_VERSION + 1):
            raise ValueError(f"manifest_version {version!r} is not one this gilbench knows ({MANIFEST_VERSION})")
        interpreters = data.get("interpreters")
        missing = data.get("missing") or {}
        if not isinstance(interpreters, list) or not all(isinstance(label, str) for label in interpreters):
            raise ValueError(f"interpreters: expected a list of labels, got {interpreters!r}")
        if not isinstance(missing, dict):
            raise ValueError(f"missing: expected an object, got {missing!r}")
        orders = data.get("round_orders") or []
        if not isinstance(orders, list) or not all(isinstance(order, list) for order in orders):
            raise ValueError(f"round_orders: expected a list of rounds, got {str(orders)[:60]}")
        added = data.get("added_rounds") or {}
        if not isinstance(added, dict):
            raise ValueError(f"added_rounds: expected an object, got {str(added)[:60]}")
        for key in ("run_id", "command", "server_url", "started_at"):
            if data.get(key) is not None and not isinstance(data.get(key), str):
                raise ValueError(f"{key}: expected a string, got {str(data.get(key))[:60]}")
        return cls(
            run_id=str(data.get("run_id", "")),
            interpreters=tuple(interpreters),
            missing={str(key): str(value) for key, value in missing.items()},
            command=str(data.get("command") or ""),
            server_url=data.get("server_url"),
            started_at=data.get("started_at"),
            round_orders=tuple(tuple(_step(step) for step in order) for order in orders),
            added_rounds=added,
        )


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _step(step: Any) -> tuple[str, int, Optional[int]]:
    """One measurement of a round in a manifest: [label, cell index] (version 2) or [label, cell index, CPU]."""
    if (
        not isinstance(step, list)
        or len(step) not in (2, 3)
        or not isinstance(step[0], str)
        or not _whole(step[1])
        or not (len(step) == 2 or step[2] is None or _whole(step[2]))
    ):
        raise ValueError(f"round_orders: expected [label, cell index, CPU or null], got {str(step)[:60]}")
    label, index, *cpu = step
    return label, index, None if not cpu or cpu[0] is None else cpu[0]
