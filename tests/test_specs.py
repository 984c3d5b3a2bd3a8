"""Spec parsing: what users type, what it means, and the one-line refusals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.provision.specs import InterpreterSpec, SpecError, parse_spec, parse_specs


@pytest.mark.parametrize(
    ("text", "implementation", "version", "free_threaded", "label"),
    [
        ("3.13", "cpython", (3, 13), False, "3.13"),
        ("3.13t", "cpython", (3, 13), True, "3.13t"),
        ("3.14t", "cpython", (3, 14), True, "3.14t"),
        ("3.12", "cpython", (3, 12), False, "3.12"),
        ("3.13.5", "cpython", (3, 13, 5), False, "3.13.5"),
        ("python3.13t", "cpython", (3, 13), True, "3.13t"),
        ("pypy3", "pypy", (3,), False, "pypy3"),
        ("pypy", "pypy", (3,), False, "pypy3"),
        ("pypy3.10", "pypy", (3, 10), False, "pypy3.10"),
        ("PyPy3.11", "pypy", (3, 11), False, "pypy3.11"),
    ],
)
def test_parse_known_specs(
    text: str, implementation: str, version: tuple[int, ...], free_threaded: bool, label: str
) -> None:
    spec = parse_spec(text)
    assert (spec.implementation, spec.version, spec.free_threaded, spec.label) == (
        implementation,
        version,
        free_threaded,
        label,
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("3.99t", "unknown CPython version in spec '3.99t'"),
        ("jython", "unknown interpreter spec 'jython'"),
        ("pypy2", "only PyPy for Python 3"),
        ("3.12t", "free-threaded builds exist from CPython 3.13 on"),
        ("pypy3.99", "unknown PyPy version"),
        ("", "empty interpreter spec"),
    ],
)
def test_unknown_specs_are_refused_naming_the_value(text: str, fragment: str) -> None:
    with pytest.raises(SpecError) as raised:
        parse_spec(text)
    message = str(raised.value)
    assert fragment in message
    assert "accepted:" in message
    assert "\n" not in message


def test_path_spec_must_be_an_executable_file(tmp_path: Path) -> None:
    not_executable = tmp_path / "python"
    not_executable.write_text("")
    with pytest.raises(SpecError, match="is not an executable file"):
        parse_spec(str(not_executable))
    spec = parse_spec(sys.executable)
    assert spec.implementation == "path"
    assert spec.label == sys.executable


def test_executable_names() -> None:
    assert parse_spec("3.13t").executable_names() == ["python3.13t"]
    assert parse_spec("3.13.5").executable_names() == ["python3.13"]
    assert parse_spec("pypy3").executable_names() == ["pypy3"]
    assert parse_spec("pypy3.10").executable_names() == ["pypy3.10"]


def test_parse_specs_accepts_commas_and_drops_duplicates() -> None:
    specs = parse_specs(["3.13,3.13t", "3.13", "pypy3"])
    assert [spec.label for spec in specs] == ["3.13", "3.13t", "pypy3"]


FT_FACTS = {
    "implementation": "cpython",
    "version": "3.13.5",
    "version_info": [3, 13, 5],
    "free_threaded_build": True,
    "gil_enabled": False,
    "python_gil_env": None,
}
GIL_FACTS = {**FT_FACTS, "free_threaded_build": False, "gil_enabled": True}


def test_mismatch_names_both_values() -> None:
    wanted_ft = parse_spec("3.13t")
    assert wanted_ft.mismatch(FT_FACTS) is None
    assert wanted_ft.mismatch(GIL_FACTS) == "asked for a free-threaded build, got a GIL build"
    assert parse_spec("3.13").mismatch(FT_FACTS) == "asked for a GIL build, got a free-threaded build"
    assert parse_spec("3.12").mismatch(GIL_FACTS) == "asked for version 3.12, got 3.13.5"
    assert parse_spec("pypy3").mismatch(GIL_FACTS) == "asked for pypy, got cpython"


def test_free_threaded_build_with_gil_on_at_start_is_refused_unless_forced() -> None:
    gil_on = {**FT_FACTS, "gil_enabled": True}
    assert parse_spec("3.13t").mismatch(gil_on) == "asked for a free-threaded build, but the GIL is on at start"
    forced = {**gil_on, "python_gil_env": "1"}
    assert parse_spec("3.13t").mismatch(forced) is None


def test_specs_are_hashable_values() -> None:
    assert parse_spec("3.13t") == InterpreterSpec(
        text="3.13t", implementation="cpython", version=(3, 13), free_threaded=True
    )


@pytest.mark.parametrize(
    ("text", "label", "free_threaded", "link"),
    [
        ("3.13+opt", "3.13+opt", False, ["python3.13-opt", "3.13+opt"]),
        ("3.13t+opt", "3.13t+opt", True, ["python3.13t-opt", "3.13t+opt"]),
        ("3.13.5t+OPT", "3.13.5t+opt", True, ["python3.13t-opt", "3.13.5t+opt"]),
    ],
)
def test_optimized_specs_have_their_own_label_and_links(
    text: str, label: str, free_threaded: bool, link: list[str]
) -> None:
    """Their own link, and one named by label: nox finds it on PATH, so the session is ``bench-3.13t+opt``."""
    spec = parse_spec(text)
    assert (spec.optimized, spec.free_threaded, spec.label, spec.link_names()) == (True, free_threaded, label, link)
    assert spec.executable_names() == [link[0].removesuffix("-opt")]  # what is installed in a build's bin/
    assert parse_spec("3.13").link_names() == ["python3.13"] and not parse_spec("3.13").optimized


@pytest.mark.parametrize("text", ["pypy3+opt", "3.13+fast", "3.13opt", "+opt"])
def test_the_optimized_suffix_is_for_cpython_only(text: str) -> None:
    with pytest.raises(SpecError, match="'\\+opt' for an optimized"):
        parse_spec(text)


def test_an_optimized_spec_refuses_a_build_without_pgo_and_lto() -> None:
    plain = {**GIL_FACTS, "build": {"pgo": False, "lto": False}}
    half = {**GIL_FACTS, "build": {"pgo": True, "lto": False}}
    optimized = {**GIL_FACTS, "build": {"pgo": True, "lto": True}}
    wanted = parse_spec("3.13+opt")
    assert wanted.mismatch(plain) == "asked for an optimized build (PGO and LTO), got one built without them"
    assert wanted.mismatch(half) is not None and wanted.mismatch(GIL_FACTS) is not None
    assert wanted.mismatch(optimized) is None
    assert parse_spec("3.13").mismatch(optimized) is None  # a plain spec takes what it finds (a distribution's)
