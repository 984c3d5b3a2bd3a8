"""The report pipeline: load -> compute -> sections -> exporters.

Host code.  :func:`build` turns loaded results into a format-free
:class:`~bench.report.content.Report`; :func:`write` draws the pictures and
hands the report to each chosen exporter.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from bench import layout
from bench.errors import UsageError
from bench.report import answer, compute, plots, sections, talk
from bench.report.content import CellChoice, Report
from bench.report.exporters import DEFAULT_FORMATS, EXPORTERS
from bench.report.load import Loaded
from bench.report.run_warnings import report_warnings
from bench.vocabulary import TALK_WORKLOADS, USES_CPU, WAITS, strategy


def parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(DEFAULT_FORMATS)
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in EXPORTERS]
    if unknown or not chosen:
        raise UsageError(
            f"--format {text!r}: unknown {', '.join(unknown) or 'value'}; accepted: {', '.join(EXPORTERS)}"
        )
    return chosen


def build(loaded: Loaded, timelines: list[str] | None = None) -> Report:
    """Load -> compute -> sections: the report, format-free; nothing after :func:`compute.compute` computes."""
    computed = compute.compute(loaded.results)
    chosen = [plots.parse_cell(text) for text in timelines or []]
    plots.check_timelines(chosen, computed.summary)
    chosen += [cell for cell in stalls(computed) if cell not in chosen]
    built = [
        *answer.answer_sections(computed, sections.method_text(computed)),
        sections.measured_section(computed.columns, loaded.manifests),
        sections.machine_section(computed.probes),
        sections.gil_impact_section(computed),
        sections.free_threading_cost_section(computed),
        sections.interpreters_section(computed),
        sections.matrix_section(computed),
        talk.talk_section(computed),
    ]
    run_ids = sorted({column.document.run_id for column in computed.columns})
    warnings = report_warnings(computed, loaded)
    return Report(
        title=f"gilbench report — run {', '.join(run_ids)}",
        warnings=warnings,
        sections=[section for section in built if section is not None],
        computed=computed,
        timelines=chosen,
        answer=answer.answer_record(computed, warnings),
    )


def stalls(computed: compute.Computed) -> list[CellChoice]:
    """Cells whose timeline is drawn unasked: an event loop running a workload with CPU and waiting tasks, where
    each CPU task stalls every download in flight (the picture shows the waits stretched over it)."""
    found = []
    for _, row in computed.summary.drop_duplicates(["workload", "executor", "workers"]).iterrows():
        kinds = {traits.uses for _, traits in computed.traits_of(str(row["workload"])).kinds}
        if strategy(str(row["executor"])).event_loop and kinds >= {USES_CPU, WAITS}:
            found.append(CellChoice(str(row["workload"]), str(row["executor"]), int(row["workers"])))
    return found


def draw(report: Report, out_dir: Path) -> None:
    """Make the pictures under ``out_dir/plots`` (PNG and SVG)."""
    plot_dir = out_dir / "plots"
    documents = [(column.name, column.document) for column in report.columns]
    talk = [w for w, _ in TALK_WORKLOADS if w in set(report.summary["workload"])]
    drawn = [
        *(plots.talk_figure(workload, documents, plot_dir) for workload in talk),
        plots.speedup_curves(report.summary, report.names, report.computed.traits, plot_dir),
        *(plots.timeline(choice, documents, plot_dir) for choice in report.timelines),
        plots.interpreters_points(report.summary, report.names, plot_dir),
        plots.probe_plot(report.probes, plot_dir),
    ]
    report.pictures = [picture for picture in drawn if picture is not None]


def write(report: Report, out_dir: Path, formats: list[str] | None = None) -> list[Path]:
    """Every output, as a set: all are made in a hidden folder beside them first, and moved into ``out_dir``
    only when every one was made, so an error in any format never leaves a partial set (or a half-updated
    one beside an older report).  Returns the files' final paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out_dir))
    try:
        draw(report, staging)
        made = [picture.png for picture in report.pictures] + [picture.svg for picture in report.pictures]
        for name in formats or DEFAULT_FORMATS:
            made += EXPORTERS[name].write(report, staging)
        finals = [out_dir / path.relative_to(staging) for path in made]
        for final in finals:  # every target checked before the first is replaced
            layout.check_replaceable(final, "--out")
        for path, final in zip(made, finals):
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
        report.pictures = [
            replace(
                picture, png=out_dir / picture.png.relative_to(staging), svg=out_dir / picture.svg.relative_to(staging)
            )
            for picture in report.pictures
        ]
        return finals
    finally:
        shutil.rmtree(staging, ignore_errors=True)
