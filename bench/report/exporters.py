"""Exporters: one small interface, one class per format (Markdown, HTML, CSV, reStructuredText, LaTeX, pyperf).

Host code.  Every exporter writes the same :class:`~bench.report.content.Report`;
tables go through tabulate, and every string that came from a result file
(interpreter labels, workload names, reasons) is escaped for the format it lands in.
Files are written atomically (:func:`bench.layout.write_atomically`).
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable
from pathlib import Path

from tabulate import tabulate

from bench import layout
from bench.report import pyperf_export
from bench.report.content import Report, Section, Table


class Exporter:
    """Writes a report in one format under ``out_dir``; returns the files it wrote."""

    name = ""
    description = ""

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        raise NotImplementedError


# --- Markdown -------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    rows = [[_md_escape(cell) for cell in row] for row in table.rows]
    return tabulate(rows, headers=[_md_escape(h) for h in table.headers], tablefmt="github", disable_numparse=True)


def compact_markdown_table(table: Table) -> str:
    """A Markdown table without padding: as narrow as its content, for pasting into a README."""
    lines = ["| " + " | ".join(_md_escape(h) for h in table.headers) + " |", "|" + "---|" * len(table.headers)]
    lines += ["| " + " | ".join(_md_escape(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join(lines)


def answer_markdown(report: Report) -> str:
    """``answer.md``: the answer table (compact) and its sentences, ready for a README."""
    out = []
    for section in report.leading:
        for _, table in section.tables:
            out += [compact_markdown_table(table), ""]
        out += [f"- {sentence}" for sentence in section.after]
    return "\n".join(out) + "\n"


def markdown_section(section: Section) -> list[str]:
    out = [f"## {section.title}", ""]
    for paragraph in section.paragraphs:
        out += [paragraph, ""]
    for caption, table in section.tables:
        if caption:
            out += [f"### {_md_escape(caption)}", ""]
        out += [markdown_table(table), ""]
    for paragraph in section.after:
        out += [paragraph, ""]
    return out


def to_markdown(report: Report) -> str:
    out = [f"# {report.title}", ""]
    for section in report.leading:
        out += markdown_section(section)
    if report.warnings:
        out += ["## Warnings", ""]
        out += [f"- ⚠ {_md_escape(warning.text)}" for warning in report.warnings]
        out.append("")
    for section in report.following:
        out += markdown_section(section)
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
function sortTable(table, column, ascending) {
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  function key(row) {
    var cell = row.cells[column];
    if (cell.dataset.sort !== undefined) { return parseFloat(cell.dataset.sort); }
    var text = cell.textContent.trim();
    var number = parseFloat(text);
    return isNaN(number) ? text : number;
  }
  rows.sort(function (a, b) {
    var x = key(a), y = key(b);
    var result = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === 'number' ? -1 : 1);
    return ascending ? result : -result;
  });
  rows.forEach(function (row) { body.appendChild(row); });
}
document.querySelectorAll('table').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.title = 'click to sort';
    th.addEventListener('click', function () {
      var ascending = th.dataset.order !== 'asc';
      th.dataset.order = ascending ? 'asc' : 'desc';
      sortTable(table, column, ascending);
    });
  });
});
// A link can open the page sorted: report.html#sort=SECTION-ID:COLUMN (0-based), e.g. #sort=the-answer:3
var wanted = /^#sort=([a-z0-9-]+):(\\d+)$/.exec(location.hash);
if (wanted) {
  var sorted = document.querySelector('#' + wanted[1] + ' table');
  if (sorted) { sortTable(sorted, parseInt(wanted[2], 10), true); }
}
document.body.setAttribute('data-ready', 'ok');  // the page's script ran to the end without an error
"""


