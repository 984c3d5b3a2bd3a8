"""What could disturb a measurement, checked once before measuring: recorded and warned about, never refused.

Guest code: standard library only.  Each warning is a typed record with a
stable code, so the report can treat it without reading its wording.
"""

from __future__ import annotations

from typing import Any

from bench.measure import introspect
from bench.result import RunWarning
from bench.vocabulary import OTHERS_BUSY_SHARE


def disturbances(machine: dict[str, Any], max_workers: int) -> tuple[dict[str, Any], list[RunWarning]]:
    """The facts, and a warning for each one that can falsify a number.

    ``machine`` is :func:`introspect.machine_facts` taken just before: its load
    average, governor and usable CPUs are used as they are, not read again.
    """
    facts: dict[str, Any] = {
        "load_average": machine["load_average"],
        "others_cpu_share": introspect.others_cpu_share(),
        "cpu_governor": machine["cpu_governor"],
        "turbo": introspect.turbo_state(),
        "usable_cpus": machine["usable_cpus"],
        "max_workers": max_workers,
    }
    return facts, warnings_from(facts)


def warnings_from(facts: dict[str, Any]) -> list[RunWarning]:
    """The warnings the disturbance facts call for (separate, so recorded facts can be re-judged)."""
    found = []
    share = facts.get("others_cpu_share")
    if share is not None and share > OTHERS_BUSY_SHARE:
        found.append(
            RunWarning(
                "others-busy",
                f"other processes kept {share:.0%} of the CPUs busy before measuring; "
                "numbers will be noisy (close them, or use --pin)",
            )
        )
    usable = facts.get("usable_cpus") or 1
    # No warning from the load average: it remembers the last minutes (the previous interpreter's session).
    # The report says what other processes used *while* gilbench measured, from the speed probe.
    governor = facts.get("cpu_governor")
    if governor not in (None, "performance"):
        found.append(
            RunWarning("governor", f"CPU frequency governor is {governor!r}, not 'performance': clock speeds may vary")
        )
    if facts.get("turbo") == "on":
        found.append(
            RunWarning("turbo", "turbo boost is on: clock speed depends on temperature and on how many cores are busy")
        )
    max_workers = facts.get("max_workers") or 1
    if max_workers > usable:
        found.append(
            RunWarning(
                "workers-over-cpus",
                f"up to {max_workers} workers on {usable} usable CPU(s): "
                "beyond that, CPU-bound workers can only time-share (waiting ones still overlap)",
            )
        )
    return found
