"""Workloads: each task does what it says, builders make the talk's loads, bad targets are refused."""

from __future__ import annotations

import sys

import pytest

from bench.errors import UsageError
from bench.measure import workloads
from bench.measure.workloads import BuildContext, WorkloadChoice, build_tasks, parse_workload


def test_every_builtin_simple_task_is_the_function_its_table_entry_names() -> None:
    """The one table (bench.vocabulary.BUILTIN_WORKLOADS) names each task; the task lists run exactly that."""
    for name, builtin in workloads.BUILTINS.items():
        if not builtin.task:
            assert builtin.needs_server, f"{name}: no task named, and not built from pages"
            continue
        function = workloads.task_function(builtin.task)
        tasks = build_tasks(parse_workload(name), 2, BuildContext())
        assert [task.function for task in tasks] == [function, function]
        assert [task.argument for task in tasks] == [builtin.default] * 2


def test_mixed_is_load_io_plus_load_cpu_shuffled_by_seed() -> None:
    context = BuildContext(urls=["http://a/", "http://b/"], seed=7)
    tasks = build_tasks(WorkloadChoice("mixed"), 10, context)
    assert sorted(task.kind for task in tasks) == ["cpu"] * 10 + ["io"] * 10
    again = build_tasks(WorkloadChoice("mixed"), 10, context)
    assert [t.kind for t in tasks] == [t.kind for t in again]
    other = build_tasks(WorkloadChoice("mixed"), 10, BuildContext(urls=context.urls, seed=8))
    assert [t.kind for t in tasks] != [t.kind for t in other]


def test_io_alternates_pages_like_the_talk() -> None:
    tasks = build_tasks(WorkloadChoice("io"), 4, BuildContext(urls=["u0", "u1"]))
    assert [task.argument for task in tasks] == ["u0", "u1", "u0", "u1"]


def test_builtin_defaults_and_arguments() -> None:
    assert build_tasks(parse_workload("cpu"), 2, BuildContext())[0].argument == 850_000
    assert build_tasks(parse_workload("cpu=1000"), 2, BuildContext())[0].argument == 1000
    assert build_tasks(parse_workload("sleep=0.5"), 1, BuildContext())[0].argument == 0.5


def test_unknown_workload_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError) as raised:
        parse_workload("gpu")
    assert str(raised.value) == (
        "unknown workload 'gpu'; accepted: cpu, io, io-stdlib, mixed, mixed-stdlib, hash, objects, sleep "
        "or module:function for your own"
    )


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("no_such_module_xyz:run", "cannot import 'no_such_module_xyz' (ModuleNotFoundError"),
        ("tests.guest.faulty:missing", "has no attribute 'missing'"),
        ("tests.guest.faulty:NOT_CALLABLE", "'NOT_CALLABLE' is not callable"),
        (":run", "is not of the form package.module:function"),
    ],
)
def test_bad_user_targets_are_one_line_errors(target: str, fragment: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_workload(target)
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


def test_user_function_runs_with_and_without_argument() -> None:
    with_argument = build_tasks(parse_workload("tests.guest.faulty:double=21"), 3, BuildContext())
    assert [task.function(task.argument) for task in with_argument] == [42, 42, 42]
    without = build_tasks(parse_workload("tests.guest.faulty:no_argument"), 1, BuildContext())
    assert without[0].function(without[0].argument) == "ok"


def test_io_without_pages_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="needs pages to download"):
        build_tasks(WorkloadChoice("io"), 1, BuildContext())


def test_importing_workloads_keeps_the_gil_off_on_free_threaded_builds() -> None:
    from bench.measure import introspect

    workloads.import_dependencies([parse_workload(name) for name in workloads.BUILTINS])
    if introspect.free_threaded_build() and "PYTHON_GIL" not in __import__("os").environ:
        assert sys._is_gil_enabled() is False  # type: ignore[attr-defined]