def _html_text(text: str) -> str:
    """Escape, then turn `code` spans into <code> (backticks survive escaping unchanged)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def html_table(table: Table) -> str:
    """Escaped cells; a cell with a sort key carries it as ``data-sort``, so "89.3" sorts before "165" whatever
    the text around the number."""
    out = ["<table>", "<thead>", "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.headers) + "</tr>"]
    out += ["</thead>", "<tbody>"]
    for index, row in enumerate(table.rows):
        keys = table.sort_keys[index] if table.sort_keys else [None] * len(row)
        cells = []
        for text, key in zip(row, keys):
            attribute = f' data-sort="{key:.9g}"' if key is not None and not math.isnan(key) else ""
            cells.append(f"<td{attribute}>{html.escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def html_section(section: Section) -> list[str]:
    anchor = re.sub(r"[^a-z0-9]+", "-", section.title.lower()).strip("-")
    out = [f'<section id="{anchor}"><h2>{html.escape(section.title)}</h2>']
    out += [f"<p>{_html_text(paragraph)}</p>" for paragraph in section.paragraphs]
    for caption, table in section.tables:
        if caption:
            out.append(f"<h3>{html.escape(caption)}</h3>")
        out.append(html_table(table))
    out += [f"<p>{_html_text(paragraph)}</p>" for paragraph in section.after]
    out.append("</section>")
    return out


def to_html(report: Report) -> str:
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(report.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
    ]
    for section in report.leading:
        out += html_section(section)
    if report.warnings:
        out.append('<section class="warnings" id="warnings"><h2>Warnings</h2><ul>')
        out += [
            f'<li data-code="{html.escape(warning.code)}">{html.escape(warning.text)}</li>'
            for warning in report.warnings
        ]
        out.append("</ul></section>")
    for section in report.following:
        out += html_section(section)
    if report.pictures:
        out.append('<section id="pictures"><h2>Pictures</h2>')
        for picture in report.pictures:
            encoded = base64.b64encode(picture.png.read_bytes()).decode("ascii")
            out.append(f"<figure><figcaption>{html.escape(picture.title)}</figcaption>")
            out.append(f'<img alt="{html.escape(picture.title)}" src="data:image/png;base64,{encoded}"></figure>')
        out.append("</section>")
    out.append(f"<script>{SORT_SCRIPT}</script></body></html>")
    return "\n".join(out)


def to_text_format(report: Report, tablefmt: str, heading: Callable[[str, int], str]) -> str:
    """The tables in another tabulate format (reStructuredText, LaTeX) for docs and papers."""
    out = [heading(report.title, 1)]
    for section in [*report.leading, *report.following]:
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


class MarkdownExporter(Exporter):
    name, description = "markdown", "report.md (GitHub tables) and answer.md (the answer alone, for a README)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        written = [layout.write_atomically(out_dir / "report.md", to_markdown(report))]
        if report.leading:
            written.append(layout.write_atomically(out_dir / "answer.md", answer_markdown(report)))
        return written


class HtmlExporter(Exporter):
    name, description = "html", "report.html (self-contained, plots inline)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return [layout.write_atomically(out_dir / "report.html", to_html(report))]


class RstExporter(Exporter):
    name, description = "rst", "report.rst (reStructuredText tables)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return [layout.write_atomically(out_dir / "report.rst", to_text_format(report, "rst", _rst_heading))]


class LatexExporter(Exporter):
    name, description = "latex", "report.tex (booktabs tables)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        text = to_text_format(report, "latex_booktabs", _latex_heading)
        return [layout.write_atomically(out_dir / "report.tex", text)]


class CsvExporter(Exporter):
    name, description = "csv", "results.csv (one row per repetition) and cells.csv (one row per cell)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        runs = layout.write_atomically(out_dir / "results.csv", report.runs.to_csv(index=False))
        cells = layout.write_atomically(
            out_dir / "cells.csv", report.summary.drop(columns=["walls", "rounds"]).to_csv(index=False)
        )
        return [runs, cells]


class PyperfExporter(Exporter):
    name, description = "pyperf", "pyperf/<interpreter>.json (for python -m pyperf compare_to)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return pyperf_export.write_all([(c.name, c.document) for c in report.columns], out_dir / "pyperf")


EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        MarkdownExporter(),
        HtmlExporter(),
        CsvExporter(),
        RstExporter(),
        LatexExporter(),
        PyperfExporter(),
    )
}
DEFAULT_FORMATS = ("markdown", "html", "csv", "pyperf")
