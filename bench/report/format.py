"""How the report writes numbers: one unit per value, intervals in the value's unit, missing as a dash.

Host code.  Every table and sentence formats through here, so a time or a
ratio reads the same everywhere in the report.
"""

from __future__ import annotations

import math


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


def seconds_ci(value: float | None, low: float | None, high: float | None) -> str:
    """The median and its 95% interval in one unit, such as "0.620 s [0.614-0.626]"."""
    number, low_n, high_n = present(value), present(low), present(high)
    if number is None:
        return "–"
    if low_n is None or high_n is None or low_n == high_n:
        return seconds(number)
    scale, unit, digits = _unit(number)
    return f"{number * scale:.{digits}f} {unit} [{low_n * scale:.{digits}f}–{high_n * scale:.{digits}f}]"


def ratio(value: float | None) -> str:
    number = present(value)
    return "–" if number is None else f"{number:.2f}x"


def ratio_ci(value: float | None, low: float | None, high: float | None) -> str:
    number, low_n, high_n = present(value), present(low), present(high)
    if number is None:
        return "–"
    if low_n is None or high_n is None or low_n == high_n:
        return ratio(number)
    return f"{number:.2f}x [{low_n:.2f}–{high_n:.2f}]"


def p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def percent(value: float | None) -> str:
    number = present(value)
    return "–" if number is None else f"{number * 100:.0f}%"
