"""Bell schedules: each shape's periods as clock times."""

from __future__ import annotations

import datetime as dt
import functools

from coordinator.bundle.synthetic.vocabulary import BellShape
from coordinator.domain import (
    BellPeriod,
)


def clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def period_times(shape: BellShape) -> list[tuple[int, int]]:
    """(start, end) minutes of each period: 10-minute breaks, a 大课间 after the second period."""
    times: list[tuple[int, int]] = []
    start = shape.start
    for number in range(1, shape.morning + 1):
        times.append((start, start + shape.length))
        start += shape.length + (25 if number == 2 else 10)
    start = shape.afternoon_start
    for _ in range(shape.afternoon):
        times.append((start, start + shape.length))
        start += shape.length + 10
    return times


@functools.cache
def bell_periods(shape: BellShape) -> tuple[BellPeriod, ...]:
    """Monday–Friday periods; the first (早读) and last (课后服务) are not open to live lessons."""
    times = period_times(shape)
    periods: list[BellPeriod] = []
    for number, (start, end) in enumerate(times, start=1):
        last = number == len(times)
        weekdays = range(1, 5) if last and shape.short_friday else range(1, 6)
        live = number not in (1, len(times))
        periods += [
            BellPeriod(shape.id, weekday, number, clock(start), clock(end), live)
            for weekday in weekdays
        ]
    return tuple(periods)
