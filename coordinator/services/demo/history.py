"""The demo's term so far: the weeks before today played out in the store, the same every run.

A county opening the demo in its tenth week should see a term behind it: most lessons checked
in on time, some reported late from the phones' outboxes, a few missed or failed with a problem
report, the teacher's stream on the streaming server, one teacher's sick week rebalanced, and
the audit entries of all that. Every outcome follows from a hash of the lesson and the
classroom (`Fate`), so two demo runs on the same day hold the same history. The rows are
written in bulk, a few statements in all: the demo still starts in seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from coordinator import domain, models
from coordinator.services.accounts.users import audit_row
from coordinator.services.rebalancing.proposals import apply_rebalance, preview_rebalance
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable.changes import TeacherUnavailable
from coordinator.timetable.plan import Plan

log = logging.getLogger(__name__)

TYPICAL_SESSIONS = 4
SICK_WEEKS_AGO = 3  # the sick week: three weeks before today's week
WEEK = dt.timedelta(days=7)


class Fate(StrEnum):
    """What became of one lesson in one classroom."""

    ON_TIME = "on_time"  # checked in before the start, end report after the end
    LATE = "late"  # the phone was offline: both reports arrived hours later, from its outbox
    POOR = "poor"  # checked in, the stream was poor but held
    MISSED = "missed"  # nobody checked in, nothing reported
    NO_SIGNAL = "no_signal"  # checked in, the stream failed: a problem report, a failed end report
    NO_POWER = "no_power"  # no power in the classroom: a problem report only
    NO_TEACHER = "no_teacher"  # the teacher never went live: a problem report, a failed end report


# Out of 1,000 classroom lessons, in this order (the rest are on time).
SHARES = (
    (Fate.LATE, 70),
    (Fate.POOR, 60),
    (Fate.MISSED, 20),
    (Fate.NO_SIGNAL, 15),
    (Fate.NO_POWER, 5),
    (Fate.NO_TEACHER, 5),
)
FAILING = (Fate.NO_SIGNAL, Fate.NO_POWER, Fate.NO_TEACHER)
PROBLEM_NOTES = {
    Fate.NO_SIGNAL: "画面卡住后黑屏，重启电脑也连不上",
    Fate.NO_POWER: "村里停电，学生改上自习",
    Fate.NO_TEACHER: "到点了主讲老师一直没有上线",
}


def fate(lesson_key: str, classroom_id: str) -> Fate:
    """The same fate for the same lesson and classroom, on every run and machine."""
    digest = hashlib.sha256(f"{lesson_key}|{classroom_id}".encode()).digest()
    draw = int.from_bytes(digest[:4], "big") % 1000
    for kind, share in SHARES:
        if draw < share:
            return kind
        draw -= share
    return Fate.ON_TIME


@dataclass(frozen=True, slots=True)
class History:
    """What the played term holds, for the terminal and docs/console.md."""

    first_day: dt.date
    lessons: int  # dated lessons before today, not cancelled
    fates: dict[Fate, int]  # classroom lessons by fate
    sick_teacher: str  # the teacher's name
    sick_week: tuple[dt.date, dt.date] | None
    rebalanced: int  # dated lessons the sick week's rebalance touched

    @property
    def classroom_lessons(self) -> int:
        return sum(self.fates.values())


def first_term_day(bundle: domain.Bundle, today: dt.date) -> dt.date:
    """The first day of the term today is in (or the nearest term before it)."""
    started = [term.start for term in bundle.terms if term.start <= today]
    return max(started, default=today)


def sick_week(first: dt.date, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Monday to Friday three weeks before today's week, when the term had begun by then."""
    monday = today - dt.timedelta(days=today.weekday()) - SICK_WEEKS_AGO * WEEK
    return (monday, monday + dt.timedelta(days=4)) if monday >= first else None


