"""How the report writes numbers: one unit per value, intervals in the value's unit, missing as a dash.

Host code.  Every table and sentence formats through here, so a time or a
ratio reads the same everywhere in the report.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass


def present(value: float | None) -> float | None:
    """The value as a float, or None when it is missing (None or NaN)."""
    if value is None or math.isnan(float(value)):
        return None
    return float(value)


def _unit(value: float) -> tuple[float, str, int]:
    """Scale and unit for a time: seconds above 0.1 s, else milliseconds."""
    if value >= 10:
        return 1.0, "s", 1
    if value >= 1:
        return 1.0, "s", 2
    if value >= 0.1:
        return 1.0, "s", 3
    return 1000.0, "ms", 1


def seconds(value: float | None) -> str:
    number = present(value)
    if number is None:
        return "–"
    scale, unit, digits = _unit(number)
    return f"{number * scale:.{digits}f} {unit}"


def _ratio_digits(value: float) -> int:
    return 1 if abs(value) >= 10 else 2


def ratio(value: float | None) -> str:
    number = present(value)
    return "–" if number is None else f"{number:.{_ratio_digits(number)}f}x"


def ratio_ci(value: float | None, low: float | None, high: float | None) -> str:
    number, low_n, high_n = present(value), present(low), present(high)
    if number is None:
        return "–"
    if low_n is None or high_n is None or low_n == high_n:
        return ratio(number)
    digits = _ratio_digits(number)
    return f"{number:.{digits}f}x [{low_n:.{digits}f}–{high_n:.{digits}f}]"


def p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def percent(value: float | None) -> str:
    number = present(value)
    return "–" if number is None else f"{number * 100:.0f}%"


@dataclass(frozen=True)
class TimeUnit:
    """One unit for a whole table column (ms or s), so its numbers line up and compare at a glance."""

    unit: str  # "ms" or "s"
    digits: int

    @property
    def scale(self) -> float:
        return 1000.0 if self.unit == "ms" else 1.0

    def text(self, value: float | None) -> str:
        """Three significant digits (at most three decimals), in this column's unit."""
        number = present(value)
        if number is None:
            return "–"
        scaled = number * self.scale
        digits = min(3, max(0, 2 - math.floor(math.log10(abs(scaled))))) if scaled else 0
        return f"{scaled:.{digits}f}"

    def interval(self, value: float | None, low: float | None, high: float | None) -> str:
        """``114 [106-118]``: the median and the range of the rounds, in this column's unit."""
        number, low_n, high_n = present(value), present(low), present(high)
        if number is None:
            return "–"
        if low_n is None or high_n is None or low_n == high_n:
            return self.text(number)
        return f"{self.text(number)} [{self.text(low_n)}–{self.text(high_n)}]"


def time_unit(values: Iterable[float | None]) -> TimeUnit:
    """Seconds when the column's typical value is 1 s or more, else milliseconds; three significant digits for
    its smallest value (at most three decimals)."""
    numbers = [number for number in (present(value) for value in values) if number is not None and number > 0]
    if not numbers:
        return TimeUnit("ms", 1)
    unit = "s" if float(statistics.median(numbers)) >= 1.0 else "ms"
    smallest = min(numbers) * (1000.0 if unit == "ms" else 1.0)
    digits = min(3, max(0, 2 - math.floor(math.log10(smallest))))
    return TimeUnit(unit, digits)
