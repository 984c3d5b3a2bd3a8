"""The words a comparison allows: said of the right cell, with its interval the right way round, and never a tie."""

from __future__ import annotations

from bench.report import words
from bench.report.comparisons import ComparisonRow


def row(value: float, low: float, high: float, n: int = 8, slower: int = 8, faster: int = 0) -> ComparisonRow:
    return ComparisonRow(value, low, high, 0.008, True, n, slower_rounds=slower, faster_rounds=faster)


def test_the_subject_is_faster_where_the_other_is_slower_and_the_interval_turns_with_it() -> None:
    other_slower = row(1.25, 1.10, 1.40)  # other / subject
    assert words.subject_against(other_slower, "X") == "1.25x faster than X ([1.10–1.40], 99%, 8 rounds, p=0.008)"
    other_faster = row(0.80, 0.75, 0.90)
    said = words.subject_against(other_faster, "X")
    assert said.startswith("1.25x slower than X ([1.11–1.33]")  # 1/0.9 to 1/0.75: the interval of the words
    assert words.of_subject(other_faster) == "slower" and words.a_against(other_faster) == "1.25x faster"


def test_equivalence_names_its_margin_and_not_settled_its_bound_and_split() -> None:
    assert words.subject_against(row(1.01, 0.98, 1.03), "X").startswith("equivalent with X (within ±5%: [0.98–1.03]")
    open_ = words.subject_against(row(1.02, 0.92, 1.12, slower=5, faster=3), "X")
    assert open_ == "not settled against X (X ran between 9% faster and 12% slower; 5 of 8 rounds slower; p=0.008)"
    assert "tied" not in open_ and "no significant" not in open_


def test_a_gain_says_its_word_only_where_it_is_not_a_difference() -> None:
    assert words.gain(row(1.5, 1.4, 1.6), "–") == "1.50x [1.40–1.60]"
    assert words.gain(row(1.0, 0.99, 1.01), "–").endswith(", equivalent")
    assert words.gain(row(1.1, 0.9, 1.3), "–").endswith(", not settled")
    assert words.gain(None, "– (is its baseline)") == "– (is its baseline)"
    assert words.tested(row(2.0, 2.0, 2.0)).startswith("the same in every round")


def test_a_family_s_level_keeps_its_digits_and_is_never_rounded_to_100_percent() -> None:
    from bench.report.words import level_percent

    assert level_percent(0.99) == "99%"
    assert level_percent(1 - 0.01 / (19 * 3)) == "99.98%"
    assert level_percent(1 - 0.01 / (5 * 3)) == "99.93%"
