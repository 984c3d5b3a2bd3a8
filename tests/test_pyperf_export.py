"""pyperf's own format for every cell: names it accepts, one file per interpreter, readable by pyperf itself."""

from __future__ import annotations

from pathlib import Path

import pyperf

from bench.report import pyperf_export
from bench.report.load import load_paths
from bench.result import Cell

BASIC = Path(__file__).parent / "fixtures" / "run-basic"


def test_text_pyperf_would_refuse_is_put_on_one_line() -> None:
    assert pyperf_export.one_line("host\nname") == "host name"
    assert pyperf_export.benchmark_name(Cell("mod:f", "threads", 5)) == "mod:f-threads-x5"


def test_two_columns_never_share_a_file_name() -> None:
    names = pyperf_export.distinct_file_names(["a (run 1)", "a (run-1)", "A (run 1)"])
    assert len({name.lower() for name in names}) == 3


def test_every_measured_cell_is_a_pyperf_benchmark_pyperf_reads_back(tmp_path: Path) -> None:
    columns = load_paths([BASIC]).results
    written = pyperf_export.write_all([(column.name, column.document) for column in columns], tmp_path)
    assert len(written) == len(columns)
    suite = pyperf.BenchmarkSuite.load(str(written[0]))
    measured = [cell for cell in columns[0].document.cells if cell.runs]
    assert sorted(suite.get_benchmark_names()) == sorted(pyperf_export.benchmark_name(cell) for cell in measured)
