"""The crafted county of world.py written to a real store (small_bundle's ids), for the
service and command-line tests: the same story, so the same numbers."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, update

from coordinator import models
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from tests.factories import small_bundle

BEIJING = dt.timezone(dt.timedelta(hours=8))
FIRST, LAST = dt.date(2026, 11, 16), dt.date(2026, 11, 29)
AS_OF = dt.datetime(2026, 11, 27, 12, 0, tzinfo=BEIJING).astimezone(dt.UTC)
IMPORTED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
ROOMS = {"e3": "c-east-3", "e4": "c-east-4", "w3": "c-west-3"}
# key: (day in November, Beijing time, rooms, cancelled at (day, time) or None)
LESSONS = {
    "L0": (16, "07:30", ("e4",), None),
    "L1": (16, "09:10", ("e3", "w3"), None),
    "L2": (17, "10:10", ("e4",), None),
    "L7": (19, "09:10", ("e3",), (19, "10:00")),
    "L3": (23, "09:10", ("e3", "w3"), None),
    "L4": (25, "09:10", ("e3",), (24, "16:00")),
    "L5": (27, "14:00", ("e4",), None),
    "L6": (30, "09:10", ("e3",), None),
}
# (lesson, room, kind, students, stream quality, late)
REPORTS = (
    ("L0", "e4", "check_in", 20, None, False),
    ("L1", "e3", "check_in", 30, None, False),
    ("L1", "e3", "end_report", 28, "good", False),
    ("L1", "w3", "check_in", 9, None, False),
    ("L1", "w3", "end_report", 9, "failed", False),
    ("L2", "e4", "check_in", 25, None, True),
    ("L7", "e3", "check_in", 30, None, False),
    ("L7", "e3", "end_report", 30, "good", False),
    ("L3", "w3", "check_in", 8, None, False),
)
PROBLEMS = (("L0", "e4", "other", False), ("L3", "w3", "no_power", True))


def at(day: int, clock: str) -> dt.datetime:
    local = dt.datetime.combine(dt.date(2026, 11, day), dt.time.fromisoformat(clock), BEIJING)
    return local.astimezone(dt.UTC)


def key_of(name: str) -> str:
    return f"{name}@2026-11-{LESSONS[name][0]:02d}"


def lesson_row(name: str) -> models.LessonRow:
    day, clock, _, cancelled = LESSONS[name]
    start = at(day, clock)
    music = name in {"L1", "L3", "L4", "L6", "L7"}
    return models.LessonRow(
        key=key_of(name),
        uid=f"{name}@test",
        session_key=name,
        date=start.astimezone(BEIJING).date(),
        teacher_id="t-wang" if music else "t-chen",
        subject_id="music" if music else "art",
        start=start,
        end=start + dt.timedelta(minutes=40),
        time_zone="Asia/Shanghai",
        status="cancelled" if cancelled else "scheduled",
        fingerprint="0" * 32,
        changed_at=IMPORTED,
        cancelled_at=at(*cancelled) if cancelled else None,
    )


def report_row(
    name: str, room: str, kind: str, students: int, quality: str | None, late: bool
) -> models.AttendanceRow:
    start = lesson_row(name).start
    return models.AttendanceRow(
        lesson_key=key_of(name),
        classroom_id=ROOMS[room],
        kind=kind,
        assistant_id="a-zhao" if room == "w3" else "a-li",
        students_present=students,
        stream_up=True,
        stream_quality=quality,
        teacher_showed=True if kind == "end_report" else None,
        device_time=start,
        received_at=start + dt.timedelta(hours=30 if late else 0),
        skew_seconds=0,
        late=late,
        idempotency_key=f"{name}-{room}-{kind}",
    )


def problem_row(name: str, room: str, problem: str, late: bool) -> models.ProblemReportRow:
    start = lesson_row(name).start
    return models.ProblemReportRow(
        id=f"{name}-{room}-{problem}",
        lesson_key=key_of(name),
        classroom_id=ROOMS[room],
        assistant_id="a-zhao" if room == "w3" else "a-li",
        problem=problem,
        device_time=start,
        received_at=start,
        skew_seconds=0,
        late=late,
        idempotency_key=f"{name}-{room}-{problem}",
    )


def publish(name: str, accepted: bool) -> models.StreamEventRow:
    return models.StreamEventRow(
        lesson_key=key_of(name),
        kind="publish",
        participant_id="t-wang",
        accepted=accepted,
        reason="ok" if accepted else "too_early",
        stream_name=name,
        at=lesson_row(name).start,
    )


async def seed(store: Store) -> None:
    """small_bundle imported, c-west-3 retired since, and the lessons and reports above."""
    await import_bundle(store, small_bundle(), source="test", now=IMPORTED)
    async with store.write() as session:
        session.add_all(lesson_row(name) for name in LESSONS)
        await session.flush()
        for name, (*_, rooms, _) in LESSONS.items():
            session.add_all(
                models.LessonClassroomRow(lesson_key=key_of(name), classroom_id=ROOMS[room])
                for room in rooms
            )
        await session.flush()
        session.add_all(report_row(*report) for report in REPORTS)
        session.add_all(problem_row(*problem) for problem in PROBLEMS)
        session.add_all([publish("L1", True), publish("L3", True), publish("L2", False)])
        retire = update(models.ClassroomRow).where(col(models.ClassroomRow.id) == "c-west-3")
        await session.exec(retire.values(retired_at=IMPORTED + dt.timedelta(days=20)))
