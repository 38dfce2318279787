"""Geometry for the completions-over-time chart, drawn as server-side SVG (readable without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .coverage import Timeline

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 48, 16, 16, 36


@dataclass
class ChartView:
    width: int
    height: int
    actual: str  # polyline points of the cumulative completions
    needed: str  # the straight line from 0 at the start to the goal at the deadline
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    today_x: float | None
    goal: int
    latest: int
    needed_today: int
    deadline: date


def timeline_chart(timeline: Timeline, today: date) -> ChartView:
    top_value = max([timeline.goal, 1] + [v for _, v in timeline.points])
    span = (timeline.deadline - timeline.start).days or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + plot_w * min(max((day - timeline.start).days, 0), span) / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    steps = [(timeline.start, 0)]
    for day, value in timeline.points:
        steps.append((day, steps[-1][1]))  # a step: flat until the day, then up
        steps.append((day, value))
    last_day = min(today, timeline.deadline)
    if last_day > steps[-1][0]:
        steps.append((last_day, steps[-1][1]))
    actual = " ".join(f"{x(d)},{y(v)}" for d, v in steps)
    needed = f"{x(timeline.start)},{y(0)} {x(timeline.deadline)},{y(timeline.goal)}"
    y_ticks = [(y(v), v) for v in sorted({0, top_value // 2, top_value})]
    months, seen = [], set()
    day = timeline.start
    while day <= timeline.deadline:
        key = (day.year, day.month)
        if key not in seen:
            seen.add(key)
            first = not months or day.month == 1
            months.append((x(day), f"T{day.month}/{day.year}" if first else f"T{day.month}"))
        day = date.fromordinal(day.toordinal() + 1)
    today_x = x(today) if timeline.start <= today <= timeline.deadline else None
    latest = timeline.points[-1][1] if timeline.points else 0
    return ChartView(
        WIDTH,
        HEIGHT,
        actual,
        needed,
        y_ticks,
        months,
        today_x,
        timeline.goal,
        latest,
        timeline.needed_on(min(today, timeline.deadline)),
        timeline.deadline,
    )
