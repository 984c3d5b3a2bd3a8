"""What must match for merged result files to be compared like for like: declared once, checked once.

Host code.  Every setting that changes the numbers is listed in
:data:`MERGE_CHECKS` with how to read it from a file; files that differ in
one get a warning naming each value and the interpreters that used it (as
pyperf refuses to compare runs whose metadata disagree, naming both values),
and "What was measured" then lists each interpreter's own configuration.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.report.load import Column
from bench.result import RunWarning


def _pages(column: Column) -> str:
    server, urls = column.config.server, column.config.urls
    if server is not None:
        return f"page server: {server.latency_ms:g} ms latency, {server.page_bytes} bytes a page"
    return "not recorded" if not urls or column.config.server_url else "pages from --url"


def _packages(column: Column) -> str:
    packages = column.interpreter.packages
    return ", ".join(f"{name} {version}" for name, version in sorted(packages.items())) or "not recorded"


def _user_packages(column: Column) -> str:
    """The versions of the packages the user asked for (numpy >= 2.1 needs Python >= 3.10: PyPy 3.9 gets another)."""
    packages = column.interpreter.user_packages
    return ", ".join(f"{name} {version}" for name, version in sorted(packages.items())) or "none asked for"


def _traits(column: Column) -> str:
    return "; ".join(
        f"{w.text}: " + ", ".join(f"{kind} {t.text}" for kind, t in w.traits.kinds) for w in column.config.workloads
    )


MERGE_CHECKS: dict[str, Callable[[Column], object]] = {
    "workloads": lambda c: ", ".join(workload.text for workload in c.config.workloads),
    "workload traits": _traits,
    "load": lambda c: c.config.load,
    "repeat": lambda c: c.config.repeat,
    "warm-up": lambda c: c.config.warmup,
    "preset": lambda c: c.config.preset,
    "start method": lambda c: c.config.start_method,
    "chunk size": lambda c: c.config.chunksize,
    "timeout": lambda c: f"{c.config.timeout_s:g} s",
    "pinned CPUs": lambda c: ",".join(map(str, c.config.pin)) if c.config.pin else "any",
    "pages": _pages,
    "guest packages": _packages,
    "your packages": _user_packages,
    "BLAS/OpenMP threads": lambda c: ", ".join(f"{k}={v}" for k, v in sorted(c.config.thread_env.items())) or "–",
    "machine": lambda c: f"{c.machine.hostname} ({c.machine.cpu_model}, {c.machine.usable_cpus} usable CPUs)",
}
"""Every setting that changes the numbers (warm-up differs by design on PyPy: see :func:`merge_warnings`)."""


def config_differences(columns: list[Column]) -> dict[str, dict[str, list[str]]]:
    """For each setting that differs between the merged files: value -> the columns that used it."""
    differences = {}
    for setting, value_of in MERGE_CHECKS.items():
        values: dict[str, list[str]] = {}
        for column in columns:
            values.setdefault(str(value_of(column)), []).append(column.name)
        if len(values) > 1:
            differences[setting] = values
    return differences


def merge_warnings(columns: list[Column]) -> list[RunWarning]:
    found = []
    for setting, values in config_differences(columns).items():
        if setting == "warm-up" and {c.interpreter.implementation for c in columns} == {"cpython", "pypy"}:
            by_impl = {(c.interpreter.implementation, str(c.config.warmup)) for c in columns}
            if len({impl for impl, _ in by_impl}) == len(by_impl):
                continue  # the default: more warm-ups on PyPy, one per implementation
        shown = " vs ".join(f"{value} ({', '.join(names)})" for value, names in values.items())
        found.append(
            RunWarning(
                "config-differs",
                f"The merged results differ in {setting}: {shown}. Their numbers are not like for like; "
                "each interpreter's own configuration is listed under What was measured.",
            )
        )
    return found
