"""The result model and the layout helpers, under every interpreter (they are shared by guest and host)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bench import layout
from bench.errors import UsageError
from bench.result import (
    SCHEMA_VERSION,
    Cell,
    Config,
    Document,
    Interpreter,
    Machine,
    Repetition,
    ResultError,
    RunWarning,
    TaskRecord,
    WorkloadRecord,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "run-basic" / "3.13t.json"


def small_document() -> Document:
    run = Repetition(0.5, 0.002, (TaskRecord(0.002, 0.2, 0, "cpu"), TaskRecord(0.002, 0.25, 1, "cpu")))
    return Document(
        run_id="r1",
        interpreter=Interpreter("3.13t", "cpython", "3.13.5", True, False, (3, 13, 5)),
        machine=Machine("host", "cpu", 2, 2, load_average_start=(0.1, 0.2, 0.3)),
        config=Config("standard", (WorkloadRecord("cpu", 1000),), (("threads", 2),), 2, 1, "auto", 60.0, "fork"),
        warnings=(RunWarning("turbo", "turbo boost is on"),),
        cells=(Cell("cpu", "threads", 2, gil_enabled=False, warmup_s=(0.6,), runs=(run,)),),
    )


def test_a_document_round_trips_through_json() -> None:
    document = small_document()
    data = json.loads(document.dumps())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["cells"][0]["runs"][0]["tasks"][1] == [0.002, 0.25, 1, "cpu"]
    assert Document.from_json(data) == document


def test_the_runners_fixture_file_loads_and_round_trips() -> None:
    document = Document.loads(FIXTURE.read_bytes())
    assert document.interpreter.label == "3.13t" and document.interpreter.free_threaded_build
    assert Document.from_json(json.loads(document.dumps())) == document


def _broken(change: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(small_document().dumps())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["cells"][0].update(runs=None), "cells[0].runs: expected a list, got null"),
        (
            lambda d: d["cells"][0].update(workers="two"),
            "cells[0].workers: expected a whole number >= 1 and below 2**63, got 'two'",
        ),
        (
            lambda d: d["cells"][0].update(workers=True),
            "cells[0].workers: expected a whole number >= 1 and below 2**63, got true",
        ),
        (lambda d: d.pop("interpreter"), "interpreter: missing"),
        (lambda d: d["interpreter"].update(free_threaded_build="yes"), "interpreter.free_threaded_build: expected"),
        (lambda d: d["cells"][0]["runs"][0].update(wall_s=float("nan")), "cells[0].runs[0].wall_s: expected a number"),
        (
            lambda d: d["cells"][0]["runs"][0].update(wall_s=1e308),
            "wall_s: expected a number of seconds above 0, up to 1e+06",
        ),
        (lambda d: d["cells"][0]["runs"][0].update(wall_s=0.0), "wall_s: expected a number of seconds above 0"),
        (
            lambda d: d["cells"][0].update(workers=2**64),
            "cells[0].workers: expected a whole number >= 1 and below 2**63",
        ),
        (lambda d: d["cells"][0]["runs"][0]["tasks"][0].pop(), "cells[0].runs[0].tasks[0]: expected a row"),
        (lambda d: d["config"].update(warmup=-1), "config.warmup: expected a whole number >= 0 or 'auto', got -1"),
        (lambda d: d["config"].update(cells=[["threads"]]), "config.cells[0]: expected [executor, workers]"),
        (lambda d: d["warnings"].append("loose text"), "warnings[1]: expected an object, got 'loose text'"),
        (lambda d: d.update(schema_version=99), "schema_version 99 is newer than this gilbench understands"),
        (lambda d: d.update(schema_version=0), "schema_version 0 is not a gilbench version"),
        (lambda d: d.pop("schema_version"), "not a gilbench result (no schema_version)"),
    ],
)
def test_loading_names_the_first_bad_field(change: Any, message: str) -> None:
    with pytest.raises(ResultError) as caught:
        Document.from_json(_broken(change))
    assert message in str(caught.value)


def test_bytes_that_are_not_a_result() -> None:
    cases = (
        (b"\xff{}", "not UTF-8 text (byte 0)"),
        (b"[1, 2", "not valid JSON"),
        (b"[]", "top level"),
        (b'{"schema_version": 4, "schema_version": 4}', "the key 'schema_version' appears twice in one object"),
        (b'{"schema_version": NaN}', "NaN is not a number a result may hold"),
    )
    for data, message in cases:
        with pytest.raises(ResultError, match=message.replace("(", r"\(").replace(")", r"\)")):
            Document.loads(data)


def test_zero_cells_is_a_valid_document() -> None:
    """The runner writes it before the first cell; the report decides what to say about it."""
    document = Document.from_json(_broken(lambda d: d.update(cells=[])))
    assert document.cells == ()


@pytest.mark.parametrize("bad", ["..", "../../etc", "a/b", "", ".hidden", "x" * 65, "a b", "3.13\n"])
def test_names_that_could_leave_the_results_folder_are_refused(bad: str) -> None:
    with pytest.raises(UsageError, match="--label"):
        layout.check_name(bad, "--label")


@pytest.mark.parametrize("good", ["3.13", "3.13t", "pypy3", "pypy3.9", "20261125-180209", "my_run+2@home"])
def test_ordinary_labels_and_run_ids_are_accepted(good: str) -> None:
    assert layout.check_name(good, "--label") == good
    assert layout.file_name(good) == good


def test_the_default_label_is_the_spec_that_asks_for_the_interpreter() -> None:
    assert layout.interpreter_label("cpython", (3, 13, 5), True) == "3.13t"
    assert layout.interpreter_label("cpython", (3, 12, 1), False) == "3.12"
    assert layout.interpreter_label("pypy", (3, 9, 16), False) == "pypy3"


def test_atomic_writes_leave_no_temporary_files_and_keep_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    layout.write_atomically(target, "one")
    layout.write_atomically(target, b"two")
    assert target.read_text() == "two"
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_latest_points_at_the_newest_run_only(tmp_path: Path) -> None:
    older, newer = tmp_path / "20260101-000000", tmp_path / "20270101-000000"
    older.mkdir()
    newer.mkdir()
    assert layout.point_latest(newer) == tmp_path / "latest"
    assert layout.point_latest(older) is None  # never moves back to an older run
    assert (tmp_path / "latest").resolve() == newer.resolve()


def test_the_manifest_round_trips_and_refuses_unknown_versions(tmp_path: Path) -> None:
    manifest = layout.RunManifest("r1", ("3.13", "pypy3"), {"3.14t": "cannot be had here"}, "nox -s bench")
    manifest.write(tmp_path)
    assert layout.RunManifest.read(tmp_path / layout.RUN_MANIFEST) == manifest
    (tmp_path / layout.RUN_MANIFEST).write_text('{"manifest_version": 7, "interpreters": []}')
    with pytest.raises(ValueError, match="manifest_version 7"):
        layout.RunManifest.read(tmp_path / layout.RUN_MANIFEST)


def test_a_manifest_step_names_its_cpu_and_older_steps_read_without_one(tmp_path: Path) -> None:
    steps = ((("a", 0, 1), ("b", 0, 1), ("b", 1, None), ("a", 1, None)),)
    manifest = layout.RunManifest("r1", ("a", "b"), round_orders=steps)
    manifest.write(tmp_path)
    assert layout.RunManifest.read(tmp_path / layout.RUN_MANIFEST).round_orders == steps
    older = '{"manifest_version": 2, "interpreters": ["a", "b"], "round_orders": [[["b", 0], ["a", 0]]]}'
    (tmp_path / layout.RUN_MANIFEST).write_text(older)
    assert layout.RunManifest.read(tmp_path / layout.RUN_MANIFEST).round_orders == ((("b", 0, None), ("a", 0, None)),)
    (tmp_path / layout.RUN_MANIFEST).write_text('{"interpreters": ["a"], "round_orders": [[["a"]]]}')
    with pytest.raises(ValueError, match=r"round_orders: expected \[label, cell index, CPU or null\], got \['a'\]"):
        layout.RunManifest.read(tmp_path / layout.RUN_MANIFEST)


def test_the_probe_script_and_the_layout_agree_on_the_build_info_file() -> None:
    from bench.measure import introspect

    assert introspect.BUILD_INFO_NAME == layout.BUILD_INFO_NAME


def test_a_high_load_average_alone_is_no_warning() -> None:
    """It remembers the previous interpreter's session; what others used while measuring comes from the probe."""
    from bench.measure import hygiene

    facts = {"load_average": [1.9, 1.5, 1.2], "usable_cpus": 2, "others_cpu_share": 0.01, "max_workers": 2}
    assert hygiene.warnings_from(facts) == []
    busy = hygiene.warnings_from({**facts, "others_cpu_share": 0.3})
    assert [warning.code for warning in busy] == ["others-busy"]
