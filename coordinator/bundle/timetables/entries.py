"""What every timetable reader gives: a teacher's taken times, and their mapping to the bundle."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from coordinator.bundle.clocks import clock
from coordinator.bundle.problems import Problem, error
from coordinator.bundle.raw import CellError, narrow
from coordinator.domain import BusyBlock, NetworkTeacher

HALF_DAY = re.compile(r"^[^\d]+")
SPAN_PATTERN = re.compile(r"\s*(\S+?)\s*(?:-|–|—|~|～|至|到)\s*(\S+)\s*")


@dataclass(frozen=True, slots=True)
class Entry:
    """One taken time of one teacher as the file names them (by name or id), and where."""

    teacher: str
    weekday: int
    start: dt.time
    end: dt.time
    note: str
    line: int | None = None


@dataclass(slots=True)
class TimetableRead:
    """A timetable file read: its entries, its problems, and what kind of file it was."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def time_span(value: str) -> tuple[dt.time, dt.time]:
    """`08:30-09:15` (also `8:30～9:15`, `上午8:30-9:15`) as start and end; ValueError if not."""
    match = SPAN_PATTERN.fullmatch(narrow(value).replace("：", ":"))
    if match is None:
        raise ValueError(value)
    first, second = match.group(1), match.group(2)
    half_day = HALF_DAY.match(first)
    if half_day and second[:1].isdigit():  # 下午2:00-2:40: the half day said once
        second = half_day.group() + second
    try:
        start, end = clock(first), clock(second)
    except CellError:
        raise ValueError(value) from None
    if end <= start:
        raise ValueError(value)
    return start, end


def map_teachers(
    read: TimetableRead, file: str, teachers: Sequence[NetworkTeacher]
) -> tuple[list[BusyBlock], list[Problem]]:
    """Busy blocks of the bundle's teachers, each entry's teacher found by id, else by name;
    an unknown or ambiguous teacher is reported once with the lines that name them."""
    by_id = {teacher.id: teacher.id for teacher in teachers}
    by_name: dict[str, list[str]] = defaultdict(list)
    for teacher in teachers:
        by_name[normal(teacher.name)].append(teacher.id)
    blocks: dict[BusyBlock, None] = {}
    unknown: dict[str, int | None] = {}
    problems: list[Problem] = []
    for entry in read.entries:
        found = by_id.get(entry.teacher) or by_id.get(entry.teacher.strip())
        names = by_name.get(normal(entry.teacher), [])
        if found is None and len(names) == 1:
            found = names[0]
        if found is None:
            if entry.teacher not in unknown:
                unknown[entry.teacher] = entry.line
                problems.append(error(file, entry.line, "teacher", missing(entry.teacher, names)))
            continue
        block = BusyBlock(found, entry.weekday, entry.start, entry.end, entry.note[:200])
        blocks.setdefault(block, None)
    ordered = sorted(blocks, key=lambda b: (b.teacher_id, b.weekday, b.start, b.end))
    return ordered, problems


def missing(teacher: str, names: list[str]) -> str:
    if names:
        return (
            f"{teacher!r} names {len(names)} network teachers ({', '.join(names)}); "
            "use their id instead"
        )
    return f"{teacher!r} is no network teacher's id or name; add them to network_teachers first"


def normal(name: str) -> str:
    return unicodedata.normalize("NFC", narrow(name)).replace(" ", "").casefold()
