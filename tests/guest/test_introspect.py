"""What the interpreter and the machine are, read from themselves: build, GIL, JIT, CPUs, memory."""

from __future__ import annotations

import sys
import sysconfig

from bench.measure import introspect


def test_the_build_and_gil_state_are_this_interpreters() -> None:
    assert introspect.free_threaded_build() == (sysconfig.get_config_var("Py_GIL_DISABLED") == 1)
    if not introspect.free_threaded_build():
        assert introspect.gil_enabled()  # a GIL build, or PyPy, always has it
    elif hasattr(sys, "_is_gil_enabled"):
        assert introspect.gil_enabled() == sys._is_gil_enabled()


def test_the_jit_is_named() -> None:
    state = introspect.jit_state()
    assert state == "pypy" if sys.implementation.name == "pypy" else state in ("on", "off", "available", "none")


def test_cpu_lists_parse_as_the_kernel_writes_them() -> None:
    assert introspect.parse_cpu_list("0-2,5,7-8") == {0, 1, 2, 5, 7, 8}
    assert introspect.parse_cpu_list("3") == {3}


def test_the_usable_cpus_are_the_ones_this_process_may_run_on() -> None:
    allowed = introspect.allowed_cpus()
    assert allowed and introspect.usable_cpus() == len(allowed)


def test_machine_facts_hold_what_a_result_file_needs() -> None:
    facts = introspect.machine_facts()
    assert facts["usable_cpus"] >= 1 and facts["logical_cpus"] >= facts["usable_cpus"]
    assert facts["memory_bytes"] is None or facts["memory_bytes"] > 0


def test_the_guest_packages_include_requests() -> None:
    assert "requests" in introspect.guest_packages()
