"""Quiet hours in the person's school clock, across midnight or within a day."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.notify.quiet_hours import after_quiet_hours

BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(hour: int, minute: int = 0, day: int = 8) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("now", "quiet", "expected"),
    [
        (at(23, 30), "22:00-07:00", at(7, 0, day=9)),
        (at(6, 59), "22:00-07:00", at(7, 0)),
        (at(7, 0), "22:00-07:00", at(7, 0)),
        (at(21, 59), "22:00-07:00", at(21, 59)),
        (at(12, 30), "12:00-14:00", at(14, 0)),
        (at(14, 0), "12:00-14:00", at(14, 0)),
        (at(3, 0), "", at(3, 0)),
    ],
)
def test_after_quiet_hours(now: dt.datetime, quiet: str, expected: dt.datetime) -> None:
    assert after_quiet_hours(now.astimezone(dt.UTC), quiet, "Asia/Shanghai") == expected
