"""Exporters: one small interface, one class per format (Markdown, answer JSON, HTML, CSV, reStructuredText, LaTeX,
pyperf).

Host code.  Every exporter writes the same :class:`~bench.report.content.Report`;
tables go through tabulate, and every string that came from a result file
(interpreter labels, workload names, reasons) is escaped for the format it lands in.
Files are written atomically (:func:`bench.layout.write_atomically`).
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from pathlib import Path

import pandas as pd
from tabulate import tabulate

from bench import layout
from bench.report import pyperf_export
from bench.report.content import Picture, Report, Section, Table
from bench.result import RunWarning


class Exporter:
    """Writes a report in one format under ``out_dir``; returns the files it wrote."""

    name = ""
    description = ""

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        raise NotImplementedError


# --- one rendering walk --------------------------------------------------------------------------


class Markup:
    """A format's primitives.  :func:`render` walks every report in the one reading order (answer, warnings,
    sections, pictures), so every format says the same thing; a format supplies only how each piece looks
    (hyperfine's ``MarkupExporter`` is the model).  Each primitive returns lines, joined with newlines."""

    def heading(self, text: str, level: int) -> list[str]:
        raise NotImplementedError

    def paragraph(self, text: str) -> list[str]:
        raise NotImplementedError

    def table(self, table: Table) -> list[str]:
        raise NotImplementedError

    def bullets(self, items: list[str]) -> list[str]:
        raise NotImplementedError

    def image(self, picture: Picture) -> list[str]:
        raise NotImplementedError

    def start(self, title: str) -> list[str]:
        return self.heading(title, 1)

    def end(self) -> list[str]:
        return []

    def section(self, section: Section) -> list[str]:
        out = self.heading(section.title, 2)
        for paragraph in section.paragraphs:
            out += self.paragraph(paragraph)
        for caption, table in section.tables:
            if caption:
                out += self.heading(caption, 3)
            out += self.table(table)
        for paragraph in section.after:
            out += self.paragraph(paragraph)
        return out

    def warnings(self, warnings: list[RunWarning]) -> list[str]:
        return self.heading("Warnings", 2) + self.bullets([f"⚠ {warning.text}" for warning in warnings])

    def pictures(self, pictures: list[Picture]) -> list[str]:
        out = self.heading("Pictures", 2)
        for picture in pictures:
            out += self.heading(picture.title, 3) + self.image(picture)
        return out


def render(report: Report, markup: Markup) -> str:
    """The one walk over a report: the answer first, then warnings, every other section, and the pictures."""
    out = markup.start(report.title)
    for section in report.leading:
        out += markup.section(section)
    if report.warnings:
        out += markup.warnings(report.warnings)
    for section in report.following:
        out += markup.section(section)
    if report.pictures:
        out += markup.pictures(report.pictures)
    out += markup.end()
    return "\n".join(out)


# --- Markdown -------------------------------------------------------------------------------


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
"""Where raw HTML or an autolink could begin in Markdown (a tag, ``</``, ``<!--``, ``<?``); ``p < 0.01`` cannot."""
_BLOCK_START = re.compile(r"^(?:[#>\[]|[-+*](?=\s|$)|~~~|```|(?:[-*_]\s*){3,}$|(\d{1,9})[.)](?=\s|$))")
"""What would make the start of a paragraph or bullet a heading, quote, link definition, list, fence or rule."""


def markdown_text(text: str) -> str:
    """Text as Markdown that renders as that text, whatever a result file put in it (labels, host names,
    workload names, reasons): one line (a newline could start a heading or a list), no raw HTML or autolink
    (``<script>``, ``<img onerror=...>``), no link or image (``](``), no block syntax at its start.  Only the
    parts outside code spans are escaped: inside them Markdown shows everything as it is."""
    parts = " ".join(text.splitlines()).split("`")
    for index, part in enumerate(parts):
        unmatched = index == len(parts) - 1 and len(parts) % 2 == 0  # after a lone backtick: plain text again
        if index % 2 == 0 or unmatched:
            parts[index] = _TAG_START.sub("&lt;", part).replace("](", "]\\(")
    return "`".join(parts)


def markdown_block(text: str) -> str:
    """A paragraph or a bullet's text: :func:`markdown_text`, and nothing at its start that opens a block."""
    escaped = markdown_text(text)
    found = _BLOCK_START.match(escaped)
    if not found:
        return escaped
    at = len(found.group(1)) if found.group(1) else 0  # "1." -> "1\.", anything else -> "\" before it
    return f"{escaped[:at]}\\{escaped[at:]}"


MARKDOWN_WIDTH = 160
"""The longest line report.md and answer.md write outside tables: what a terminal or a GitHub page shows without
scrolling sideways.  Markdown joins a paragraph's lines with a space, so the wrapping is invisible rendered."""


def _breakable_words(text: str) -> list[str]:
    """The words of a line, split at spaces outside code spans (kept whole, so that they can be copied, where they
    fit in a line)."""
    words, current, in_code = [], "", False
    for char in text:
        if char == "`":
            in_code = not in_code
        if char == " " and not in_code:
            if current:
                words.append(current)
            current = ""
        else:
            current += char
    words = [*words, current] if current else words
    # A code span longer than a line is broken too: Markdown reads a line end inside one as a space.
    return [part for word in words for part in (word.split(" ") if len(word) > MARKDOWN_WIDTH - 2 else [word])]


def wrapped(block: str, first: str = "", rest: str = "") -> list[str]:
    """A paragraph or bullet (already escaped) in lines of at most :data:`MARKDOWN_WIDTH` characters where its
    words allow; a line never starts with what would open a block there (a list, heading, quote, rule or setext
    underline): the break moves one word back, so it reads as the same paragraph."""
    lines: list[str] = []
    current: list[str] = []
    for word in _breakable_words(block):
        prefix = rest if lines else first
        if current and len(prefix) + len(" ".join([*current, word])) > MARKDOWN_WIDTH:
            carried = [] if _may_start_line(word) else current[-1:]
            if len(carried) < len(current):
                lines.append(prefix + " ".join(current[: len(current) - len(carried)]))
                current = carried
        current.append(word)
    lines.append((rest if lines else first) + " ".join(current))
    return lines


def _may_start_line(word: str) -> bool:
    return not _BLOCK_START.match(word) and not re.fullmatch(r"=+", word)


def markdown_bullets(items: list[str]) -> list[str]:
    """A Markdown list, each item escaped and wrapped, its lines after the first indented under it."""
    return [line for item in items for line in wrapped(markdown_block(item), "- ", "  ")]


def _md_escape(text: str) -> str:
    """A table cell or heading: :func:`markdown_text`, and ``|`` would end a table cell."""
    return markdown_text(text).replace("|", "\\|")


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
        for table in [section.brief] if section.brief is not None else [table for _, table in section.tables]:
            out += [compact_markdown_table(table), ""]
        out += markdown_bullets(section.after)
    for section in report.sections:
        if section.in_answer:
            out += ["", f"{section.title}:", ""]
            out += markdown_bullets(section.after)
    return "\n".join(out) + "\n"


class MarkdownMarkup(Markup):
    def heading(self, text: str, level: int) -> list[str]:
        return [f"{'#' * level} {_md_escape(text)}", ""]

    def paragraph(self, text: str) -> list[str]:
        return [*wrapped(markdown_block(text)), ""]

    def table(self, table: Table) -> list[str]:
        return [markdown_table(table), ""]

    def bullets(self, items: list[str]) -> list[str]:
        return [*markdown_bullets(items), ""]

    def image(self, picture: Picture) -> list[str]:
        alt = markdown_text(picture.title).replace("[", "\\[").replace("]", "\\]")
        return [f"![{alt}](plots/{picture.png.name})", ""]


def to_markdown(report: Report) -> str:
    return render(report, MarkdownMarkup())


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


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class HtmlMarkup(Markup):
    """A self-contained page: sections with anchors, sortable tables, pictures inline."""

    def heading(self, text: str, level: int) -> list[str]:
        return [f"<h{level}>{html.escape(text)}</h{level}>"]

    def paragraph(self, text: str) -> list[str]:
        return [f"<p>{_html_text(text)}</p>"]

    def table(self, table: Table) -> list[str]:
        return [html_table(table)]

    def bullets(self, items: list[str]) -> list[str]:
        return ["<ul>", *(f"<li>{html.escape(item)}</li>" for item in items), "</ul>"]

    def image(self, picture: Picture) -> list[str]:
        encoded = base64.b64encode(picture.png.read_bytes()).decode("ascii")
        return [
            f"<figure><figcaption>{html.escape(picture.title)}</figcaption>",
            f'<img alt="{html.escape(picture.title)}" src="data:image/png;base64,{encoded}"></figure>',
        ]

    def start(self, title: str) -> list[str]:
        return [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
        ]

    def end(self) -> list[str]:
        return [f"<script>{SORT_SCRIPT}</script></body></html>"]

    def section(self, section: Section) -> list[str]:
        inner = super().section(section)
        return [f'<section id="{_anchor(section.title)}">' + inner[0], *inner[1:], "</section>"]

    def warnings(self, warnings: list[RunWarning]) -> list[str]:
        items = [
            f'<li data-code="{html.escape(warning.code)}">{html.escape(warning.text)}</li>' for warning in warnings
        ]
        return ['<section class="warnings" id="warnings"><h2>Warnings</h2><ul>', *items, "</ul></section>"]

    def pictures(self, pictures: list[Picture]) -> list[str]:
        out = ['<section id="pictures"><h2>Pictures</h2>']
        for picture in pictures:
            out += self.image(picture)
        return [*out, "</section>"]


def to_html(report: Report) -> str:
    return render(report, HtmlMarkup())


# --- reStructuredText and LaTeX, for docs and papers ---------------------------------------------


class RstMarkup(Markup):
    def heading(self, text: str, level: int) -> list[str]:
        text = " ".join(text.split())
        return [text, "=-~"[level - 1] * len(text), ""]

    def paragraph(self, text: str) -> list[str]:
        return [_rst_escape(text), ""]

    def table(self, table: Table) -> list[str]:
        rows = [[" ".join(cell.split()) for cell in row] for row in table.rows]
        return [tabulate(rows, headers=table.headers, tablefmt="rst", disable_numparse=True), ""]

    def bullets(self, items: list[str]) -> list[str]:
        return [f"- {_rst_escape(item)}" for item in items] + [""]

    def image(self, picture: Picture) -> list[str]:
        return [f".. image:: plots/{picture.png.name}", f"   :alt: {' '.join(picture.title.split())}", ""]


def _rst_escape(text: str) -> str:
    """Plain text in reStructuredText: markup characters escaped, `code` spans kept as literal text."""
    out = []
    for part in re.split(r"(`[^`]+`)", " ".join(text.split())):
        literal = len(part) > 1 and part.startswith("`") and part.endswith("`")
        out.append(f"`{part}`" if literal else re.sub(r"([\\*_|`])", r"\\\1", part))
    return "".join(out)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _latex_escape(text: str) -> str:
    """Plain text in LaTeX: special characters escaped, `code` spans set in \\texttt."""
    out = []
    for part in re.split(r"(`[^`]+`)", " ".join(text.split())):
        literal = len(part) > 1 and part.startswith("`") and part.endswith("`")
        escaped = "".join(_LATEX_SPECIAL.get(char, char) for char in (part[1:-1] if literal else part))
        out.append(f"\\texttt{{{escaped}}}" if literal else escaped)
    return "".join(out)


class LatexMarkup(Markup):
    def heading(self, text: str, level: int) -> list[str]:
        command = ("section*", "subsection*", "subsubsection*")[level - 1]
        return [f"\\{command}{{{_latex_escape(text)}}}", ""]

    def paragraph(self, text: str) -> list[str]:
        return [_latex_escape(text), ""]

    def table(self, table: Table) -> list[str]:
        return [tabulate(table.rows, headers=table.headers, tablefmt="latex_booktabs", disable_numparse=True), ""]

    def bullets(self, items: list[str]) -> list[str]:
        return ["\\begin{itemize}", *(f"\\item {_latex_escape(item)}" for item in items), "\\end{itemize}", ""]

    def image(self, picture: Picture) -> list[str]:
        return [f"\\includegraphics[width=\\linewidth]{{plots/{picture.png.name}}}", ""]


class MarkdownExporter(Exporter):
    name, description = "markdown", "report.md (GitHub tables) and answer.md (the answer alone, for a README)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        written = [layout.write_atomically(out_dir / "report.md", to_markdown(report))]
        if report.leading:
            written.append(layout.write_atomically(out_dir / "answer.md", answer_markdown(report)))
        return written


def _finite(value: object) -> object:
    """JSON has no NaN: a missing number (no interval, no task times) is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {name: _finite(item) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


class AnswerJsonExporter(Exporter):
    name, description = (
        "json",
        "answer.json (the answer's breakdown: per workload and interpreter, every gain and test)",
    )

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        text = json.dumps(_finite(report.answer), indent=2, allow_nan=False) + "\n"
        return [layout.write_atomically(out_dir / layout.ANSWER_FILE, text)]


class HtmlExporter(Exporter):
    name, description = "html", "report.html (self-contained, plots inline)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return [layout.write_atomically(out_dir / "report.html", to_html(report))]


class RstExporter(Exporter):
    name, description = "rst", "report.rst (reStructuredText tables)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return [layout.write_atomically(out_dir / "report.rst", render(report, RstMarkup()))]


class LatexExporter(Exporter):
    name, description = "latex", "report.tex (booktabs tables)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return [layout.write_atomically(out_dir / "report.tex", render(report, LatexMarkup()))]


WHOLE_NUMBERS = ("repetition", "round", "tasks", "peak_rss_bytes", "on_cpu", "usable_cpus", "workers", "n")
"""Columns that count or name something: written as whole numbers, with an empty field where nothing was measured
(pandas holds them as floats once any row lacks one)."""


def _whole(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with :data:`WHOLE_NUMBERS` as nullable integers (``12``, not ``12.0``)."""
    whole = [
        column
        for column in WHOLE_NUMBERS
        if column in frame and bool((pd.to_numeric(frame[column], errors="coerce").dropna() % 1 == 0).all())
    ]  # a median of counts that falls between two stays as it is
    converted: pd.DataFrame = frame.astype({column: "Int64" for column in whole})
    return converted


class CsvExporter(Exporter):
    name, description = "csv", "results.csv (one row per repetition), cells.csv (per cell), comparisons.csv (per test)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        runs = layout.write_atomically(out_dir / "results.csv", _whole(report.runs).to_csv(index=False))
        cells = layout.write_atomically(
            out_dir / "cells.csv", _whole(report.summary.drop(columns=["walls", "rounds"])).to_csv(index=False)
        )
        compared = layout.write_atomically(
            out_dir / "comparisons.csv", report.computed.comparisons.frame().to_csv(index=False)
        )
        return [runs, cells, compared]


class PyperfExporter(Exporter):
    name, description = "pyperf", "pyperf/<interpreter>.json (for python -m pyperf compare_to)"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        return pyperf_export.write_all([(c.name, c.document) for c in report.columns], out_dir / "pyperf")


EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        MarkdownExporter(),
        AnswerJsonExporter(),
        HtmlExporter(),
        CsvExporter(),
        RstExporter(),
        LatexExporter(),
        PyperfExporter(),
    )
}
DEFAULT_FORMATS = ("markdown", "json", "html", "csv", "pyperf")
