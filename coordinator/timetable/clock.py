"""One clock for all schools: minutes of the week in UTC, from each zone's offset on a date.

Every school keeps its own bell times in its own zone. The solver turns each local
(weekday, clock time) into a *common minute*: ``(weekday - 1) * 1440 + minutes - offset``,
where ``offset`` is the zone's UTC offset in minutes on one reference date (the bundle's anchor
date, else the first Monday of 2026). Sessions are aligned on that clock and turned back into
the teacher's local weekday and time for the plan. Offsets are fixed for the week: a daylight-
saving change inside a week is not modelled (China keeps one offset all year).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 1440
DEFAULT_REFERENCE_DATE = dt.date(2026, 1, 5)


def utc_offset_minutes(zone: str, on: dt.date) -> int:
    """The zone's UTC offset in whole minutes at noon of a date."""
    noon = dt.datetime.combine(on, dt.time(12, 0), tzinfo=ZoneInfo(zone))
    offset = noon.utcoffset()
    return 0 if offset is None else int(offset.total_seconds()) // 60


def to_common(weekday: int, clock: dt.time, offset: int) -> int:
    """A local ISO weekday and clock time as a common minute of the week."""
    return (weekday - 1) * MINUTES_PER_DAY + clock.hour * 60 + clock.minute - offset


def to_local(minute: int, offset: int) -> tuple[int, dt.time]:
    """A common minute as a local ISO weekday and clock time."""
    local = minute + offset
    weekday = (local // MINUTES_PER_DAY) % 7 + 1
    in_day = local % MINUTES_PER_DAY
    return weekday, dt.time(in_day // 60, in_day % 60)


def local_weekday(minute: int, offset: int) -> int:
    """The local ISO weekday of a common minute."""
    return ((minute + offset) // MINUTES_PER_DAY) % 7 + 1


def overlaps(a: tuple[int, int], b: tuple[int, int], gap: int = 0) -> bool:
    """Whether two intervals overlap or lie closer than ``gap`` minutes."""
    return a[0] < b[1] + gap and b[0] < a[1] + gap
