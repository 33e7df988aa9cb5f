"""Horizontal bar charts drawn on the server as inline SVG.

Made for a phone first: each bar has its words on a line of their own above
it, so a long name or "week of 2 Nov" never squeezes the bar, and the chart
is drawn at its own pixel size (320 px wide, text at 12 px), never scaled up.
No ``style`` attribute and no script (the Content Security Policy): colours
come from CSS classes (static/css/app.css, "overview charts"). Each chart is
followed on the page by a table of the same numbers for screen readers
(the SVG itself is one image with a title).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320
VALUE_WIDTH = 40  # room for the count after the longest bar
BAR_MAX = WIDTH - VALUE_WIDTH
LABEL_LINE = 16  # the words above a bar (12 px text)
BAR_HEIGHT = 14
GAP = 8
ROW = LABEL_LINE + BAR_HEIGHT + GAP
LONGEST_LABEL = 44  # characters that fit 320 px at 12 px; the table has the rest


@dataclass(frozen=True)
class Segment:
    css: str
    x: int
    width: int


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    segments: list[Segment]
    label_y: int  # baseline of the words
    bar_y: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: ids of the title and of the table
    title: str
    bars: list[Bar]
    legend: list[tuple[str, str]]  # (css class, words) of each kind of segment
    width: int = WIDTH

    @property
    def height(self) -> int:
        return ROW * len(self.bars) + 2

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def is_empty(self) -> bool:
        return not any(bar.total for bar in self.bars)


def _shortened(label: str) -> str:
    if len(label) <= LONGEST_LABEL:
        return label
    return label[: LONGEST_LABEL - 1].rstrip() + "…"


def bar_chart(
    key: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    classes: Sequence[str],
    legend: Sequence[str] = (),
) -> Chart:
    """A chart of one bar per row: ``rows`` are (words, [part, part, ...]),
    each part drawn as a segment of ``classes`` in order, stacked left to
    right; bars are scaled to the longest total. ``legend`` names the parts
    (none for a single part)."""
    peak = max((sum(parts) for _, parts in rows), default=0)
    bars = []
    for index, (label, parts) in enumerate(rows):
        top = ROW * index
        x = 0
        segments = []
        total = sum(parts)
        for css, value in zip(classes, parts, strict=True):
            width = round(BAR_MAX * value / peak) if peak else 0
            if width:
                segments.append(Segment(css, x, width))
            x += width
        bars.append(
            Bar(
                label=_shortened(label),
                total=total,
                segments=segments,
                label_y=top + 12,
                bar_y=top + LABEL_LINE,
                value_x=x + 4,
                value_y=top + LABEL_LINE + 11,
            )
        )
    return Chart(key, title, bars, list(zip(classes, legend, strict=False)))
