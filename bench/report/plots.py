"""The report's pictures (matplotlib): speed-up curves, task timelines, interpreters side by side.

Host code.  Each figure is written as PNG and SVG under ``plots/``; the HTML
report embeds the PNGs inline so it needs no other file and no network.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from bench import layout
from bench.errors import UsageError
from bench.report.compute import Traits, traits_of
from bench.report.content import CellChoice, Picture
from bench.report.selection import answerable
from bench.report.speed_probe import ProbeSummary
from bench.result import Cell, Document, Repetition
from bench.vocabulary import ONE_WORKER_BASELINES, POOLED, cell_id, strategy, strategy_label

KIND_COLOURS = {"cpu": "#d62728", "io": "#1f77b4", "hash": "#9467bd", "objects": "#ff7f0e", "sleep": "#2ca02c"}
LINE_STYLES: tuple[tuple[Any, str], ...] = (
    ("-", "solid"),
    ("--", "dashed"),
    ("-.", "dash-dot"),
    ((0, (5, 1, 1, 1, 1, 1)), "dash-dot-dot"),
    (":", "dotted"),
)
EXECUTOR_STYLES = {name: LINE_STYLES[index % len(LINE_STYLES)] for index, name in enumerate(POOLED)}
"""Each pooled strategy's line in the speed-up curves, in the vocabulary's order."""


def parse_cell(text: str) -> CellChoice:
    """``WORKLOAD:EXECUTOR:WORKERS`` (the workload may itself be ``module:function``)."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[2].isdigit() or int(parts[2]) < 1:
        raise UsageError(f"--timeline {text!r}: expected WORKLOAD:EXECUTOR:WORKERS, e.g. cpu:threads:5")
    return CellChoice(parts[0], parts[1], int(parts[2]))


def _save(figure: Figure, out_dir: Path, name: str, title: str) -> Picture:
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
    for path, options in ((png, {"dpi": 110}), (svg, {"metadata": {"Date": None}})):  # SVG: no timestamp
        buffer = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "gilbench"}):  # fixed ids: the same data, the same SVG
            figure.savefig(buffer, format=path.suffix[1:], bbox_inches="tight", **options)
        layout.write_atomically(path, buffer.getvalue())
    plt.close(figure)
    return Picture(title, png, svg)


def speedup_curves(summary: pd.DataFrame, names: list[str], traits: Traits, out_dir: Path) -> Picture | None:
    """Workers on x, speed-up over the same interpreter's serial run on y, ideal line drawn."""
    parallel = summary[summary["executor"].isin(list(EXECUTOR_STYLES)) & summary["speedup"].notna()]
    if parallel.empty:
        return None
    workloads = list(dict.fromkeys(parallel["workload"]))
    columns = min(3, len(workloads))
    rows = (len(workloads) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 3.8 * rows), squeeze=False)
    for axis, workload in zip(axes.flat, workloads):
        mine = parallel[parallel["workload"] == workload]
        counts = sorted(set(mine["workers"]))
        plain = mine.groupby("workers")["ideal_cpus"].first()
        cpu_bound = traits_of(traits, workload).cpu_bound
        axis.plot(
            counts,
            [plain[count] for count in counts],
            color="grey",
            linewidth=3,
            alpha=0.3,
            label="ideal: min(workers, usable CPUs)" if cpu_bound else "ideal: workers (waits overlap)",
        )
        for index, name in enumerate(names):
            measured = mine[mine["interpreter"] == name].groupby("workers")["ideal"].first()
            if cpu_bound and any(abs(measured - plain[measured.index]) > 0.01):
                axis.plot(
                    list(measured.index),
                    list(measured),
                    color=f"C{index}",
                    linewidth=1,
                    linestyle=":",
                    label=f"{name} ideal, as its CPUs measured",
                )
        for index, name in enumerate(names):
            for executor, (style, _) in EXECUTOR_STYLES.items():
                line = mine[(mine["interpreter"] == name) & (mine["executor"] == executor)].sort_values("workers")
                if line.empty:
                    continue
                errors = [line["speedup"] - line["speedup_low"], line["speedup_high"] - line["speedup"]]
                axis.errorbar(
                    line["workers"],
                    line["speedup"],
                    yerr=errors,
                    linestyle=style,
                    marker="o",
                    markersize=4,
                    capsize=2,
                    color=f"C{index}",
                    label=f"{name} {strategy(executor).public}",
                )
        axis.set_title(workload)
        axis.set_xlabel("workers")
        axis.set_ylabel("speed-up over serial")
        axis.set_xticks(counts)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(workloads) :]:
        axis.set_visible(False)
    drawn: dict[str, Any] = {}  # every line of every panel, once: a panel may draw what the first one does not
    for axis in list(axes.flat)[: len(workloads)]:
        for handle, label in zip(*axis.get_legend_handles_labels()):
            drawn.setdefault(label, handle)
    figure.suptitle(speedup_title(list(dict.fromkeys(parallel["executor"]))))
    figure.tight_layout()
    figure.legend(
        list(drawn.values()), list(drawn), loc="upper center", ncol=min(4, len(drawn)), bbox_to_anchor=(0.5, 0.0)
    )
    return _save(figure, out_dir, "speedup", "Speed-up curves")


