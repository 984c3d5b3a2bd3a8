"""Find, load and check result files, and name each one's column; a bad file is a problem, not a crash.

Host code.  Every problem names the file; the other files are still used.
Files are read through the result model (:mod:`bench.result`), which checks
every field, so nothing downstream needs to guess at a key.
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.layout import NOT_RESULTS, RUN_MANIFEST, SAFE_NAME_RULE, RunManifest, is_safe_name
from bench.result import Config, Document, Interpreter, Machine, ResultError, RunWarning

MAX_RESULT_BYTES = 256 * 1024 * 1024
"""The largest result file read (256 MiB, about 2.5 million task records): the report's time and memory grow
linearly with the task records (benchmarks/big_result.py), and this keeps one file within a few GiB."""


@dataclass(frozen=True)
class Column:
    """One usable result file as the report shows it: its column name, its path and its typed document."""

    name: str
    path: Path
    document: Document

    @property
    def interpreter(self) -> Interpreter:
        return self.document.interpreter

    @property
    def machine(self) -> Machine:
        return self.document.machine

    @property
    def config(self) -> Config:
        return self.document.config

    @property
    def gil_was_on(self) -> bool:
        return self.interpreter.gil_enabled or any(cell.gil_enabled for cell in self.document.cells)

    @property
    def origin(self) -> str:
        """Where the interpreter came from: gilbench's build (and its source), the system package, or its executable."""
        return str(
            self.interpreter.source.get("source_origin")
            or self.interpreter.build.get("system_package")
            or self.interpreter.base_executable
            or self.interpreter.executable
        )

    @property
    def source_sha256(self) -> str | None:
        value = self.interpreter.source.get("source_sha256")
        return str(value) if value else None


@dataclass
class Loaded:
    """What a set of paths held: usable results, problems, the runs' manifests and warnings about merging."""

    results: list[Column] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    manifests: list[RunManifest] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    naming: list[RunWarning] = field(default_factory=list)
    empty_labels: set[str] = field(default_factory=set)  # interrupted before their first cell: not "missing"


def result_files(folder: Path) -> list[Path]:
    """Interpreter result files in a run folder (not the manifest, not temporary or hidden files)."""
    return sorted(
        path for path in folder.glob("*.json") if path.name not in NOT_RESULTS and not path.name.startswith(".")
    )


