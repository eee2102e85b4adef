"""The Excel 课程表 grid: weekdays across, periods down, the teacher's classes in the cells.

One sheet per teacher, named by a `教师：王丽` cell above the weekday header or else by the
sheet's title. Bell times come from a column beside the periods (`08:00-08:40`), or, when the
sheet has none, from the bundle's bell schedule of the teacher's school by period number
(`第1节`, `1`, `第一节`). Every filled cell is a taken period; a merge down a column (a double
lesson) fills both periods.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from coordinator.bundle.cells import WEEKDAY_NAMES, Cell
from coordinator.bundle.problems import error
from coordinator.bundle.raw import narrow, text
from coordinator.bundle.timetables.entries import Entry, TimetableRead, time_span

# (teacher as named, weekday, period number) -> bell times, from the bundle
PeriodTimes = Callable[[str, int, int], tuple[dt.time, dt.time] | None]
TEACHER_PATTERN = re.compile(r"(?:任课)?(?:教师|老师|teacher)\s*[:：]\s*(\S+)", re.IGNORECASE)
PERIOD_PATTERN = re.compile(r"第?\s*([0-9一二三四五六七八九十]+)\s*节?")
NUMERALS = {name: number for number, name in enumerate("一二三四五六七八九十", 1)}


def read_grid_sheet(
    title: str,
    lines: Sequence[tuple[int, list[Cell]]],
    period_times: PeriodTimes,
    read: TimetableRead,
) -> None:
    """Add the entries of one sheet to `read`; report what cannot be read, with its line."""
    header = find_header(lines)
    if header is None:
        message = "has no line of weekdays (周一 … 周五) heading the timetable's columns"
        read.problems.append(error(title, None, None, message))
        return
    index, days = header
    teacher = teacher_named(lines[:index]) or title.strip()
    body = lines[index + 1 :]
    times = time_column(body, set(days))
    for number, cells in body:
        filled = {day: cell_text(cells, column) for column, day in days.items()}
        filled = {day: value for day, value in filled.items() if value}
        if not filled:
            continue
        for weekday, value in filled.items():
            span = row_span(cells, times, teacher, weekday, period_times)
            if span is None:
                message = (
                    "has classes but no bell time: add a column of times like 08:00-08:40, "
                    "or number the periods (第1节) and import the bundle's bell schedule first"
                )
                read.problems.append(error(title, number, None, message))
                break
            read.entries.append(Entry(teacher, weekday, *span, value.splitlines()[0], number))


def find_header(lines: Sequence[tuple[int, list[Cell]]]) -> tuple[int, dict[int, int]] | None:
    """The index of the first line naming two weekdays or more, and column -> weekday."""
    for index, (_, cells) in enumerate(lines):
        days = {}
        for column, cell in enumerate(cells):
            value = narrow(text(cell)).casefold()
            if value and not value.isdigit() and value in WEEKDAY_NAMES:
                days[column] = WEEKDAY_NAMES[value]
        if len(days) >= 2:
            return index, days
    return None


def teacher_named(lines: Sequence[tuple[int, list[Cell]]]) -> str | None:
    for _, cells in lines:
        for cell in cells:
            match = TEACHER_PATTERN.search(text(cell))
            if match:
                return match.group(1).strip()
    return None


def time_column(body: Sequence[tuple[int, list[Cell]]], days: set[int]) -> int | None:
    """The column (not a weekday's) whose cells read as bell times, if any."""
    width = max((len(cells) for _, cells in body), default=0)
    for column in range(width):
        if column in days:
            continue
        if any(is_span(cell_text(cells, column)) for _, cells in body):
            return column
    return None


def row_span(
    cells: list[Cell],
    times: int | None,
    teacher: str,
    weekday: int,
    period_times: PeriodTimes,
) -> tuple[dt.time, dt.time] | None:
    if times is not None and is_span(cell_text(cells, times)):
        return time_span(cell_text(cells, times))
    for cell in cells:
        period = period_number(text(cell))
        if period is not None:
            return period_times(teacher, weekday, period)
    return None


def period_number(value: str) -> int | None:
    match = PERIOD_PATTERN.fullmatch(narrow(value).replace(" ", ""))
    if match is None or not (value.startswith("第") or match.group(1).isdigit()):
        return None
    number = match.group(1)
    if number.isdigit():
        return int(number)
    if number in NUMERALS:
        return NUMERALS[number]
    return None


def is_span(value: str) -> bool:
    try:
        time_span(value)
    except ValueError:
        return False
    return True


def cell_text(cells: list[Cell], column: int) -> str:
    return text(cells[column]) if column < len(cells) else ""
