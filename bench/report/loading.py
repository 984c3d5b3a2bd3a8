"""Find, load and check result files; a bad file is a problem to report, not a crash.

Host code.  Every problem names the file; the other files are still used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.schema import SchemaError, load

RUN_MANIFEST = "run.json"
"""Written by ``nox -s bench`` next to the result files: the run's expected interpreters."""

REPORT_FILES = {RUN_MANIFEST}


@dataclass
class Loaded:
    """What a set of paths held: usable results, problems, and the runs' manifests."""

    results: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    manifests: list[dict[str, Any]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)


def result_files(folder: Path) -> list[Path]:
    """Interpreter result files in a run folder (not the manifest, not temporary files)."""
    return sorted(
        path for path in folder.glob("*.json") if path.name not in REPORT_FILES and not path.name.startswith(".")
    )


def load_paths(paths: list[Path]) -> Loaded:
    """Load every result under ``paths`` (run folders or single files)."""
    loaded = Loaded()
    seen: dict[tuple[str, str, str], Path] = {}
    for path in paths:
        if path.is_dir():
            loaded.folders.append(path.resolve())
            manifest = path / RUN_MANIFEST
            if manifest.is_file():
                try:
                    loaded.manifests.append(json.loads(manifest.read_text()))
                except ValueError as exc:
                    loaded.problems.append(f"{manifest}: unreadable run manifest ({exc})")
            files = result_files(path)
            if not files:
                loaded.problems.append(f"{path}: no result files (*.json) in this folder")
        elif path.is_file():
            loaded.folders.append(path.parent.resolve())
            files = [path]
        else:
            loaded.problems.append(f"{path}: no such file or folder")
            continue
        for file in files:
            try:
                document = load(file)
            except SchemaError as exc:
                loaded.problems.append(str(exc))
                continue
            key = (document["run_id"], document["machine"].get("hostname", ""), document["interpreter"]["label"])
            if key in seen:
                loaded.problems.append(
                    f"{file}: claims interpreter {key[2]!r} of run {key[0]!r}, already given by {seen[key]}; ignored"
                )
                continue
            seen[key] = file
            loaded.results.append((file, document))
    return loaded