def read_document(path: Path) -> Document:
    """One file through the result model; every problem is a :class:`ResultError` naming the file.

    Only a regular file is read, and only up to :data:`MAX_RESULT_BYTES`: a link to ``/dev/zero`` would
    fill the memory and a FIFO would block forever.  It is opened without blocking and checked by its own
    descriptor, so nothing can be swapped in between the check and the read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ResultError(f"{path}: cannot read ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as file:
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise ResultError(f"{path}: not a regular file; only regular files are read as results")
            if info.st_size > MAX_RESULT_BYTES:
                raise ResultError(
                    f"{path}: {info.st_size / 2**20:.0f} MiB, over the {MAX_RESULT_BYTES // 2**20} MiB limit "
                    "for one result file; measure fewer, longer tasks"
                )
            data = file.read(MAX_RESULT_BYTES + 1)
        except OSError as exc:
            raise ResultError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        document = Document.loads(data)
    except ResultError as exc:
        raise ResultError(f"{path}: {exc}") from None
    for field_name, value in (("interpreter.label", document.interpreter.label), ("run_id", document.run_id)):
        if not is_safe_name(value):
            raise ResultError(f"{path}: {field_name} {value[:40]!r}: expected {SAFE_NAME_RULE}")
    return document


def checked_rounds(document: Document, file: Path, last_round: int, problems: list[str]) -> Document:
    """The document without its cells whose rounds cannot be paired: a round number twice (one round would count
    twice in every paired test), or one outside 1 to ``last_round`` (the run's last round: its manifest's, its own
    or its planned rounds, whichever is latest, so added rounds that continue the numbering stay valid).  Round 0
    (files from before rounds were recorded) is exempt.  Each cell left out is one line in ``problems``."""
    kept = []
    for cell in document.cells:
        rounds = [run.round for run in cell.runs if run.round != 0]
        outside = next((number for number in rounds if not 1 <= number <= last_round), None)
        twice = next((number for number in rounds if rounds.count(number) > 1), None)
        if outside is not None:
            problems.append(
                f"{file}: cell {cell.name}: round {outside} is not one of this run's rounds (1 to {last_round}); "
                "the cell is left out"
            )
        elif twice is not None:
            problems.append(f"{file}: cell {cell.name}: round {twice} is recorded twice; the cell is left out")
        else:
            kept.append(cell)
    return document if len(kept) == len(document.cells) else replace(document, cells=tuple(kept))


def _last_round(document: Document, manifest: RunManifest | None) -> int:
    return max(len(document.round_orders), document.config.repeat, len(manifest.round_orders) if manifest else 0)


def _files_of(path: Path, loaded: Loaded) -> list[Path]:
    if path.is_dir():
        loaded.folders.append(path.resolve())
        manifest = path / RUN_MANIFEST
        if manifest.is_file():
            try:
                loaded.manifests.append(RunManifest.read(manifest))
            except (OSError, ValueError) as exc:
                loaded.problems.append(f"{manifest}: unreadable run manifest ({exc})")
        files = result_files(path)
        if not files:
            loaded.problems.append(f"{path}: no result files (*.json) in this folder")
        return files
    if path.exists() or path.is_symlink():  # a FIFO or device is named by read_document, not missed
        loaded.folders.append(path.parent.resolve())
        return [path]
    loaded.problems.append(f"{path}: no such file or folder")
    return []


def load_paths(paths: list[Path]) -> Loaded:
    """Load every result under ``paths`` (run folders or single files) and name the columns."""
    loaded = Loaded()
    documents: list[tuple[Path, Document]] = []
    seen: dict[tuple[str, str, str], Path] = {}
    for path in paths:
        read = len(loaded.manifests)
        files = _files_of(path, loaded)
        manifest = loaded.manifests[-1] if len(loaded.manifests) > read else None  # this folder's, if any
        for file in files:
            try:
                document = read_document(file)
            except ResultError as exc:
                loaded.problems.append(str(exc))
                continue
            document = checked_rounds(document, file, _last_round(document, manifest), loaded.problems)
            if not document.cells:
                loaded.empty_labels.add(document.interpreter.label)
                loaded.problems.append(f"{file}: interrupted before any cell was measured; nothing to report from it")
                continue
            key = (document.run_id, document.machine.hostname, document.interpreter.label)
            if key in seen:
                loaded.problems.append(
                    f"{file}: claims interpreter {key[2]!r} of run {key[0]!r}, already given by {seen[key]}; ignored"
                )
                continue
            seen[key] = file
            documents.append((file, document))
    names, loaded.naming = column_names([document for _, document in documents])
    loaded.results = [Column(name, path, document) for (path, document), name in zip(documents, names)]
    return loaded


def column_names(documents: list[Document]) -> tuple[list[str], list[RunWarning]]:
    """Each result's column: its label, or ``label (run id)`` / ``label @ host`` when labels collide.

    Two files may carry the same label (the same interpreter measured in two
    runs, or on two machines); they must never become two identical columns.
    """
    by_label: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_label[document.interpreter.label].append(document)
    warnings = []
    names = []
    for document in documents:
        label = document.interpreter.label
        same = by_label[label]
        if len(same) == 1:
            names.append(label)
            continue
        name = label
        if len({other.machine.hostname for other in same}) > 1:
            name += f" @ {document.machine.hostname}"
        if len({other.run_id for other in same}) > 1:
            name += f" ({document.run_id})"
        names.append(name)
    for label, same in by_label.items():
        if len(same) > 1:
            shown = [name for name, document in zip(names, documents) if document.interpreter.label == label]
            warnings.append(
                RunWarning(
                    "same-label",
                    f"{len(same)} results are labelled {label}: they are shown as {' and '.join(shown)}; "
                    "they were measured in different runs or on different machines, so compare them with care.",
                )
            )
    return names, warnings
