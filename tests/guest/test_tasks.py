"""The built-in tasks: each does the work it says, and returns something derived from it (so none is skipped)."""

from __future__ import annotations

from bench.measure import tasks


def test_countdown_counts_to_zero() -> None:
    assert tasks.countdown(850_000) == 0
    assert tasks.countdown(0) == 0


def test_objects_is_deterministic() -> None:
    assert tasks.objects(2048) == tasks.objects(2048)
    assert tasks.objects(1) == len("item-0") + 3 + len("value0")


def test_sleep_returns_its_argument() -> None:
    assert tasks.sleep(0.001) == 0.001
