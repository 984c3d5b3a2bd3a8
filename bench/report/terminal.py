"""The answer where the user is: answer.md's table in the terminal, fitted to its width, with the path of the full
report; and, in a GitHub Actions job, the same table appended to the job's summary.

Host code.  pyperf, hyperfine and pytest-benchmark all end by printing their result table; a run that took minutes
should not end in "wrote ..." lines alone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tabulate import tabulate

from bench.report.content import Report, Table

NARROWEST_COLUMN = 8
"""A column is wrapped to no fewer characters than this, however narrow the terminal."""
SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"
"""GitHub Actions' job summary: a file whose Markdown is shown on the run's page."""


def answer_table(report: Report) -> Table | None:
    """The table answer.md opens with (the answer's narrow table), if the report has an answer."""
    for section in report.leading:
        if section.brief is not None:
            return section.brief
        if section.tables:
            return section.tables[0][1]
    return None


def fitted(table: Table, width: int) -> str:
    """The table as plain text no wider than ``width`` where it can be: the widest columns are wrapped first,
    none below :data:`NARROWEST_COLUMN` characters."""
    columns = len(table.headers)
    widths = [max(len(str(cell)) for cell in [header, *(row[at] for row in table.rows)]) for at, header in
              enumerate(table.headers)]  # fmt: skip
    gaps = 2 * (columns - 1)
    while sum(widths) + gaps > width and max(widths) > NARROWEST_COLUMN:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return tabulate(
        table.rows, headers=table.headers, tablefmt="simple", maxcolwidths=widths, maxheadercolwidths=widths,
        disable_numparse=True,
    )  # fmt: skip


def terminal_answer(report: Report, full_report: Path, quiet: bool = False, width: int | None = None) -> str:
    """What the terminal shows at the end: the answer's table fitted to the terminal, then (unless ``quiet``)
    where the full report is."""
    table = answer_table(report)
    columns = width if width is not None else shutil.get_terminal_size((160, 40)).columns
    lines = [fitted(table, columns)] if table is not None else ["(no answer: no workload had a cell that finished)"]
    if not quiet:
        lines.append(f"full report: {full_report}")
    return "\n".join(lines)


def append_step_summary(markdown: str, full_report: Path) -> Path | None:
    """Append the answer (answer.md's Markdown) to the job summary when :data:`SUMMARY_VARIABLE` names a file."""
    target = os.environ.get(SUMMARY_VARIABLE)
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as summary:
        summary.write(f"## gilbench: the answer\n\n{markdown.rstrip()}\n\nFull report: `{full_report}`\n\n")
    return path
