"""Today's state of one lesson from its evidence: worst first, never late in its first minutes,
and with a meeting link (no publish callbacks) the classrooms' check-ins are the evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator import models
from coordinator.services.reporting.today import GRACE, LiveState, RoomState, _state

START = dt.datetime(2026, 11, 23, 2, 10, tzinfo=dt.UTC)  # 10:10 in Shanghai
LESSON = models.LessonRow(
    key="k@2026-11-23",
    uid="u",
    session_key="k",
    date=START.date(),
    teacher_id="t",
    subject_id="music",
    start=START,
    end=START + dt.timedelta(minutes=40),
    time_zone="Asia/Shanghai",
    status="scheduled",
    fingerprint="f",
    changed_at=START,
)


def room(checked_in: bool, failed: bool = False) -> RoomState:
    return RoomState("c", "东小 三年级", "李老师", "139", checked_in, 30, False, failed)


MINUTE = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("minutes", "live", "rooms", "live_known", "expected"),
    [
        (-10, False, (False,), True, LiveState.UPCOMING),
        (2, False, (False,), True, LiveState.UPCOMING),  # starting: not late yet, not ended
        (2, True, (True,), True, LiveState.LIVE),
        (6, False, (True,), True, LiveState.LATE),  # teacher not live after the grace
        (6, True, (True, False), True, LiveState.LATE),  # a classroom missing
        (6, True, (True, True), True, LiveState.LIVE),
        (45, False, (True,), True, LiveState.ENDED),
        (45, False, (True, False), True, LiveState.MISSED),  # ended, a classroom never in
        # A meeting link: nobody reports the teacher live; check-ins are the evidence.
        (6, False, (True, True), False, LiveState.LIVE),
        (6, False, (True, False), False, LiveState.LATE),
        (2, False, (False,), False, LiveState.UPCOMING),
        (45, False, (True,), False, LiveState.ENDED),
    ],
)
def test_states(
    minutes: int, live: bool, rooms: tuple[bool, ...], live_known: bool, expected: LiveState
) -> None:
    now = START + minutes * MINUTE
    found = tuple(room(r) for r in rooms)
    assert _state(LESSON, found, live, False, now, live_known=live_known) == expected


def test_failures_and_cancellations_come_first() -> None:
    now = START + GRACE + MINUTE
    assert _state(LESSON, (room(True, failed=True),), True, False, now) == LiveState.FAILED
    assert _state(LESSON, (room(True),), True, True, now) == LiveState.FAILED  # a problem report
    cancelled = LESSON.model_copy(update={"status": "cancelled"})
    assert _state(cancelled, (room(False),), False, False, now) == LiveState.CANCELLED