def speedup_title(executors: list[str]) -> str:
    """What the speed-up picture draws, each strategy with its line style, in the vocabulary's order."""
    drawn = [f"{strategy(name).words} ({look})" for name, (_, look) in EXECUTOR_STYLES.items() if name in executors]
    listed = ", ".join(drawn[:-1]) + f" and {drawn[-1]}" if len(drawn) > 1 else "".join(drawn)
    return f"Speed-up of {listed} over each interpreter's serial run"


def check_timelines(choices: list[CellChoice], summary: pd.DataFrame) -> None:
    """Refuse, in one line, a timeline of a cell no interpreter measured."""
    for choice in choices:
        measured = summary[
            (summary["workload"] == choice.workload)
            & (summary["executor"] == choice.executor)
            & (summary["workers"] == choice.workers)
            & summary["n"].gt(0)
        ]
        if measured.empty:
            cells = sorted(
                {cell_id(w, e, n) for w, e, n in zip(summary["workload"], summary["executor"], summary["workers"])}
            )
            raise UsageError(f"--timeline {choice}: no interpreter measured that cell; measured: {', '.join(cells)}")


def median_run(cell: Cell) -> Repetition | None:
    """The repetition with the median wall time (the lower of the two middle ones): a typical run, not the first."""
    runs = sorted((run for run in cell.runs if run.tasks), key=lambda run: run.wall_s)
    return runs[(len(runs) - 1) // 2] if runs else None


def _draw_tasks(axis: Any, run: Repetition, workers: int, kinds_seen: dict[str, Any], scale: float) -> None:
    for task in run.tasks:
        bars = axis.broken_barh(
            [(task.start_s * scale, task.duration_s * scale)],
            (task.worker - 0.4, 0.8),
            facecolors=KIND_COLOURS.get(task.kind, "#7f7f7f"),
            edgecolor="white",
            linewidth=0.3,
        )
        kinds_seen.setdefault(task.kind, bars)
    axis.axvline(run.wall_s * scale, color="black", linewidth=0.8)
    axis.set_yticks(range(workers))
    axis.set_yticklabels([f"w{index}" for index in range(workers)], fontsize=7)
    axis.set_ylim(-0.6, workers - 0.4)
    axis.grid(axis="x", alpha=0.3)


def _unit(seconds: float) -> tuple[float, str]:
    return (1.0, "s") if seconds >= 1.0 else (1000.0, "ms")


def _panel_title(name: str, choice: tuple[str, int], run: Repetition, scale: float, unit: str) -> str:
    executor, workers = choice
    return f"{name}, {strategy_label(executor, workers)}: {run.wall_s * scale:.3g} {unit}"


TalkRow = tuple[str, list[tuple[tuple[str, str, int], Repetition]]]
"""One interpreter's panels of the talk's picture: each cell's key and its median repetition."""


def talk_rows(workload: str, results: list[tuple[str, Document]]) -> list[TalkRow]:
    """Per interpreter, the one-worker baseline (serial, else a pool of one thread) and each strategy at the most
    workers measured: a seed run's 1 thread, 5 threads and 5 processes."""
    rows = []
    for name, document in results:
        cells = {cell.key: cell for cell in document.cells if cell.workload == workload and cell.runs}
        parallel = [w for (_, e, w) in cells if e in EXECUTOR_STYLES and w > 1]
        if not parallel:
            continue
        most = max(parallel)
        one = next((key for e, w in ONE_WORKER_BASELINES if (key := (workload, e, w)) in cells), None)
        strategies = [(workload, executor, most) for executor in EXECUTOR_STYLES]
        chosen = [key for key in (one, *strategies) if key in cells]
        runs = [(key, median_run(cells[key])) for key in chosen if key is not None]
        panels = [(key, run) for key, run in runs if run is not None]
        if panels:
            rows.append((name, panels))
    return rows


def talk_figure(workload: str, results: list[tuple[str, Document]], out_dir: Path) -> Picture | None:
    """The talk's picture: the one-worker baseline and each strategy side by side, one row per interpreter.

    One bar per task from its start to its end, coloured by kind, from each cell's median repetition.  Every
    panel of the workload shares one time axis, across interpreters too: the talk's point is how long each
    took, and a scale per interpreter would hide that PyPy's cpu cells end fifty times sooner.
    """
    rows = talk_rows(workload, results)
    if not rows:
        return None
    columns = max(len(panels) for _, panels in rows)
    most_workers = max(key[2] for _, panels in rows for key, _ in panels)
    figure, axes = plt.subplots(
        len(rows), columns, figsize=(4.2 * columns, 0.9 + (0.35 * most_workers + 0.8) * len(rows)), squeeze=False
    )
    kinds_seen: dict[str, Any] = {}
    longest = max(run.wall_s for _, panels in rows for _, run in panels)
    scale, unit = _unit(longest)
    for row_axes, (name, panels) in zip(axes, rows):
        for axis, (key, run) in zip(row_axes, panels):
            _draw_tasks(axis, run, key[2], kinds_seen, scale)
            axis.set_xlim(0, longest * scale * 1.02)
            axis.set_title(_panel_title(name, (key[1], key[2]), run, scale, unit), fontsize=9, loc="left")
            axis.set_xlabel(f"{unit} since the pool was created", fontsize=8)
        for axis in row_axes[len(panels) :]:
            axis.set_visible(False)
    figure.legend(list(kinds_seen.values()), [f"{kind} task" for kind in kinds_seen], loc="upper right")
    figure.suptitle(f"{workload}: the one-worker baseline and each strategy (median run; one time scale)")
    figure.tight_layout()
    return _save(figure, out_dir, f"talk-{workload}", f"The talk's picture: {workload}")


def timeline(choice: CellChoice, results: list[tuple[str, Document]], out_dir: Path) -> Picture | None:
    """One panel per interpreter, one row per worker, one bar per task (median repetition, own time scale)."""
    wanted = (choice.workload, choice.executor, choice.workers)
    panels = [
        (name, run)
        for name, document in results
        for cell in document.cells
        if cell.key == wanted and (run := median_run(cell)) is not None
    ]
    if not panels:
        return None
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(11, 1.2 + (0.35 * choice.workers + 0.8) * len(panels)), squeeze=False
    )
    kinds_seen: dict[str, Any] = {}
    for axis, (name, run) in zip(axes.flat, panels):
        scale, unit = _unit(run.wall_s)
        _draw_tasks(axis, run, choice.workers, kinds_seen, scale)
        axis.set_xlim(0, run.wall_s * scale * 1.02)
        axis.set_title(_panel_title(name, (choice.executor, choice.workers), run, scale, unit), loc="left", fontsize=10)
        axis.set_xlabel(f"{unit} since the pool was created")
    figure.legend(list(kinds_seen.values()), list(kinds_seen), loc="upper right")
    figure.suptitle(f"Task timeline: {choice} (median run; each interpreter on its own time scale)")
    figure.tight_layout()
    return _save(figure, out_dir, f"timeline-{choice.slug}", f"Task timeline: {choice}")


