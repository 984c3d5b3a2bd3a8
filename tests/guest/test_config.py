"""One resolution of a run's options: checked before measuring, frozen after, placed and given pages once."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import pytest

from bench.__main__ import build_parser
from bench.errors import UsageError
from bench.measure.config import PRESETS, RunConfig, resolve_config, standard_workers
from bench.result import Config
from bench.server import ServerProcess
from bench.vocabulary import chunk_of


def options(*args: str) -> object:
    return build_parser().parse_args(["run", *args])


def test_the_resolved_run_is_frozen_and_holds_one_record_of_its_settings(tmp_path: Path) -> None:
    config = resolve_config(options("--workloads", "cpu=1000", "--out", str(tmp_path / "r.json"), "--repeat", "3"))
    assert isinstance(config, RunConfig) and isinstance(config.settings, Config)
    assert config.settings.repeat == 3 and config.settings.workloads[0].text == "cpu=1000"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.run_id = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.settings.urls = ("http://elsewhere/",)  # type: ignore[misc]
    assert not hasattr(config, "record")  # no second record mirroring the first


def test_a_dry_resolution_places_nothing_and_starts_no_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GILBENCH_RESULTS_DIR", str(tmp_path))
    config = resolve_config(options("--workloads", "io", "--repeat", "1"))
    assert config.settings.urls == () and config.settings.server_url is None
    assert list(tmp_path.iterdir()) == []
    assert config.out == tmp_path / config.run_id / f"{config.label}.json"


def test_a_real_resolution_reserves_a_folder_and_removes_it_when_left_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GILBENCH_RESULTS_DIR", str(tmp_path))
    with contextlib.ExitStack() as resources:
        first = resolve_config(options("--workloads", "cpu=10"), resources)
        second = resolve_config(options("--workloads", "cpu=10"), resources)
        assert first.run_id != second.run_id  # two runs started in one second: a folder each
        assert first.out.parent.is_dir() and second.out.parent.is_dir()
    assert list(tmp_path.iterdir()) == []  # nothing was written: no empty folder is left behind


def test_the_run_gets_its_page_server_and_records_its_settings(tmp_path: Path) -> None:
    with contextlib.ExitStack() as resources:
        config = resolve_config(options("--workloads", "io", "--out", str(tmp_path / "r.json")), resources)
        settings = config.settings
        assert settings.server_url is not None and settings.urls[0].startswith(settings.server_url.rstrip("/"))
        assert settings.server is not None
        assert (settings.server.latency_ms, settings.server.page_bytes) == (10.0, 20_000)  # the preset's latency


def test_a_shared_server_is_asked_for_its_settings(tmp_path: Path) -> None:
    with ServerProcess(latency_ms=5, size=1234) as server, contextlib.ExitStack() as resources:
        args = options("--workloads", "mixed", "--server-url", server.url, "--out", str(tmp_path / "r.json"))
        settings = resolve_config(args, resources).settings
        assert settings.server is not None and (settings.server.latency_ms, settings.server.page_bytes) == (5, 1234)


def test_other_pages_record_no_server_settings(tmp_path: Path) -> None:
    with ServerProcess() as server, contextlib.ExitStack() as resources:
        args = options("--workloads", "io", "--url", server.url + "page/0", "--out", str(tmp_path / "r.json"))
        settings = resolve_config(args, resources).settings
        assert settings.server is None and settings.urls == (server.url + "page/0",)


def test_an_unwritable_out_is_refused_before_any_server_starts(tmp_path: Path) -> None:
    with contextlib.ExitStack() as resources, pytest.raises(UsageError, match="is a folder"):
        resolve_config(options("--workloads", "io", "--out", str(tmp_path)), resources)


def test_presets_and_their_rules() -> None:
    assert standard_workers(2) == [1, 2, 5] and standard_workers(8) == [1, 2, 4, 5, 8]
    assert chunk_of("auto", 300, 5) == 15 and chunk_of(3, 24, 5) == 3  # Pool.map's chunks of 15, as the talk's
    assert chunk_of("auto", 24, 5) == 1  # 24 tasks cannot be split evenly over 5 workers: one at a time
    assert chunk_of("auto", 20, 2) == 2  # Pool.map's rule gives 3: 7 chunks, 4 against 3
    assert chunk_of("auto", 20, 4) == 1 and chunk_of("auto", 40, 5) == 2 and chunk_of("auto", 80, 2) == 10
    assert set(PRESETS) >= {"smoke", "seed", "standard"}
    config = resolve_config(options("--preset", "seed"))
    assert config.settings.cells == (("threads", 1), ("threads", 5), ("processes", 5))
    settings = config.settings  # the talk: Pool(5).map's chunks, cold, and enough rounds to test its claims
    assert (settings.load, settings.warmup, settings.repeat) == (300, 0, 8)
    assert chunk_of(settings.chunksize, 300, 5) == 15 and chunk_of(settings.chunksize, 600, 5) == 30
