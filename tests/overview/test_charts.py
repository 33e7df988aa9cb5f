"""The charts' geometry: bars scaled to the longest, parts stacked in order,
words above each bar, long words shortened (the table keeps them whole)."""

from overview.charts import BAR_MAX, LONGEST_LABEL, ROW, WIDTH, bar_chart


def test_bars_are_scaled_to_the_longest_and_parts_stack_left_to_right():
    chart = bar_chart(
        "c", "Title", [("a", [2, 2]), ("b", [1, 0])], ["co", "alone"], ["Co", "Alone"]
    )
    first, second = chart.bars
    assert [(s.css, s.x, s.width) for s in first.segments] == [
        ("co", 0, BAR_MAX // 2),
        ("alone", BAR_MAX // 2, BAR_MAX // 2),
    ]
    # A part of zero draws nothing; the count follows the bar.
    assert [(s.css, s.width) for s in second.segments] == [("co", BAR_MAX // 4)]
    assert second.value_x == BAR_MAX // 4 + 4
    assert (first.total, second.total) == (4, 1)
    assert chart.legend == [("co", "Co"), ("alone", "Alone")]


def test_each_bar_has_its_words_on_a_line_above_it_and_fits_the_width():
    chart = bar_chart("c", "Title", [("x", [5]), ("y", [3])], ["bar"])
    for index, bar in enumerate(chart.bars):
        assert bar.label_y < bar.bar_y < bar.value_y
        assert bar.bar_y == ROW * index + 16
        assert bar.value_x + 4 * 6 <= WIDTH  # room for a three-digit count
    assert chart.height == ROW * 2 + 2


def test_long_words_are_shortened_and_an_empty_chart_says_so():
    long = "A worker with a really very long name that goes on and on"
    chart = bar_chart("c", "Title", [(long, [0])], ["bar"])
    assert len(chart.bars[0].label) <= LONGEST_LABEL
    assert chart.bars[0].label.endswith("…")
    assert chart.is_empty
    assert bar_chart("c", "Title", [], ["bar"]).bars == []
