"""Checks on clock times: start before end, bell periods that clash, busy blocks, live periods."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TypeAlias

from coordinator.bundle.cells import format_clock, format_numbers
from coordinator.bundle.parsed import Parsed
from coordinator.bundle.problems import Problem, error, warning
from coordinator.domain import BellPeriod, BusyBlock, NetworkTeacher, School

TIMED_FILES = ("bell_periods", "busy_blocks", "pinned_sessions", "events")
# (line, other line) -> weekdays on which the two clash
Clashes: TypeAlias = dict[tuple[int, int], list[int]]


def check_times(parsed: Parsed, problems: list[Problem]) -> None:
    """Every clock-time rule of the bundle."""
    check_start_before_end(parsed, problems)
    check_bell_periods(parsed, problems)
    check_live_periods(parsed, problems)
    check_busy_blocks(parsed, problems)


def check_start_before_end(parsed: Parsed, problems: list[Problem]) -> None:
    """A period, block, session or event ends after it starts; a term does not end before."""
    for name in TIMED_FILES:
        for row in parsed.tables[name].rows if name in parsed.tables else []:
            start, end = row.values.get("start"), row.values.get("end")
            if isinstance(start, dt.time) and isinstance(end, dt.time) and end <= start:
                message = f"end {format_clock(end)} is not after start {format_clock(start)}"
                problems.append(error(parsed.file(name), row.line, "end", message))
    for row in parsed.tables["terms"].rows if "terms" in parsed.tables else []:
        start, end = row.values.get("start"), row.values.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            message = f"end {end} is before start {start}"
            problems.append(error(parsed.file("terms"), row.line, "end", message))


def check_bell_periods(parsed: Parsed, problems: list[Problem]) -> None:
    """On one weekday of one schedule, period numbers are unique and periods do not overlap."""
    days: dict[tuple[str, int], list[tuple[int, BellPeriod]]] = defaultdict(list)
    for line, period in parsed.objects("bell_periods", BellPeriod):
        if period.start < period.end:  # a period that ends too early is reported already
            days[(period.bell_schedule_id, period.weekday)].append((line, period))
    repeats: Clashes = defaultdict(list)
    overlaps: Clashes = defaultdict(list)
    for (_, weekday), periods in days.items():
        first_line: dict[int, int] = {}
        distinct: list[tuple[int, BellPeriod]] = []
        for line, period in periods:
            if period.period in first_line:
                repeats[(line, first_line[period.period])].append(weekday)
            else:
                first_line[period.period] = line
                distinct.append((line, period))
        for pair in sweep_overlaps(distinct):
            overlaps[pair].append(weekday)
    file = parsed.file("bell_periods")
    for (line, other_line), weekdays in repeats.items():
        message = f"period number already used on line {other_line} ({on_days(weekdays)})"
        problems.append(error(file, line, "period", message))
    for (line, other_line), weekdays in overlaps.items():
        message = f"overlaps the period on line {other_line} ({on_days(weekdays)})"
        problems.append(error(file, line, "start", message))


def sweep_overlaps(spans: Sequence[tuple[int, BellPeriod | BusyBlock]]) -> list[tuple[int, int]]:
    """(later line, earlier line) pairs of overlapping spans, in n log n: sorted by start, each
    span is checked against the one reaching furthest so far, so every span that overlaps an
    earlier-starting one is named once, with that one (not every pair is listed)."""
    pairs: list[tuple[int, int]] = []
    reach: tuple[int, BellPeriod | BusyBlock] | None = None
    for line, span in sorted(spans, key=lambda item: (item[1].start, item[1].end, item[0])):
        if reach is not None and span.start < reach[1].end:
            pairs.append((max(line, reach[0]), min(line, reach[0])))
        if reach is None or span.end > reach[1].end:
            reach = (line, span)
    return pairs


def check_live_periods(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about a school whose bell schedule opens no period to live lessons."""
    if "bell_periods" in parsed.broken or not parsed.complete("bell_periods"):
        return
    live = {
        period.bell_schedule_id
        for _, period in parsed.objects("bell_periods", BellPeriod)
        if period.live
    }
    known = parsed.ids("bell_schedules") or set()
    for line, school in parsed.objects("schools", School):
        if school.bell_schedule_id in known and school.bell_schedule_id not in live:
            message = (
                f"bell schedule {school.bell_schedule_id!r} has no live period, "
                "so this school can take no live lessons"
            )
            problems.append(warning(parsed.file("schools"), line, "bell_schedule_id", message))


