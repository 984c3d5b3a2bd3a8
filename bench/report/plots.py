"""The report's pictures (matplotlib): speed-up curves, task timelines, interpreters side by side.

Host code.  Each figure is written as PNG and SVG under ``plots/``; the HTML
report embeds the PNGs inline so it needs no other file and no network.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from bench import layout
from bench.errors import UsageError
from bench.report.compute import cpu_bound
from bench.report.machine import ProbeSummary
from bench.result import Document

KIND_COLOURS = {"cpu": "#d62728", "io": "#1f77b4", "hash": "#9467bd", "objects": "#ff7f0e", "sleep": "#2ca02c"}
EXECUTOR_STYLES = {"threads": "-", "processes": "--", "serial": ":"}


@dataclass(frozen=True)
class CellChoice:
    workload: str
    executor: str
    workers: int

    @property
    def slug(self) -> str:
        return f"{self.workload}-{self.executor}-x{self.workers}".replace(":", "_").replace("/", "_")

    def __str__(self) -> str:
        return f"{self.workload}:{self.executor}:{self.workers}"


@dataclass
class Picture:
    title: str
    png: Path
    svg: Path


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


def speedup_curves(summary: pd.DataFrame, names: list[str], out_dir: Path) -> Picture | None:
    """Workers on x, speed-up over the same interpreter's serial run on y, ideal line drawn."""
    parallel = summary[summary["executor"].isin(["threads", "processes"]) & summary["speedup"].notna()]
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
        axis.plot(
            counts,
            [plain[count] for count in counts],
            color="grey",
            linewidth=3,
            alpha=0.3,
            label="ideal: min(workers, usable CPUs)" if cpu_bound(workload) else "ideal: workers (waits overlap)",
        )
        for index, name in enumerate(names):
            measured = mine[mine["interpreter"] == name].groupby("workers")["ideal"].first()
            if cpu_bound(workload) and any(abs(measured - plain[measured.index]) > 0.01):
                axis.plot(
                    list(measured.index),
                    list(measured),
                    color=f"C{index}",
                    linewidth=1,
                    linestyle=":",
                    label=f"{name} ideal, as its CPUs measured",
                )
        for index, name in enumerate(names):
            for executor, style in EXECUTOR_STYLES.items():
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
                    label=f"{name} {executor}",
                )
        axis.set_title(workload)
        axis.set_xlabel("workers")
        axis.set_ylabel("speed-up over serial")
        axis.set_xticks(counts)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(workloads) :]:
        axis.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.suptitle("Speed-up of threads (solid) and processes (dashed) over each interpreter's serial run")
    figure.tight_layout()
    figure.legend(handles, labels, loc="upper center", ncol=min(4, len(labels)), bbox_to_anchor=(0.5, 0.0))
    return _save(figure, out_dir, "speedup", "Speed-up curves")


def default_timelines(summary: pd.DataFrame) -> list[CellChoice]:
    """``cpu`` and ``mixed`` with threads at the largest worker count measured."""
    chosen = []
    for workload in ("cpu", "mixed"):
        threads = summary[(summary["workload"] == workload) & (summary["executor"] == "threads") & summary["n"].gt(0)]
        if not threads.empty:
            chosen.append(CellChoice(workload, "threads", int(threads["workers"].max())))
    return chosen


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
                {f"{w}:{e}:{n}" for w, e, n in zip(summary["workload"], summary["executor"], summary["workers"])}
            )
            raise UsageError(f"--timeline {choice}: no interpreter measured that cell; measured: {', '.join(cells)}")


def timeline(choice: CellChoice, results: list[tuple[str, Document]], out_dir: Path) -> Picture | None:
    """One panel per interpreter, one row per worker, one bar per task from its start to its end."""
    wanted = (choice.workload, choice.executor, choice.workers)
    panels = [
        (name, cell.runs[0])
        for name, document in results
        for cell in document.cells
        if cell.key == wanted and cell.runs
    ]
    if not panels:
        return None
    end = max(max(task.start_s + task.duration_s for task in run.tasks) for _, run in panels)
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(11, 1.2 + 0.45 * choice.workers * len(panels)), sharex=True, squeeze=False
    )
    kinds_seen: dict[str, Any] = {}
    for axis, (name, run) in zip(axes.flat, panels):
        for task in run.tasks:
            bars = axis.broken_barh(
                [(task.start_s, task.duration_s)],
                (task.worker - 0.4, 0.8),
                facecolors=KIND_COLOURS.get(task.kind, "#7f7f7f"),
                edgecolor="white",
                linewidth=0.3,
            )
            kinds_seen.setdefault(task.kind, bars)
        axis.set_yticks(range(choice.workers))
        axis.set_yticklabels([f"worker {index}" for index in range(choice.workers)])
        axis.set_ylim(-0.6, choice.workers - 0.4)
        axis.set_title(f"{name}: wall {run.wall_s:.3f} s", loc="left", fontsize=10)
        axis.grid(axis="x", alpha=0.3)
    axes.flat[-1].set_xlim(0, end * 1.01)
    axes.flat[-1].set_xlabel("seconds since the pool was created")
    figure.legend(list(kinds_seen.values()), list(kinds_seen), loc="upper right")
    figure.suptitle(f"Task timeline: {choice.workload}, {choice.executor} x{choice.workers} (first measured run)")
    figure.tight_layout()
    return _save(figure, out_dir, f"timeline-{choice.slug}", f"Task timeline: {choice}")


def interpreters_bars(summary: pd.DataFrame, names: list[str], out_dir: Path) -> Picture | None:
    """Serial and best time per workload, one group per workload, one bar pair per interpreter."""
    workloads = list(dict.fromkeys(summary["workload"]))
    if not workloads:
        return None
    figure, axis = plt.subplots(figsize=(max(6, 1.8 * len(workloads) * max(1, len(names)) / 2), 4.2))
    width = 0.8 / max(1, len(names))
    for index, name in enumerate(names):
        serial, best = [], []
        for workload in workloads:
            mine = summary[(summary["interpreter"] == name) & (summary["workload"] == workload)]
            serial.append(float(mine["serial_s"].dropna().iloc[0]) if mine["serial_s"].notna().any() else 0.0)
            best.append(float(mine["median"].min()) if mine["median"].notna().any() else 0.0)
        positions = [w + index * width for w in range(len(workloads))]
        axis.bar(positions, serial, width * 0.95, color=f"C{index}", alpha=0.45, label=f"{name} serial")
        axis.bar(positions, best, width * 0.55, color=f"C{index}", label=f"{name} best")
    axis.set_xticks([w + 0.4 - width / 2 for w in range(len(workloads))])
    axis.set_xticklabels(workloads)
    axis.set_yscale("log")
    axis.set_ylabel("wall time per cell (s, log scale)")
    axis.set_title("Interpreters side by side: serial (wide, light) and best strategy (narrow, dark)")
    axis.legend(ncol=len(names), fontsize=8)
    axis.grid(axis="y", alpha=0.3)
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
