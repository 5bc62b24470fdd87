"""Chart geometry for server-rendered SVG: horizontal bars for categories, a line for the
monthly trend. No script, no colour needed to read them: every bar and point carries its
number as text, a hidden value is written out ("hidden") instead of drawn, and each chart
sits next to a table with the same numbers for screen readers.

Only published values reach this module; there are no axis ticks, because a tick label is a
number too, and it could be a small one.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass

from sidebar.reports.periods import Period
from sidebar.reports.tables import CellView

WIDTH = 640
LABEL_HEIGHT = 18  # the category's name, above its bar
BAR_HEIGHT = 16
BAR_GAP = 12
VALUE_ROOM = 120  # right of the longest bar: its number, or "fewer than 11"
PAD = 4


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the number, or "fewer than k"
    hidden: bool
    label_y: float
    bar_y: float
    width: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: float
    bar_height: int = BAR_HEIGHT
    kind: str = "bar"

    @property
    def empty(self) -> bool:
        return not any(not bar.hidden and bar.width > 0 for bar in self.bars)

    @property
    def summary(self) -> str:
        return f"Bar chart: {self.title}. The numbers are in the table that follows."


def bar_chart(key: str, title: str, items: Sequence[tuple[str, CellView]]) -> BarChart:
    shown = [item.value for _, item in items if item.value is not None]
    largest = max(shown, default=0) or 1
    room = WIDTH - 2 * PAD - VALUE_ROOM
    bars = []
    y = PAD
    for label, item in items:
        width = 0.0 if item.value is None else room * item.value / largest
        value_x = PAD + 28 if item.value is None else PAD + width + 6  # right of the dashed box, or the bar
        bar_y = y + LABEL_HEIGHT
        bars.append(
            Bar(
                label=label,
                text=item.text,
                hidden=item.hidden,
                label_y=y + LABEL_HEIGHT - 5,
                bar_y=bar_y,
                width=round(width, 1),
                value_x=round(value_x, 1),
                value_y=bar_y + BAR_HEIGHT - 3,
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP
    return BarChart(key=key, title=title, bars=tuple(bars), width=WIDTH, height=y + PAD)


LINE_HEIGHT = 250
TOP, BOTTOM, SIDE = 34, 56, 34


@dataclass(frozen=True)
class Point:
    month: str  # "Oct"
    year: str  # "2026" under January and the first month; "" otherwise
    text: str
    hidden: bool
    x: float
    y: float  # the point (or, when hidden, where its note is written)

    @property
    def label_y(self) -> float:
        return self.y - 10


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    points: tuple[Point, ...]
    segments: tuple[str, ...]  # polyline "x,y x,y" runs between hidden months
    width: int
    height: int
    baseline_y: float
    hidden_text: str
    kind: str = "line"
    axis_start: float = SIDE - 10
    axis_end: float = WIDTH - SIDE + 10

    @property
    def month_y(self) -> float:
        return self.height - BOTTOM + 20

    @property
    def year_y(self) -> float:
        return self.height - BOTTOM + 38

    @property
    def empty(self) -> bool:
        return not any(not point.hidden for point in self.points)

    @property
    def summary(self) -> str:
        return f"Line chart: {self.title}. The numbers are in the table that follows."


def line_chart(key: str, title: str, series: Sequence[tuple[Period, CellView]], *, k: int | None) -> LineChart:
    values = [item.value for _, item in series if item.value is not None]
    largest = max(values, default=0) or 1
    plot_height = LINE_HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    step = (WIDTH - 2 * SIDE) / max(len(series) - 1, 1)
    points = []
    segments: list[list[str]] = [[]]
    for index, (month, item) in enumerate(series):
        x = round(SIDE + index * step, 1)
        if item.value is None:
            points.append(Point(_month(month), _year(month, index), "hidden", True, x, baseline - 6))
            if segments[-1]:
                segments.append([])
            continue
        y = round(TOP + plot_height * (1 - item.value / largest), 1)
        points.append(Point(_month(month), _year(month, index), item.text, False, x, y))
        segments[-1].append(f"{x},{y}")
    return LineChart(
        key=key,
        title=title,
        points=tuple(points),
        segments=tuple(" ".join(run) for run in segments if len(run) > 1),
        width=WIDTH,
        height=LINE_HEIGHT,
        baseline_y=baseline,
        hidden_text="hidden: a number hidden to protect the people in it" if k else "",
    )


def _month(month: Period) -> str:
    return calendar.month_abbr[month.number]


def _year(month: Period, index: int) -> str:
    return str(month.year) if index == 0 or month.number == 1 else ""
