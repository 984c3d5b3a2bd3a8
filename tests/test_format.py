"""Numbers in words: ratios with their range, p-values, times in one unit per column."""

from __future__ import annotations

import math

from bench.report.format import TimeUnit, p_text, percent, present, ratio, ratio_ci, seconds, time_unit


def test_missing_values_are_a_dash_never_nan() -> None:
    assert present(math.nan) is None and present(None) is None
    assert ratio(None) == ratio_ci(math.nan, 1, 2) == percent(None) == seconds(None) == "–"


def test_ratios_keep_two_digits_under_ten_and_one_above() -> None:
    assert ratio(1.234) == "1.23x" and ratio(38.64) == "38.6x"
    assert ratio_ci(1.5, 1.25, 1.75) == "1.50x [1.25–1.75]"
    assert ratio_ci(1.5, 1.5, 1.5) == "1.50x"  # one round: no range to show


def test_p_values_below_a_thousandth_are_bounded() -> None:
    assert p_text(0.0004) == "p<0.001" and p_text(0.0078125) == "p=0.008"


def test_a_column_takes_one_unit_chosen_by_its_median() -> None:
    assert time_unit([0.002, 0.004, 0.5]) == TimeUnit("ms", 2)  # 2.00 ms: three significant digits
    unit = time_unit([1.5, 2.0, 30.0])
    assert unit.unit == "s" and unit.text(2.0) == "2.00" and unit.text(30.0) == "30.0"
    assert unit.interval(2.0, 1.5, 2.5) == "2.00 [1.50–2.50]"
    assert time_unit([]) == TimeUnit("ms", 1)