def check_busy_blocks(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about a busy block outside its teacher's school day or over another of their blocks."""
    blocks = [
        (line, block)
        for line, block in parsed.objects("busy_blocks", BusyBlock)
        if block.start < block.end  # a block that ends too early is reported already
    ]
    file = parsed.file("busy_blocks")
    for line, weekdays in blocks_outside_school_day(parsed, blocks).items():
        message = f"lies outside the school day of the teacher's school ({on_days(weekdays)})"
        problems.append(warning(file, line, "start", message))
    for (line, other_line), weekdays in blocks_overlapping(blocks).items():
        message = f"overlaps the busy block on line {other_line} ({on_days(weekdays)})"
        problems.append(warning(file, line, "start", message))


def blocks_outside_school_day(
    parsed: Parsed, blocks: list[tuple[int, BusyBlock]]
) -> dict[int, list[int]]:
    """Lines of blocks that miss the bell periods of their teacher's school, with the weekdays."""
    teachers = parsed.by_id("network_teachers", NetworkTeacher)
    spans = school_day_spans(parsed)
    schools_with_periods = {school for school, _ in spans}
    outside: dict[int, list[int]] = defaultdict(list)
    for line, block in blocks:
        teacher = teachers.get(block.teacher_id)
        if teacher is None or teacher.school_id not in schools_with_periods:
            continue
        span = spans.get((teacher.school_id, block.weekday))
        if span is None or not overlap(block.start, block.end, *span):
            outside[line].append(block.weekday)
    return outside


def blocks_overlapping(blocks: list[tuple[int, BusyBlock]]) -> Clashes:
    """Pairs of lines whose blocks of one teacher overlap, with the weekdays they do."""
    days: dict[tuple[str, int], list[tuple[int, BusyBlock]]] = defaultdict(list)
    for line, block in blocks:
        days[(block.teacher_id, block.weekday)].append((line, block))
    clashes: Clashes = defaultdict(list)
    for (_, weekday), spans in days.items():
        for pair in sweep_overlaps(spans):
            clashes[pair].append(weekday)
    return clashes


def school_day_spans(parsed: Parsed) -> dict[tuple[str, int], tuple[dt.time, dt.time]]:
    """For each school and weekday: from its first period's start to its last period's end."""
    spans: dict[tuple[str, int], tuple[dt.time, dt.time]] = {}
    if not parsed.complete("bell_periods"):
        return spans
    days: dict[tuple[str, int], tuple[dt.time, dt.time]] = {}
    for _, period in parsed.objects("bell_periods", BellPeriod):
        key = (period.bell_schedule_id, period.weekday)
        first, last = days.get(key, (period.start, period.end))
        days[key] = (min(first, period.start), max(last, period.end))
    by_schedule: dict[str, list[tuple[int, tuple[dt.time, dt.time]]]] = defaultdict(list)
    for (schedule, weekday), span in days.items():
        by_schedule[schedule].append((weekday, span))
    for _, school in parsed.objects("schools", School):
        for weekday, span in by_schedule.get(school.bell_schedule_id, []):
            spans[(school.id, weekday)] = span
    return spans


def overlap(start: dt.time, end: dt.time, other_start: dt.time, other_end: dt.time) -> bool:
    """Whether two time ranges share any moment (touching ends do not count)."""
    return start < other_end and other_start < end


def on_days(weekdays: Sequence[int]) -> str:
    """`weekday 3` or `weekdays 1-5`."""
    days = tuple(sorted(set(weekdays)))
    return f"weekday{'s' if len(days) > 1 else ''} {format_numbers(days)}"
