"""The small-cell rules every count about people goes through."""

from peersupport.small_cells import HIDDEN, SMALL, suppress, suppress_parts


def test_counts_below_five_are_shown_as_less_than_five_zero_included():
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [SMALL, SMALL, SMALL, 5, 12]


def test_one_small_part_hides_the_smallest_other_one():
    shown = suppress_parts({"open": 6, "attended": 7, "no_show": 5, "declined": 2, "closed": 6})
    assert shown == {"open": 6, "attended": 7, "no_show": HIDDEN, "declined": "<5", "closed": 6}


def test_two_small_parts_cannot_be_told_apart_so_nothing_more_is_hidden():
    assert suppress_parts({"a": 9, "b": 2, "c": 3}) == {"a": 9, "b": "<5", "c": "<5"}


def test_parts_all_large_are_shown_as_they_are():
    assert suppress_parts({"a": 9, "b": 6}) == {"a": 9, "b": 6}