def interpreters_points(summary: pd.DataFrame, names: list[str], out_dir: Path) -> Picture | None:
    """Serial and fastest time per interpreter, one panel per workload on its own linear axis, each point with the
    range of its rounds and its value written; the fastest point names its strategy (a reader cannot act on "the
    fastest" without knowing what it was)."""
    workloads = list(dict.fromkeys(summary["workload"]))
    if not workloads:
        return None
    columns = min(3, len(workloads))
    rows = (len(workloads) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.2 * rows), squeeze=False)
    for axis, workload in zip(axes.flat, workloads):
        longest = summary[summary["workload"] == workload]["serial_s"].max()
        scale, unit = _unit(float(longest) if pd.notna(longest) else 0.0)
        for index, name in enumerate(names):
            mine = summary[(summary["interpreter"] == name) & (summary["workload"] == workload)]
            mine = mine[mine["median"].notna() & (mine["status"] == "ok")]
            baselines = [
                mine[(mine["executor"] == executor) & (mine["workers"] == workers)]
                for executor, workers in ONE_WORKER_BASELINES
            ]
            serial = next((rows for rows in baselines if not rows.empty), mine.iloc[0:0])
            answers = mine[answerable(mine)]
            fastest = answers.loc[answers["median"].idxmin()] if not answers.empty else None
            for cell, marker, right in (
                (serial.iloc[0] if not serial.empty else None, "o", True),
                (fastest, "D", False),
            ):
                if cell is None or (right and fastest is not None and cell.name == fastest.name):
                    continue  # the baseline is the fastest: drawn once, as the fastest
                value, low, high = (float(cell[field]) * scale for field in ("median", "range_low", "range_high"))
                axis.errorbar(
                    [index],
                    [value],
                    yerr=[[value - low], [high - value]],
                    marker=marker,
                    color=f"C{index}",
                    linestyle="none",
                    markersize=7,
                    capsize=3,
                )
                axis.annotate(
                    f"{value:.3g}"
                    + ("" if right else f" {strategy_label(str(cell['executor']), int(cell['workers']))}"),
                    (index, value),
                    textcoords="offset points",
                    xytext=(8 if right else -8, 0),
                    ha="left" if right else "right",
                    va="center",
                    fontsize=8,
                )
        axis.set_xticks(range(len(names)))
        axis.set_xticklabels(names)
        axis.set_xlim(-0.7, len(names) - 0.3)
        axis.set_ylim(bottom=0)
        axis.set_ylabel(f"wall time per cell ({unit})")
        axis.set_title(workload)
        axis.grid(axis="y", alpha=0.3)
    for axis in list(axes.flat)[len(workloads) :]:
        axis.set_visible(False)
    figure.suptitle(
        "Interpreters side by side: serial or 1 thread (circle) and fastest configuration (diamond, its strategy "
        "named), "
        "bars: range of the rounds"
    )
    figure.tight_layout()
    return _save(figure, out_dir, "interpreters", "Interpreters side by side")


def probe_plot(probes: list[ProbeSummary], out_dir: Path) -> Picture | None:
    """The speed probe over each run: one panel per interpreter, one line per CPU, its own time scale."""
    if not probes:
        return None
    figure, axes = plt.subplots(1, len(probes), figsize=(4.2 * len(probes), 3.0), squeeze=False)
    for axis, probe in zip(axes.flat, probes):
        for cpu, points in sorted(probe.series.items()):
            axis.plot(
                [at for at, _ in points],
                [seconds * 1000 for _, seconds in points],
                marker="o",
                markersize=3,
                label=f"CPU {cpu}",
            )
        axis.set_title(probe.name, fontsize=10)
        axis.set_xlabel("seconds since the run started")
        axis.set_ylabel("probe loop (ms, lower is faster)")
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle("Speed probe: each CPU's time for the same loop, between rounds")
    figure.tight_layout()
    return _save(figure, out_dir, "probe", "Speed probe over the run")