def sick_teacher(plan: Plan, bundle: domain.Bundle, featured: str) -> domain.NetworkTeacher:
    """A teacher with a few live sessions a week (closest to `TYPICAL_SESSIONS`), other than the
    demo's signed-in one, so the rebalance is a small repair."""
    count: dict[str, int] = defaultdict(int)
    for session in plan.sessions:
        count[session.teacher_id] += 1
    others = [t for t in bundle.network_teachers if t.id != featured and count[t.id]]
    choices = others or list(bundle.network_teachers)
    return min(choices, key=lambda t: (abs(count[t.id] - TYPICAL_SESSIONS), t.id))


def morning(day: dt.date, time_zone: str, hour: int = 7) -> dt.datetime:
    """`hour` o'clock on `day` in the county's zone, as UTC."""
    from zoneinfo import ZoneInfo

    local = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(time_zone))
    return local.astimezone(dt.UTC)


async def rebalance_sick_week(
    store: Store,
    settings: SolverSettings,
    teacher: domain.NetworkTeacher,
    week: tuple[dt.date, dt.date],
    *,
    time_zone: str,
    actor: str,
) -> int:
    """The teacher is ill for the week: the admin rebalanced it the Sunday evening before."""
    now = morning(week[0] - dt.timedelta(days=1), time_zone, hour=20)
    preview = await preview_rebalance(
        store, settings, TeacherUnavailable(teacher.id), week, today=week[0]
    )
    applied = await apply_rebalance(
        store,
        preview,
        now=now,
        today=week[0],
        actor=actor,
        note=f"{teacher.name}病假一周",
    )
    return len(applied.preview.dated)


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    assistant_id: str
    students: int


async def _past_lessons(
    store: Store, first: dt.date, today: dt.date
) -> list[tuple[models.LessonRow, list[str]]]:
    lesson, link = models.LessonRow, models.LessonClassroomRow
    query = (
        select(lesson)
        .where(col(lesson.date) >= first, col(lesson.date) < today)
        .where(col(lesson.status) != "cancelled")
        .order_by(col(lesson.start), col(lesson.key))
    )
    links = select(link).join(lesson, col(lesson.key) == col(link.lesson_key))
    links = links.where(col(lesson.date) >= first, col(lesson.date) < today)
    async with store.read() as session:
        rows = list((await session.exec(query)).all())
        rooms: dict[str, list[str]] = defaultdict(list)
        for row in (await session.exec(links)).all():
            rooms[row.lesson_key].append(row.classroom_id)
    return [(row, sorted(rooms[row.key])) for row in rows]


class Rows:
    """The rows of the played term, collected for one bulk insert per table."""

    def __init__(self) -> None:
        self.attendance: list[dict[str, Any]] = []
        self.problems: list[dict[str, Any]] = []
        self.streams: list[dict[str, Any]] = []

    def report(
        self,
        lesson: models.LessonRow,
        room: Room,
        kind: str,
        at: dt.datetime,
        received: dt.datetime,
        **fields: Any,
    ) -> None:
        due = lesson.end + (dt.timedelta(hours=1) if kind == "end_report" else dt.timedelta())
        self.attendance.append(
            {
                "lesson_key": lesson.key,
                "classroom_id": room.id,
                "kind": kind,
                "assistant_id": room.assistant_id,
                "device_time": at,
                "received_at": received,
                "skew_seconds": round((received - at).total_seconds()),
                "late": received > due,
                "revision": 0,
                "idempotency_key": f"demo-{lesson.key}-{room.id}-{kind}",
                "note": "",
                **fields,
            }
        )

    def problem(self, lesson: models.LessonRow, room: Room, kind: Fate, at: dt.datetime) -> None:
        ident = hashlib.sha256(f"{lesson.key}|{room.id}|problem".encode()).hexdigest()[:32]
        self.problems.append(
            {
                "id": ident,
                "lesson_key": lesson.key,
                "classroom_id": room.id,
                "assistant_id": room.assistant_id,
                "problem": kind.value,
                "note": PROBLEM_NOTES[kind],
                "device_time": at,
                "received_at": at + dt.timedelta(seconds=20),
                "skew_seconds": 20,
                "late": False,
                "idempotency_key": f"demo-{lesson.key}-{room.id}-problem",
            }
        )

    def stream(self, lesson: models.LessonRow, kind: str, at: dt.datetime) -> None:
        self.streams.append(
            {
                "lesson_key": lesson.key,
                "kind": kind,
                "participant_id": lesson.teacher_id,
                "accepted": True,
                "reason": "ok",
                "stream_name": lesson.key,
                "client_address": "127.0.0.1",
                "at": at,
            }
        )


