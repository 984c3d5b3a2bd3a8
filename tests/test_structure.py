"""The code's layout holds: imports go one way (no circle), no module shadows the standard library, strategies are
tested by their traits and never by name outside the vocabulary, and the built-in workloads are described once.

Read from the source with :mod:`ast`, nothing imported but the vocabulary, so a violation names its file and line.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from bench.vocabulary import BUILTIN_WORKLOADS, STRATEGY_NAMES

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NAMES_ALLOWED = (BENCH / "vocabulary.py", BENCH / "measure" / "strategies")
"""Where a strategy may be named in a comparison: the vocabulary, and each strategy's own module."""
WORKLOADS_BUILT = (BENCH / "vocabulary.py", BENCH / "measure")
"""Where a built-in workload may be named in a comparison: the vocabulary and the measuring side that builds it."""


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(BENCH.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports_of(path: Path, name: str) -> set[str]:
    """Every ``bench`` module this file imports, at its top or inside a function (a late import is an arrow too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {module for module in found if module.split(".")[0] == "bench"}


def test_no_import_circle() -> None:
    known = dict(modules())
    graph = {name: {m for m in imports_of(path, name) if m in known and m != name} for name, path in known.items()}
    graph = {name: {m for m in targets if not name.startswith(m + ".")} for name, targets in graph.items()}
    # a package's __init__ is its face: importing bench.report.x goes through bench.report, no arrow back
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target) :], target] if target in trail else [name, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "import circles: " + "; ".join(" -> ".join(circle) for circle in circles)


def test_no_module_is_named_like_a_standard_library_module() -> None:
    allowed = {BENCH / "measure" / "strategies" / "asyncio.py"}  # strategy modules are loaded by their name
    shadowing = [
        str(path.relative_to(ROOT))
        for path in BENCH.rglob("*.py")
        if path.stem in sys.stdlib_module_names and path not in allowed
    ]
    assert not shadowing


def _compared_names(path: Path, names: set[str]) -> Iterator[tuple[int, str]]:
    """Each string constant of ``names`` that a comparison (``==``, ``!=``, ``in``) tests against."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        for side in (node.left, *node.comparators):
            items = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            for item in items:
                if isinstance(item, ast.Constant) and item.value in names:
                    yield node.lineno, str(item.value)


def _inside(path: Path, places: tuple[Path, ...]) -> bool:
    return any(path == place or place in path.parents for place in places)


def test_strategies_are_compared_by_traits_not_names() -> None:
    named = [
        f"{path.relative_to(ROOT)}:{line} {name!r}"
        for path in [*BENCH.rglob("*.py"), ROOT / "noxfile.py"]
        if not _inside(path, NAMES_ALLOWED)
        for line, name in _compared_names(path, set(STRATEGY_NAMES))
    ]
    assert not named, "compare a trait from bench.vocabulary instead: " + ", ".join(named)


def test_workloads_are_compared_by_name_only_where_they_are_built() -> None:
    named = [
        f"{path.relative_to(ROOT)}:{line} {name!r}"
        for path in [*BENCH.rglob("*.py"), ROOT / "noxfile.py"]
        if not _inside(path, WORKLOADS_BUILT)
        for line, name in _compared_names(path, set(BUILTIN_WORKLOADS))
    ]
    assert not named, "read the workload's traits (bench.vocabulary) instead: " + ", ".join(named)


def test_the_guest_side_never_imports_the_host_side() -> None:
    host = ("bench.host", "bench.report", "bench.provision")  # the page server runs in its own process
    crossing = [
        f"{name} imports {target}"
        for name, path in modules()
        if name.startswith("bench.measure")
        for target in imports_of(path, name)
        if target.startswith(host)
    ]
    assert not crossing


def test_every_module_with_logic_in_report_and_measure_has_a_test_file_of_its_name() -> None:
    """``bench/report/load.py`` -> ``tests/test_load.py``; guest modules' tests run under every interpreter, in
    ``tests/guest/``; the strategies, one module each, are tested together by ``tests/guest/test_strategy.py``
    (every listed strategy runs every task) and the files of their own traits."""
    tests = {path.stem for path in (ROOT / "tests").rglob("test_*.py")}
    missing = [
        str(path.relative_to(ROOT))
        for folder in (BENCH / "report", BENCH / "measure")
        for path in sorted(folder.rglob("*.py"))
        if path.name != "__init__.py"
        and f"test_{path.stem}" not in tests
        and not (path.parent.name == "strategies" and "test_strategy" in tests)
    ]
    assert not missing, "no test file of their name: " + ", ".join(missing)
