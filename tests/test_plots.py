"""Pictures: which cells they draw, in the vocabulary's strategies and line styles, and the options that choose them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.errors import UsageError
from bench.report import compute, plots
from bench.report.load import load_paths
from bench.result import Cell, Repetition, TaskRecord
from bench.vocabulary import POOLED

BASIC = Path(__file__).resolve().parent / "fixtures" / "run-basic"


@pytest.fixture(scope="module")
def computed() -> compute.Computed:
    return compute.compute(load_paths([BASIC]).results)


def test_every_pooled_strategy_has_a_line_style_of_its_own() -> None:
    assert list(plots.EXECUTOR_STYLES) == list(POOLED)
    assert len({style for style, _ in plots.EXECUTOR_STYLES.values()}) == len(POOLED)


def test_a_timeline_is_named_workload_executor_workers() -> None:
    choice = plots.parse_cell("mod:func:threads:5")
    assert (choice.workload, choice.executor, choice.workers) == ("mod:func", "threads", 5)
    assert str(choice) == "mod:func:threads:5" and choice.slug == "mod_func-threads-x5"
    for bad in ("cpu-threads", "cpu:threads:0", "cpu:threads:x"):
        with pytest.raises(UsageError, match="expected WORKLOAD:EXECUTOR:WORKERS"):
            plots.parse_cell(bad)


def test_a_timeline_of_an_unmeasured_cell_names_the_measured_ones(computed: compute.Computed) -> None:
    with pytest.raises(UsageError, match=r"no interpreter measured that cell; measured: cpu:processes:1, "):
        plots.check_timelines([plots.parse_cell("cpu:threads:64")], computed.summary)


def test_a_typical_run_is_the_median_repetition_not_the_first() -> None:
    task = (TaskRecord(0.0, 0.1, 0, "cpu"),)
    cell = Cell("cpu", "serial", 1, runs=tuple(Repetition(wall, 0.0, task) for wall in (3.0, 1.0, 2.0, 4.0)))
    found = plots.median_run(cell)
    assert found is not None and found.wall_s == 2.0  # the lower of the two middle ones
    assert plots.median_run(Cell("cpu", "serial", 1, runs=(Repetition(1.0, 0.0, ()),))) is None  # nothing to draw


def test_the_speed_up_picture_names_the_strategies_it_draws_with_their_lines() -> None:
    assert plots.speedup_title(["threads", "processes", "interpreters"]) == (
        "Speed-up of threads (solid), processes (dashed) and subinterpreters (dash-dot) over each interpreter's "
        "serial run"
    )
    assert plots.speedup_title(["processes", "threads"]) == (
        "Speed-up of threads (solid) and processes (dashed) over each interpreter's serial run"
    )


def test_the_speed_up_picture_is_drawn(computed: compute.Computed, tmp_path: Path) -> None:
    picture = plots.speedup_curves(computed.summary, [c.name for c in computed.columns], computed.traits, tmp_path)
    assert picture is not None and picture.png.stat().st_size > 10_000 and picture.svg.is_file()


VERDICTS = Path(__file__).resolve().parent / "fixtures" / "run-verdicts"


def _svg_texts(path: Path) -> list[str]:
    """matplotlib's SVG keeps each text it draws as a comment."""
    import re

    return re.findall(r"<!-- (.*?) -->", path.read_text())


def test_the_speed_up_legend_lists_every_line_drawn_in_any_panel(tmp_path: Path) -> None:
    """Wrong: a legend taken from the first panel (cpu), which has no 'ideal: workers' line, while io's panel
    draws one."""
    verdicts = compute.compute(load_paths([VERDICTS]).results)
    picture = plots.speedup_curves(
        verdicts.summary, [c.name for c in verdicts.columns], verdicts.traits, tmp_path / "plots"
    )
    assert picture is not None
    texts = _svg_texts(picture.svg)
    assert "ideal: min(workers, usable CPUs)" in texts and "ideal: workers (waits overlap)" in texts
    assert {"3.13 threads", "3.13t subinterpreters", "pypy3 processes"} <= set(texts)


def test_the_interpreters_picture_names_each_fastest_strategy(tmp_path: Path) -> None:
    """Wrong: a diamond marked only "fastest": 3.13's fastest cpu run was 2 processes, 3.13t's 5 threads."""
    verdicts = compute.compute(load_paths([VERDICTS]).results)
    picture = plots.interpreters_points(verdicts.summary, [c.name for c in verdicts.columns], tmp_path / "plots")
    assert picture is not None
    texts = _svg_texts(picture.svg)
    assert {"0.56 2 processes", "0.66 5 threads", "0.02 serial"} <= set(texts)
    assert "0.02" not in texts  # pypy3's serial run is its fastest: drawn once, named
    assert any("range of the rounds" in text for text in texts)
