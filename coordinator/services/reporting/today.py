"""The Today board: every lesson of a day in scope with its live state, problems first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.services.accounts.users import Scope
from coordinator.services.data.directory import Directory
from coordinator.services.lessons.grids import dated_lessons, monday_of
from coordinator.services.reporting.today_marks import SentAlert, alerts_sent, regular_teachers
from coordinator.services.streaming.callbacks import live_lessons
from coordinator.services.streaming.links import links_of
from coordinator.services.streaming.meetings import platform_meetings
from coordinator.services.streaming.page_links import teacher_join_link
from coordinator.store import Store
from coordinator.streams import LessonLinks, StreamsSettings

GRACE = dt.timedelta(minutes=5)  # after the start, a missing teacher or classroom is late


class LiveState(StrEnum):
    FAILED = "failed"
    LATE = "late"
    MISSED = "missed"  # ended with a classroom that never checked in
    LIVE = "live"
    UPCOMING = "upcoming"
    ENDED = "ended"
    CANCELLED = "cancelled"


ORDER = {state: rank for rank, state in enumerate(LiveState)}
PROBLEMS = (LiveState.FAILED, LiveState.LATE, LiveState.MISSED)


@dataclass(frozen=True, slots=True)
class RoomState:
    classroom_id: str
    name: str
    assistant: str
    phone: str
    checked_in: bool
    students: int | None
    late: bool
    failed: bool


@dataclass(frozen=True, slots=True)
class BoardLesson:
    key: str
    subject: str
    teacher: str
    start: dt.datetime  # in the lesson's zone
    end: dt.datetime
    state: LiveState
    teacher_live: bool
    rooms: tuple[RoomState, ...]
    problems: tuple[str, ...] = ()
    # Whether the provider reports the teacher going live (nginx-rtmp's on_publish); with a
    # meeting link it does not, and the classrooms' check-ins are the only evidence.
    live_known: bool = True
    teacher_id: str = ""
    substitute: bool = False  # taught by someone else than the weekly lesson's usual teacher
    moved: bool = False  # the date or time was changed by hand
    alerts: tuple[SentAlert, ...] = ()

    @property
    def teacher_missing(self) -> bool:
        """Late because the teacher is not streaming (where the provider would say so)."""
        return self.state is LiveState.LATE and self.live_known and not self.teacher_live

    @property
    def checked_in(self) -> int:
        return sum(room.checked_in for room in self.rooms)

    @property
    def is_problem(self) -> bool:
        return self.state in PROBLEMS


@dataclass(slots=True)
class Evidence:
    """What the store knows about a day's lessons: check-ins, who is live, reports."""

    check_ins: dict[str, dict[str, models.AttendanceRow]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    live: set[str] = field(default_factory=set)  # lessons whose teacher is streaming now
    reports: dict[str, list[models.ProblemReportRow]] = field(
        default_factory=lambda: defaultdict(list)
    )
    regular: dict[str, str] = field(default_factory=dict)  # session key -> usual teacher
    alerts: dict[str, tuple[SentAlert, ...]] = field(default_factory=dict)


async def _evidence(session: AsyncSession, keys: list[str]) -> Evidence:
    found = Evidence()
    attendance = select(models.AttendanceRow).where(
        col(models.AttendanceRow.lesson_key).in_(keys), models.AttendanceRow.kind == "check_in"
    )
    for row in (await session.exec(attendance)).all():
        found.check_ins[row.lesson_key][row.classroom_id] = row
    found.live = await live_lessons(session, keys)
    reports = select(models.ProblemReportRow).where(
        col(models.ProblemReportRow.lesson_key).in_(keys)
    )
    for report in (await session.exec(reports)).all():
        found.reports[report.lesson_key].append(report)
    found.alerts = await alerts_sent(session, keys)
    return found


def _room(
    directory: Directory, classroom_id: str, check_in: models.AttendanceRow | None
) -> RoomState:
    room = directory.room(classroom_id) if classroom_id in directory.classrooms else None
    failed = check_in is not None and (
        check_in.stream_quality == "failed" or check_in.stream_up is False
    )
    return RoomState(
        classroom_id=classroom_id,
        name=f"{room.school} {room.classroom}" if room else classroom_id,
        assistant=room.assistant if room else "",
        phone=room.phone if room else "",
        checked_in=check_in is not None,
        students=check_in.students_present if check_in else None,
        late=check_in.late if check_in else False,
        failed=failed,
    )


def _state(
    lesson: models.LessonRow,
    rooms: tuple[RoomState, ...],
    live: bool,
    reported: bool,
    now: dt.datetime,
    *,
    live_known: bool = True,
) -> LiveState:
    """Worst first. In its first minutes (GRACE) a lesson is not late yet, only starting."""
    if lesson.status == "cancelled":
        return LiveState.CANCELLED
    if reported or any(room.failed for room in rooms):
        return LiveState.FAILED
    teacher_missing = live_known and not live
    if lesson.start + GRACE <= now < lesson.end and (
        teacher_missing or not all(room.checked_in for room in rooms)
    ):
        return LiveState.LATE
    if live:
        return LiveState.LIVE
    if not live_known and lesson.start <= now < lesson.end and any(r.checked_in for r in rooms):
        return LiveState.LIVE  # a classroom checked in: the stream is up
    if now < lesson.start + GRACE:
        return LiveState.UPCOMING
    return LiveState.ENDED if all(room.checked_in for room in rooms) else LiveState.MISSED


def _board_lesson(
    lesson: models.LessonRow,
    classroom_ids: list[str],
    found: Evidence,
    directory: Directory,
    *,
    language: str,
    now: dt.datetime,
    live_known: bool = True,
) -> BoardLesson:
    check_ins = found.check_ins.get(lesson.key, {})
    rooms = tuple(_room(directory, c, check_ins.get(c)) for c in sorted(classroom_ids))
    live = lesson.key in found.live
    reports = found.reports.get(lesson.key, [])
    teacher = directory.teachers.get(lesson.teacher_id)
    zone = ZoneInfo(lesson.time_zone)
    return BoardLesson(
        key=lesson.key,
        subject=directory.subject_name(lesson.subject_id, language),
        teacher=teacher.name if teacher else lesson.teacher_id,
        start=lesson.start.astimezone(zone),
        end=lesson.end.astimezone(zone),
        state=_state(lesson, rooms, live, bool(reports), now, live_known=live_known),
        teacher_live=live,
        rooms=rooms,
        problems=tuple(f"{r.problem}: {r.note}".rstrip(": ") for r in reports),
        live_known=live_known,
        teacher_id=lesson.teacher_id,
        substitute=found.regular.get(lesson.session_key, lesson.teacher_id) != lesson.teacher_id,
        moved=lesson.status == "moved",
        alerts=found.alerts.get(lesson.key, ()),
    )


async def today_board(
    store: Store,
    directory: Directory,
    scope: Scope,
    *,
    day: dt.date,
    now: dt.datetime,
    language: str,
    streams: StreamsSettings | None = None,
    live_check_providers: tuple[str, ...] = (),
) -> list[BoardLesson]:
    """The day's lessons in scope; problems first, then by state and start time.

    With `streams`, a teacher's going live is expected only where the provider reports it
    (`live_check_providers`); without, everywhere.
    """
    async with store.read() as session:
        lessons = await dated_lessons(session, day, day)
        visible = [
            (row, rooms) for row, rooms in lessons if scope.sees_lesson(row.teacher_id, rooms)
        ]
        found = await _evidence(session, [row.key for row, _ in visible])
        found.regular = await regular_teachers(session, {row.session_key for row, _ in visible})

    def live_known(teacher_id: str) -> bool:
        if streams is None:
            return True
        teacher = directory.teachers.get(teacher_id)
        provider = streams.provider_name(teacher.school_id if teacher else None)
        return provider in live_check_providers

    board = [
        _board_lesson(
            row,
            rooms,
            found,
            directory,
            language=language,
            now=now,
            live_known=live_known(row.teacher_id),
        )
        for row, rooms in visible
    ]
    return sorted(board, key=lambda item: (ORDER[item.state], item.start, item.key))


@dataclass(frozen=True, slots=True)
class TeacherLesson:
    key: str
    subject: str
    start: dt.datetime  # in the teacher's zone
    end: dt.datetime
    status: str
    rooms: tuple[RoomState, ...]
    go_live: str


async def teacher_week(
    store: Store,
    directory: Directory,
    streams: StreamsSettings,
    *,
    teacher_id: str,
    week: dt.date,
    language: str,
    go_live: Callable[[LessonLinks | None], str] = teacher_join_link,
) -> list[TeacherLesson]:
    """A network teacher's lessons of the week: classrooms, assistants' phones, go-live links
    (the web page passes the signed go-live page; by default only a meeting's join link)."""
    monday = monday_of(week)
    async with store.read() as session:
        lessons = await dated_lessons(session, monday, monday + dt.timedelta(days=6))
        meetings = await platform_meetings(session, [row.key for row, _ in lessons])
    week_lessons = []
    for row, rooms in lessons:
        if row.teacher_id != teacher_id:
            continue
        zone = ZoneInfo(row.time_zone)
        week_lessons.append(
            TeacherLesson(
                key=row.key,
                subject=directory.subject_name(row.subject_id, language),
                start=row.start.astimezone(zone),
                end=row.end.astimezone(zone),
                status=row.status,
                rooms=tuple(_room(directory, room, None) for room in rooms),
                go_live=go_live(links_of(streams, row, rooms, directory, meetings.get(row.key))),
            )
        )
    return week_lessons
