"""What else the machine was doing: each disturbance that can falsify a number becomes a warning naming it."""

from __future__ import annotations

from bench.measure import hygiene


def test_other_processes_busy_enough_to_matter_are_warned_about() -> None:
    facts = {
        "others_cpu_share": 0.5,
        "load_average": [0.1],
        "cpu_governor": None,
        "turbo": None,
        "usable_cpus": 2,
        "max_workers": 2,
    }
    codes = [warning.code for warning in hygiene.warnings_from(facts)]
    assert "others-busy" in codes
    quiet = {**facts, "others_cpu_share": 0.0}
    assert "others-busy" not in [warning.code for warning in hygiene.warnings_from(quiet)]


def test_more_workers_than_cpus_is_said() -> None:
    facts = {
        "others_cpu_share": 0.0,
        "load_average": [0.0],
        "cpu_governor": None,
        "turbo": None,
        "usable_cpus": 2,
        "max_workers": 5,
    }
    assert "workers-over-cpus" in [warning.code for warning in hygiene.warnings_from(facts)]


def test_the_facts_are_taken_from_the_machine_as_given() -> None:
    machine = {"load_average": [0.5, 0.4, 0.3], "cpu_governor": "performance", "usable_cpus": 2}
    facts, warnings = hygiene.disturbances(machine, max_workers=1)
    assert facts["load_average"] == [0.5, 0.4, 0.3] and facts["cpu_governor"] == "performance"
    assert facts["max_workers"] == 1
    assert all(warning.code != "workers-over-cpus" for warning in warnings)