def play_classroom(rows: Rows, lesson: models.LessonRow, room: Room, what: Fate) -> None:
    """The reports one classroom sent for one lesson, as its fate has it."""
    draw = random.Random(f"{lesson.key}|{room.id}")
    minutes = dt.timedelta(minutes=1)
    check_in = lesson.start - draw.randint(1, 8) * minutes
    ended = lesson.end + draw.randint(0, 10) * minutes
    present = max(1, room.students - draw.randint(0, 2))
    if what is Fate.MISSED:
        return
    if what is Fate.NO_POWER:
        rows.problem(lesson, room, what, lesson.start + 2 * minutes)
        return
    delay = dt.timedelta(hours=draw.randint(3, 20)) if what is Fate.LATE else dt.timedelta()
    failed = what in (Fate.NO_SIGNAL, Fate.NO_TEACHER)
    rows.report(
        lesson,
        room,
        "check_in",
        check_in,
        check_in + draw.randint(1, 40) * dt.timedelta(seconds=1) + delay,
        students_present=present,
        stream_up=what is not Fate.NO_SIGNAL,
        teacher_showed=what is not Fate.NO_TEACHER,
    )
    quality = "failed" if failed else "poor" if what is Fate.POOR else "good"
    rows.report(
        lesson,
        room,
        "end_report",
        ended,
        ended + draw.randint(1, 40) * dt.timedelta(seconds=1) + delay,
        students_present=present,
        stream_quality=quality,
        teacher_showed=what is not Fate.NO_TEACHER,
    )
    if failed:
        rows.problem(lesson, room, what, lesson.start + draw.randint(3, 15) * minutes)


async def play_reports(
    store: Store, bundle: domain.Bundle, first: dt.date, today: dt.date
) -> tuple[int, dict[Fate, int]]:
    """Check-ins, end reports, problem reports and stream callbacks for every past lesson."""
    rooms = {room.id: Room(room.id, room.assistant_id, room.students) for room in bundle.classrooms}
    rows, fates = Rows(), dict.fromkeys(Fate, 0)
    lessons = await _past_lessons(store, first, today)
    for lesson, classroom_ids in lessons:
        met = [fate(lesson.key, room) for room in classroom_ids]
        for room, what in zip(classroom_ids, met, strict=True):
            fates[what] += 1
            play_classroom(rows, lesson, rooms[room], what)
        if Fate.NO_TEACHER not in met:
            rows.stream(lesson, "publish", lesson.start - dt.timedelta(minutes=3))
            rows.stream(lesson, "publish_done", lesson.end + dt.timedelta(minutes=1))
    async with store.write() as session:
        for table, values in (
            (models.AttendanceRow, rows.attendance),
            (models.ProblemReportRow, rows.problems),
            (models.StreamEventRow, rows.streams),
        ):
            if values:
                await session.exec(insert(table), params=values)
    log.info("demo history: %d lessons before %s played: %s", len(lessons), today, fates)
    return len(lessons), fates


async def audit_term_start(
    store: Store, bundle: domain.Bundle, first: dt.date, *, time_zone: str, actor: str, run: int
) -> None:
    """The import before the term began, as the data page writes it."""
    details = {"run": run, "bundle": bundle.name, "tables": {}}
    at = morning(first - dt.timedelta(days=10), time_zone, hour=10)
    async with store.write() as session:
        session.add(audit_row(actor, "data.import", "data", "bundle", details, at))
