"""Write the report: Markdown (GitHub tables), a self-contained HTML page, and the tidy CSV.

Host code.  Tables go through tabulate in both formats; every string that came
from a result file (interpreter labels, workload names, reasons) is escaped
for the format it lands in.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tabulate import tabulate

from bench.errors import UsageError
from bench.report import data, plots, pyperf_export, sections
from bench.report.loading import Loaded
from bench.report.sections import Section, Table

FORMATS = {
    "markdown": "report.md (GitHub tables)",
    "html": "report.html (self-contained, plots inline)",
    "csv": "results.csv (one row per repetition) and cells.csv (one row per cell)",
    "rst": "report.rst (reStructuredText tables)",
    "latex": "report.tex (booktabs tables)",
}
DEFAULT_FORMATS = ("markdown", "html", "csv")


@dataclass
class Report:
    warnings: list[str]
    sections: list[Section]
    runs: pd.DataFrame
    summary: pd.DataFrame
    names: list[str]
    documents: list[tuple[str, dict[str, Any]]]
    timelines: list[plots.CellChoice]
    title: str
    pictures: list[plots.Picture] = field(default_factory=list)


def parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(DEFAULT_FORMATS)
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise UsageError(f"--format {text!r}: unknown {', '.join(unknown) or 'value'}; accepted: {', '.join(FORMATS)}")
    return chosen


def build(loaded: Loaded, timelines: list[str] | None = None) -> Report:
    runs = data.tidy_runs(loaded.results)
    summary = data.cell_summary(runs)
    interpreters = data.interpreters_table(loaded.results)
    chosen = [plots.parse_cell(text) for text in timelines] if timelines else plots.default_timelines(summary)
    plots.check_timelines(chosen, summary)
    built = [
        sections.measured_section(interpreters, loaded.manifests),
        sections.gil_impact_section(summary, interpreters),
        sections.free_threading_cost_section(summary, interpreters),
        sections.interpreters_section(summary, interpreters),
        sections.matrix_section(summary, interpreters),
        sections.seed_section(summary, interpreters),
    ]
    run_ids = sorted({document["run_id"] for _, document in loaded.results})
    return Report(
        warnings=sections.warnings_list(interpreters, summary, loaded.manifests, loaded.problems),
        sections=[section for section in built if section is not None],
        runs=runs,
        summary=summary,
        names=sections.interpreter_order(interpreters),
        documents=[(record["interpreter"], document) for record, (_, document) in zip(interpreters, loaded.results)],
        timelines=chosen,
        title=f"gilbench report — run {', '.join(run_ids)}",
    )


def draw(report: Report, out_dir: Path) -> None:
    """Make the pictures under ``out_dir/plots`` (PNG and SVG)."""
    plot_dir = out_dir / "plots"
    drawn = [
        plots.speedup_curves(report.summary, report.names, plot_dir),
        *(plots.timeline(choice, report.documents, plot_dir) for choice in report.timelines),
        plots.interpreters_bars(report.summary, report.names, plot_dir),
    ]
    report.pictures = [picture for picture in drawn if picture is not None]


# --- Markdown -------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    rows = [[_md_escape(cell) for cell in row] for row in table.rows]
    return tabulate(rows, headers=[_md_escape(h) for h in table.headers], tablefmt="github", disable_numparse=True)


def to_markdown(report: Report) -> str:
    out = [f"# {report.title}", ""]
    if report.warnings:
        out += ["## Warnings", ""]
        out += [f"- ⚠ {_md_escape(warning)}" for warning in report.warnings]
        out.append("")
    for section in report.sections:
        out += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            out += [paragraph, ""]
        for caption, table in section.tables:
            if caption:
                out += [f"### {_md_escape(caption)}", ""]
            out += [markdown_table(table), ""]
    if report.pictures:
        out += ["## Pictures", ""]
        for picture in report.pictures:
            out += [f"### {picture.title}", "", f"![{picture.title}](plots/{picture.png.name})", ""]
    return "\n".join(out)


# --- HTML -------------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 90rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; cursor: pointer; }
.warnings { background: #fff4e5; border-left: 4px solid #f0a000; padding: 0.5rem 1rem; }
code { background: #f3f3f3; padding: 0 0.2rem; }
"""

SORT_SCRIPT = """
document.querySelectorAll('table').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.title = 'click to sort';
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var ascending = th.dataset.order !== 'asc';
      th.dataset.order = ascending ? 'asc' : 'desc';
      function key(row) {
        var text = row.cells[column].textContent.trim();
        var number = parseFloat(text);
        return isNaN(number) ? text : number;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var result = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === 'number' ? -1 : 1);
        return ascending ? result : -result;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.body.setAttribute('data-ready', 'ok');  // the page's script ran to the end without an error
"""


