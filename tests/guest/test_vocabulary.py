"""The vocabulary: one list of strategies, workload traits on two axes, the baseline rules (every interpreter)."""

from __future__ import annotations

import pytest

from bench import vocabulary
from bench.vocabulary import (
    BUILTIN_TRAITS,
    POOLED,
    STRATEGIES,
    TaskTraits,
    WorkloadTraits,
    cell_label,
    configuration_label,
    parse_traits,
    strategy,
    strategy_label,
)


def test_strategies_in_report_order_with_their_traits() -> None:
    assert [s.name for s in STRATEGIES] == ["serial", "threads", "processes", "interpreters", "asyncio", "offload"]
    assert POOLED == ("threads", "processes", "interpreters", "asyncio", "offload")
    assert vocabulary.CROSSED == ("serial", "threads", "processes", "interpreters")  # event loops: chosen per workload
    assert vocabulary.EVENT_LOOPS == ("asyncio", "offload")
    assert strategy("asyncio").one_at_a_time and strategy("asyncio").parallel == vocabulary.NEVER
    assert not strategy("offload").one_at_a_time and strategy("offload").parallel == vocabulary.WITHOUT_GIL
    assert strategy("threads").gil == vocabulary.SHARED and strategy("threads").parallel == vocabulary.WITHOUT_GIL
    assert strategy("processes").gil == vocabulary.PER_WORKER and strategy("processes").separate_processes
    assert strategy("interpreters").words == "subinterpreters" and "PyPy" in strategy("interpreters").available


def test_an_unknown_strategy_gets_neutral_words_not_an_error() -> None:
    """A file from a newer gilbench may name a strategy this one does not know: it is still named in words."""
    assert strategy_label("gpu", 2) == "2 gpu workers"
    assert strategy("gpu").parallel == vocabulary.NEVER
    assert vocabulary.strategy_rank("gpu") == len(STRATEGIES)


@pytest.mark.parametrize(
    ("executor", "workers", "label", "configuration"),
    [
        ("serial", 1, "cpu serial", "3.13 serial"),
        ("threads", 1, "cpu 1 thread", "3.13 with 1 thread"),
        ("processes", 5, "cpu 5 processes", "3.13 with 5 processes"),
        ("interpreters", 2, "cpu 2 subinterpreters", "3.13 with 2 subinterpreters"),
        ("asyncio", 5, "cpu 5 asyncio tasks", "3.13 with 5 asyncio tasks"),
        ("offload", 5, "cpu 5 asyncio tasks + to_thread", "3.13 with 5 asyncio tasks + to_thread"),
    ],
)
def test_one_way_to_name_a_cell(executor: str, workers: int, label: str, configuration: str) -> None:
    assert cell_label("cpu", executor, workers) == label
    assert configuration_label("3.13", executor, workers) == configuration


def test_builtin_traits_on_two_axes() -> None:
    assert BUILTIN_TRAITS["cpu"].cpu_bound and BUILTIN_TRAITS["cpu"].holds_gil
    assert BUILTIN_TRAITS["hash"].cpu_bound and not BUILTIN_TRAITS["hash"].holds_gil  # releases the GIL
    assert BUILTIN_TRAITS["sleep"].waiting and BUILTIN_TRAITS["io"].waiting
    mixed = BUILTIN_TRAITS["mixed"]
    assert dict(mixed.kinds).keys() == {"io", "cpu"}
    assert not mixed.cpu_bound and not mixed.waiting  # a mix: neither claim holds for the whole workload


def test_unknown_traits_support_no_claim() -> None:
    unknown = vocabulary.unknown_traits("mod:f")
    assert not unknown.known and not unknown.cpu_bound and not unknown.waiting and not unknown.holds_gil
    assert WorkloadTraits().known is False


@pytest.mark.parametrize(
    ("text", "traits"),
    [
        ("cpu", TaskTraits("cpu", "holds")),
        ("cpu/releases", TaskTraits("cpu", "releases")),
        ("wait", TaskTraits("wait", "releases")),
        (" wait / holds ", TaskTraits("wait", "holds")),
    ],
)
def test_declared_traits(text: str, traits: TaskTraits) -> None:
    assert parse_traits(text) == traits


@pytest.mark.parametrize("text", ["", "fast", "cpu/maybe", "unknown", "cpu/unknown"])
def test_bad_declarations_name_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="expected USES"):
        parse_traits(text)


def test_the_reference_is_a_cpython_gil_build_and_serial_comes_before_one_thread() -> None:
    assert vocabulary.is_reference("cpython", False)
    assert not vocabulary.is_reference("cpython", True) and not vocabulary.is_reference("pypy", False)
    assert vocabulary.ONE_WORKER_BASELINES == (("serial", 1), ("threads", 1))


@pytest.mark.parametrize(
    ("executor", "workers", "one_cpu"),
    [
        ("serial", 1, True),
        ("threads", 1, True),
        ("processes", 1, True),
        ("threads", 2, False),
        ("processes", 5, False),
        ("interpreters", 2, False),
        ("asyncio", 5, True),  # one event loop: CPU work one task at a time
        ("offload", 5, False),  # its CPU work goes to threads
    ],
)
def test_which_cells_run_on_one_cpu(executor: str, workers: int, one_cpu: bool) -> None:
    assert vocabulary.runs_on_one_cpu(executor, workers) is one_cpu


def test_the_subinterpreter_strategy_is_named_so_and_its_recorded_name_is_still_accepted() -> None:
    assert strategy("interpreters").public == "subinterpreters"
    assert vocabulary.strategy_name("subinterpreters") == vocabulary.strategy_name("interpreters") == "interpreters"
    assert vocabulary.strategy_name("threads") == "threads" and vocabulary.strategy_name("fibres") is None
    assert "subinterpreters" in vocabulary.ACCEPTED_STRATEGIES


def test_every_preset_that_runs_every_workload_lists_the_table_in_its_order() -> None:
    from bench.measure.config import PRESETS

    names = [name for name, row in vocabulary.BUILTIN_WORKLOADS.items() if not row.variant_of]
    variants = [name for name, row in vocabulary.BUILTIN_WORKLOADS.items() if row.variant_of]
    assert variants == ["io-stdlib", "mixed-stdlib"]
    for preset in ("smoke", "standard", "publish"):
        listed = [text.partition("=")[0] for text in PRESETS[preset].workloads]
        assert [name for name in listed if name not in variants] == names
    assert PRESETS["standard"].workloads[-2:] == PRESETS["standard"].uncrossed == tuple(variants)
    with pytest.raises(ValueError, match="fibres"):
        vocabulary.every_workload(fibres=1)
    assert {name: row.traits for name, row in vocabulary.BUILTIN_WORKLOADS.items()} == vocabulary.BUILTIN_TRAITS
