"""The GIL-impact report: result files -> pandas -> tables (Markdown, HTML, CSV).

Host code (pandas, tabulate).  ``python -m bench report PATH...`` and
``nox -s report -- PATH...`` both end in :func:`main`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.errors import UsageError


def main(paths: list[str], out: str | None, formats: str | None = None, timelines: list[str] | None = None) -> int:
    from bench.report import render
    from bench.report.loading import load_paths

    if not paths:
        latest = Path("results") / "latest"
        if not latest.exists():
            raise UsageError("no results given and results/latest does not exist; name a results folder")
        paths = [str(latest)]
    chosen_formats = render.parse_formats(formats)
    loaded = load_paths([Path(path) for path in paths])
    for problem in loaded.problems:
        sys.stderr.write(f"gilbench: warning: {problem}\n")
    if not loaded.results:
        raise UsageError(f"no usable result files in {', '.join(paths)}")
    folders = sorted(set(loaded.folders))
    if out is not None:
        out_dir = Path(out)
    elif len(folders) == 1:
        out_dir = folders[0]
    else:
        out_dir = Path("results") / f"report-{time.strftime('%Y%m%d-%H%M%S')}"
    report = render.build(loaded, timelines)
    written = render.write(report, out_dir, chosen_formats)
    for path in written:
        if path.parent == out_dir:
            print(f"wrote {path}")
    print(f"wrote {sum(1 for path in written if path.parent != out_dir)} plot and pyperf files under {out_dir}")
    if len(folders) == 1 and out is None:
        expected = {label for manifest in loaded.manifests for label in manifest.get("interpreters", [])}
        present = {document["interpreter"]["label"] for _, document in loaded.results}
        complete = all(document["complete"] for _, document in loaded.results) and expected <= present
        latest_link = render.update_latest(out_dir, complete and not loaded.problems)
        if latest_link is not None:
            print(f"{latest_link} -> {out_dir.name}")
    return 0
