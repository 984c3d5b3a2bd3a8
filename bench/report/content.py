"""What a report holds, before any format: warnings, sections of tables, the data behind them, pictures.

Host code.  The pipeline (:mod:`bench.report.pipeline`) fills a :class:`Report`;
every exporter (:mod:`bench.report.exporters`) writes the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bench.report.compute import Computed
from bench.report.load import Column
from bench.report.speed_probe import ProbeSummary, grouped
from bench.result import RunWarning
from bench.vocabulary import cell_id


@dataclass(frozen=True)
class CellChoice:
    workload: str
    executor: str
    workers: int

    @property
    def slug(self) -> str:
        return f"{self.workload}-{self.executor}-x{self.workers}".replace(":", "_").replace("/", "_")

    def __str__(self) -> str:
        return cell_id(self.workload, self.executor, self.workers)


@dataclass
class Picture:
    title: str
    png: Path
    svg: Path


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    sort_keys: list[list[float | None]] | None = None  # per cell, the number an HTML reader sorts by, if any


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table)
    after: list[str] = field(default_factory=list)  # paragraphs below the tables
    first: bool = False  # shown before the warnings: the answer a reader came for
    in_answer: bool = False  # its sentences also go into answer.md (the answer in detail)
    brief: Table | None = None  # a narrow version of the tables, for a README (answer.md)


@dataclass
class Report:
    title: str
    warnings: list[RunWarning]
    sections: list[Section]
    computed: Computed
    timelines: list[CellChoice]
    answer: dict[str, object] = field(default_factory=dict)  # answer.json, made once when the report is built
    pictures: list[Picture] = field(default_factory=list)

    @property
    def leading(self) -> list[Section]:
        """Sections shown before the warnings (the answer)."""
        return [section for section in self.sections if section.first]

    @property
    def following(self) -> list[Section]:
        return [section for section in self.sections if not section.first]

    @property
    def runs(self) -> pd.DataFrame:
        """One row per measured repetition."""
        return self.computed.runs

    @property
    def summary(self) -> pd.DataFrame:
        """One row per cell."""
        return self.computed.summary

    @property
    def columns(self) -> list[Column]:
        return self.computed.columns

    @property
    def probes(self) -> list[ProbeSummary]:
        """One per probe series (the interpreters of one run share theirs)."""
        return grouped(self.computed.probes)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]