def _html_text(text: str) -> str:
    """Escape, then turn `code` spans into <code> (backticks survive escaping unchanged)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def html_table(table: Table) -> str:
    # tabulate's "html" format escapes every cell and header.
    return str(tabulate(table.rows, headers=table.headers, tablefmt="html", disable_numparse=True))


def to_html(report: Report) -> str:
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(report.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
    ]
    if report.warnings:
        out.append('<section class="warnings" id="warnings"><h2>Warnings</h2><ul>')
        out += [f"<li>{html.escape(warning)}</li>" for warning in report.warnings]
        out.append("</ul></section>")
    for section in report.sections:
        anchor = re.sub(r"[^a-z0-9]+", "-", section.title.lower()).strip("-")
        out.append(f'<section id="{anchor}"><h2>{html.escape(section.title)}</h2>')
        out += [f"<p>{_html_text(paragraph)}</p>" for paragraph in section.paragraphs]
        for caption, table in section.tables:
            if caption:
                out.append(f"<h3>{html.escape(caption)}</h3>")
            out.append(html_table(table))
        out.append("</section>")
    if report.pictures:
        out.append('<section id="pictures"><h2>Pictures</h2>')
        for picture in report.pictures:
            encoded = base64.b64encode(picture.png.read_bytes()).decode("ascii")
            out.append(f"<figure><figcaption>{html.escape(picture.title)}</figcaption>")
            out.append(f'<img alt="{html.escape(picture.title)}" src="data:image/png;base64,{encoded}"></figure>')
        out.append("</section>")
    out.append(f"<script>{SORT_SCRIPT}</script></body></html>")
    return "\n".join(out)


# --- files ------------------------------------------------------------------------------------


def to_text_format(report: Report, tablefmt: str, heading: Callable[[str, int], str]) -> str:
    """The tables in another tabulate format (reStructuredText, LaTeX) for docs and papers."""
    out = [heading(report.title, 1)]
    for section in report.sections:
        out.append(heading(section.title, 2))
        for caption, table in section.tables:
            if caption:
                out.append(heading(caption, 3))
            out.append(tabulate(table.rows, headers=table.headers, tablefmt=tablefmt, disable_numparse=True) + "\n")
    return "\n".join(out)


def _rst_heading(text: str, level: int) -> str:
    return f"{text}\n{'=-~'[level - 1] * len(text)}\n"


def _latex_heading(text: str, level: int) -> str:
    command = ("section*", "subsection*", "subsubsection*")[level - 1]
    escaped = "".join("\\" + char if char in "&%$#_{}" else char for char in text)
    return f"\\{command}{{{escaped}}}\n"


def _write_text(path: Path, text: str) -> Path:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def write(report: Report, out_dir: Path, formats: list[str] | None = None) -> list[Path]:
    chosen = formats or list(DEFAULT_FORMATS)
    out_dir.mkdir(parents=True, exist_ok=True)
    draw(report, out_dir)
    written = [picture.png for picture in report.pictures] + [picture.svg for picture in report.pictures]
    if "markdown" in chosen:
        written.append(_write_text(out_dir / "report.md", to_markdown(report)))
    if "html" in chosen:
        written.append(_write_text(out_dir / "report.html", to_html(report)))
    if "rst" in chosen:
        written.append(_write_text(out_dir / "report.rst", to_text_format(report, "rst", _rst_heading)))
    if "latex" in chosen:
        written.append(_write_text(out_dir / "report.tex", to_text_format(report, "latex_booktabs", _latex_heading)))
    if "csv" in chosen:
        report.runs.to_csv(out_dir / "results.csv", index=False)
        report.summary.drop(columns=["walls"]).to_csv(out_dir / "cells.csv", index=False)
        written += [out_dir / "results.csv", out_dir / "cells.csv"]
    written += pyperf_export.write_all(report.documents, out_dir / "pyperf")
    return written


def update_latest(run_dir: Path, complete: bool) -> Path | None:
    """Point ``results/latest`` at ``run_dir`` when the run is complete and newest.

    Only inside a results folder (one named ``results``, or ``GILBENCH_RESULTS_DIR``):
    a report rebuilt from some other folder must not plant a ``latest`` link there.
    """
    results_dir = os.environ.get("GILBENCH_RESULTS_DIR")
    is_results = run_dir.parent.name == "results" or (
        results_dir is not None and run_dir.parent.resolve() == Path(results_dir).resolve()
    )
    if not complete or not is_results:
        return None
    latest = run_dir.parent / "latest"
    current = latest.resolve() if latest.is_symlink() else None
    if current is not None and current.exists() and current.name > run_dir.name:
        return None
    temporary = run_dir.parent / ".latest.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(run_dir.name)
    os.replace(temporary, latest)
    return latest
