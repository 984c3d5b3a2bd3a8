"""The GIL-impact report: result files -> pandas -> sections -> every format.

Host code (pandas, tabulate, matplotlib, scipy, pyperf).  ``python -m bench
report PATH...`` and ``nox -s report -- PATH...`` both end in :func:`main`;
the stages are :mod:`~bench.report.load`, :mod:`~bench.report.compute`,
:mod:`~bench.report.sections` and :mod:`~bench.report.exporters`, run in that
order by :mod:`~bench.report.pipeline`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench import layout
from bench.errors import UsageError

if TYPE_CHECKING:
    from bench.layout import RunManifest
    from bench.report.content import Report


def main(paths: list[str], out: str | None, formats: str | None = None, timelines: list[str] | None = None) -> int:
    try:
        from bench.report import pipeline
        from bench.report.load import load_paths
    except ImportError as exc:
        raise UsageError(
            f"the report needs its extras ({exc.name} is not installed): pip install -e '.[report]', "
            "or use `nox -s report`"
        ) from None

    if not paths:
        latest = layout.results_root() / layout.LATEST
        if not latest.exists():
            raise UsageError(f"no results given and {latest} does not exist; name a results folder")
        paths = [str(latest)]
    chosen_formats = pipeline.parse_formats(formats)
    loaded = load_paths([Path(path) for path in paths])
    for problem in loaded.problems:
        sys.stderr.write(f"gilbench: warning: {problem}\n")
    if not loaded.results:
        raise UsageError(f"no usable result files in {', '.join(paths)}")
    folders = sorted(set(loaded.folders))
    if out is not None:
        out_dir = Path(out)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"--out {out!r}: is a file; expected a folder for the report")
    elif len(folders) == 1:
        out_dir = folders[0]
    else:
        out_dir = layout.results_root() / f"report-{time.strftime('%Y%m%d-%H%M%S')}"
    report = pipeline.build(loaded, timelines)
    written = pipeline.write(report, out_dir, chosen_formats)
    for path in written:
        if path.parent == out_dir:
            print(f"wrote {path}")
    print(f"wrote {sum(1 for path in written if path.parent != out_dir)} plot and pyperf files under {out_dir}")
    if len(folders) == 1 and out is None:
        _point_latest(out_dir, loaded.manifests, report, not loaded.problems)
    return 0


def _point_latest(run_dir: Path, manifests: list[RunManifest], report: Report, clean: bool) -> None:
    """``latest`` follows a run only when every expected interpreter finished and nothing was unreadable."""
    expected = {label for manifest in manifests for label in manifest.interpreters}
    present = {column.interpreter.label for column in report.columns}
    complete = all(column.document.complete for column in report.columns) and expected <= present
    if complete and clean and layout.is_results_folder(run_dir.parent):
        latest_link = layout.point_latest(run_dir)
        if latest_link is not None:
            print(f"{latest_link} -> {run_dir.name}")
