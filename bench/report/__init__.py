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
from bench.errors import UsageError, WriteError

if TYPE_CHECKING:
    from bench.layout import RunManifest
    from bench.report.content import Report


def main(
    paths: list[str],
    out: str | None,
    formats: str | None = None,
    timelines: list[str] | None = None,
    quiet: bool = False,
) -> int:
    """Load, build and write the report, then print its answer (``quiet``: the answer's table alone)."""
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
    out_dir = _report_folder(out, folders)
    report = pipeline.build(loaded, timelines)
    try:
        written = pipeline.write(report, out_dir, chosen_formats)
    except OSError as exc:  # a full disk, a read-only folder: the result files themselves are untouched
        where = exc.filename or out_dir
        raise WriteError(
            f"cannot write the report to {where} ({exc.strerror or exc}); the results are unchanged"
        ) from None
    if not quiet:
        for path in written:
            if path.parent == out_dir:
                print(f"wrote {path}")
        print(f"wrote {sum(1 for path in written if path.parent != out_dir)} plot and pyperf files under {out_dir}")
    if len(folders) == 1 and out is None:
        _point_latest(out_dir, loaded.manifests, report, not loaded.problems, quiet)
    from bench.report.exporters import answer_markdown
    from bench.report.terminal import append_step_summary, terminal_answer

    full = next((path for path in written if path.name == "report.md"), out_dir)
    print(terminal_answer(report, full, quiet), flush=True)
    append_step_summary(answer_markdown(report), full)
    return 0


def _report_folder(out: str | None, folders: list[Path]) -> Path:
    """--out, else the one run folder merged, else a new ``report-<time>`` folder beside the runs."""
    if out is not None:
        if Path(out).exists() and not Path(out).is_dir():
            raise UsageError(f"--out {out!r}: is a file; expected a folder for the report")
        return Path(out)
    if len(folders) == 1:
        return folders[0]
    return layout.results_root() / f"report-{time.strftime('%Y%m%d-%H%M%S')}"


def _point_latest(run_dir: Path, manifests: list[RunManifest], report: Report, clean: bool, quiet: bool) -> None:
    """``latest`` follows a run only when every expected interpreter finished and nothing was unreadable."""
    expected = {label for manifest in manifests for label in manifest.interpreters}
    present = {column.interpreter.label for column in report.columns}
    complete = all(column.document.complete for column in report.columns) and expected <= present
    if complete and clean and layout.is_results_folder(run_dir.parent):
        latest_link = layout.point_latest(run_dir)
        if latest_link is not None and not quiet:
            print(f"{latest_link} -> {run_dir.name}")
