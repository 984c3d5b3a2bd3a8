"""Write the report: Markdown (GitHub tables), a self-contained HTML page, and the tidy CSV.

Host code.  Tables go through tabulate in both formats; every string that came
from a result file (interpreter labels, workload names, reasons) is escaped
for the format it lands in.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tabulate import tabulate

from bench.report import data, sections
from bench.report.loading import Loaded
from bench.report.sections import Section, Table


@dataclass
class Report:
    warnings: list[str]
    sections: list[Section]
    runs: pd.DataFrame
    title: str


def build(loaded: Loaded) -> Report:
    runs = data.tidy_runs(loaded.results)
    summary = data.cell_summary(runs)
    interpreters = data.interpreters_table(loaded.results)
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
        title=f"gilbench report — run {', '.join(run_ids)}",
    )


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
    out.append(f"<script>{SORT_SCRIPT}</script></body></html>")
    return "\n".join(out)


# --- files ------------------------------------------------------------------------------------


def write(report: Report, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("report.md", to_markdown(report)), ("report.html", to_html(report))):
        path = out_dir / name
        temporary = out_dir / f".{name}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        written.append(path)
    csv_path = out_dir / "results.csv"
    report.runs.to_csv(csv_path, index=False)
    written.append(csv_path)
    return written


def update_latest(run_dir: Path, complete: bool) -> Path | None:
    """Point ``results/latest`` at ``run_dir`` when the run is complete and newest."""
    if not complete or run_dir.parent.name != "results":
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
