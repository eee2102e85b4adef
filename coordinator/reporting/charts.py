"""Small server-side SVG charts (bars or a line), Chinese labels included; no chart library."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from xml.sax.saxutils import escape, quoteattr

from coordinator.reporting.attendance import AttendanceReport, CauseLine, Dimension
from coordinator.reporting.export import display_width
from coordinator.reporting.facts import Label, ReportError
from coordinator.reporting.labels import week_short

FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
COLOR = "#2b6cb0"
GRID = "#d9dee5"
HEIGHT, TOP, BOTTOM, LEFT, RIGHT, SLOT = 260, 44, 44, 52, 16, 64
LABEL_WIDTH = 10  # columns (a Chinese character is two) that fit under one slot


class Style(StrEnum):
    BAR = "bar"
    LINE = "line"


@dataclass(frozen=True, slots=True)
class Point:
    label: Label
    value: float | None  # None: nothing to show (e.g. no lesson was due that week)


@dataclass(frozen=True, slots=True)
class Chart:
    title: Label
    points: tuple[Point, ...]
    style: Style = Style.BAR
    percent: bool = False  # values are fractions shown as percentages on a 0-100 % axis


def weekly_delivery_chart(report: AttendanceReport, style: Style = Style.LINE) -> Chart:
    """Delivered over due classroom lessons, week by week."""
    if report.dimension is not Dimension.WEEK:
        raise ReportError("the weekly delivery chart needs an attendance report by week")
    points = tuple(Point(week_short(line.key), line.delivery_rate) for line in report.lines)
    title = Label("每周开课率", "Weekly delivery rate")
    return Chart(title, points, style, percent=True)


def failure_chart(lines: tuple[CauseLine, ...]) -> Chart:
    """Failed classroom lessons per cause."""
    points = tuple(Point(line.label, float(line.count)) for line in lines)
    return Chart(Label("失败原因", "Failures by cause"), points, Style.BAR)


def chart_svg(chart: Chart, language: str = "zh") -> str:
    """The chart as a standalone SVG document (UTF-8 text)."""
    width = LEFT + RIGHT + SLOT * max(len(chart.points), 4)
    top = _axis_top(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" font-family="{FONT}" font-size="12">',
        f"<title>{escape(chart.title.text(language))}</title>",
        f'<rect width="{width}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(width / 2, 22, chart.title.text(language), size=15, weight="bold"),
        *_grid(width, top, chart.percent),
        *_marks(chart, top, language),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _axis_top(chart: Chart) -> float:
    """The value at the top of the axis: 100 % for rates, else a round number above the max."""
    if chart.percent:
        return 1.0
    highest = max((p.value for p in chart.points if p.value is not None), default=0.0)
    if highest <= 4:
        return 4.0
    step = 10 ** math.floor(math.log10(highest))
    return float(math.ceil(highest / step) * step)


def _y(value: float, top: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(HEIGHT - BOTTOM - plot * min(value, top) / top, 1)


def _grid(width: int, top: float, percent: bool) -> list[str]:
    lines = []
    for step in range(5):
        value = top * step / 4
        y = _y(value, top)
        lines.append(f'<line x1="{LEFT}" y1="{y}" x2="{width - RIGHT}" y2="{y}" stroke="{GRID}"/>')
        lines.append(_text(LEFT - 6, y + 4, _format(value, percent), anchor="end"))
    return lines


def _marks(chart: Chart, top: float, language: str) -> list[str]:
    marks, line = [], []
    for index, point in enumerate(chart.points):
        x = LEFT + SLOT * index + SLOT / 2
        marks.extend(_axis_label(x, point.label.text(language)))
        if point.value is None:
            marks.append(_text(x, HEIGHT - BOTTOM - 6, "–"))
            continue
        y = _y(point.value, top)
        if chart.style is Style.BAR:
            bottom = HEIGHT - BOTTOM
            marks.append(
                f'<rect x="{x - SLOT * 0.3}" y="{y}" width="{SLOT * 0.6}" '
                f'height="{round(bottom - y, 1)}" fill="{COLOR}"/>'
            )
        else:
            line.append(f"{x},{y}")
            marks.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{COLOR}"/>')
        marks.append(_text(x, y - 7, _format(point.value, chart.percent)))
    if len(line) > 1:
        points = " ".join(line)
        marks.insert(
            0, f'<polyline points="{points}" fill="none" stroke="{COLOR}" stroke-width="2"/>'
        )
    return marks


def _format(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0%}"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _axis_label(x: float, text: str) -> list[str]:
    """Under the slot: one line, or two when a long label has a space to break at."""
    y = HEIGHT - BOTTOM + 16
    if display_width(text) <= LABEL_WIDTH or " " not in text:
        return [_text(x, y, _fit(text))]
    words = text.split(" ")
    cut = min(range(1, len(words)), key=lambda n: abs(2 * len(" ".join(words[:n])) - len(text)))
    lines = (" ".join(words[:cut]), " ".join(words[cut:]))
    return [_text(x, y + 14 * n, _fit(line)) for n, line in enumerate(lines)]


def _fit(text: str) -> str:
    """Shorten an axis label to the width of its slot (about 8 Latin or 4 Chinese characters)."""
    if display_width(text) <= LABEL_WIDTH:
        return text
    while display_width(text + "…") > LABEL_WIDTH:
        text = text[:-1]
    return text + "…"


def _text(
    x: float, y: float, text: str, *, size: int = 12, weight: str = "normal", anchor: str = "middle"
) -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
        f"text-anchor={quoteattr(anchor)}>{escape(text)}</text>"
    )
