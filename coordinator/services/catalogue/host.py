"""The host's side of an open course: who takes it, since when, their attendance; enrolment.

Admins whose scope holds the course's network teacher see the course's page and may close
enrolment or cap it below the session's capacity (checked and audited under the course's
lock, so a cap never lands between a join's check and its write).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar.feed import LessonStatus
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.accounts.users import Scope, audit_row
from coordinator.services.catalogue.audiences import current_audiences
from coordinator.services.catalogue.courses import weekly_state
from coordinator.services.catalogue.enrol import locked_course
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.lessons.dated import current_layers
from coordinator.services.lessons.enrolled import ACTIVE
from coordinator.services.lessons.resync import course_keys
from coordinator.store import Store


class EnrolmentSettingError(CoordinatorError):
    """A cap that is not a whole number of at least one classroom."""


@dataclass(frozen=True, slots=True)
class Member:
    """One classroom taking the course, and how its lessons so far went."""

    classroom_id: str
    since: dt.date | None  # its own enrolment's first date; None: the timetable put it there
    actor: str  # who joined it ("" for the timetable)
    lessons: int  # lessons it received up to today, not cancelled
    checked_in: int  # of which its assistant checked in
    pupils: int  # pupils counted at those check-ins


@dataclass(frozen=True, slots=True)
class HostView:
    course: domain.PinnedSession
    closed: bool
    cap: int | None
    members: tuple[Member, ...]
    left: tuple[models.EnrolmentRow, ...]  # earlier enrolments, newest first
    # a course for teachers or parents: the schools and classrooms in it from today on
    audiences: tuple[models.AudienceEnrolmentRow, ...] = ()


def hosted_course(bundle: domain.Bundle, scope: Scope, pinned_id: str) -> domain.PinnedSession:
    """The open course if the admin's scope holds its teacher; 404 alike otherwise."""
    course = next((p for p in bundle.pinned_sessions if p.id == pinned_id and p.open), None)
    if course is None or not scope.sees("teacher", course.teacher_id):
        raise NotFoundError(f"course {pinned_id}: no such open course")
    return course


async def host_view(
    store: Store, bundle: domain.Bundle, scope: Scope, pinned_id: str, *, today: dt.date
) -> HostView:
    course = hosted_course(bundle, scope, pinned_id)
    async with store.read() as session:
        weekly = await weekly_state(session, today)
        keys = course_keys(await current_layers(session), pinned_id)
        held, checked, pupils = await _attendance(session, keys, today)
        audiences = tuple(await current_audiences(session, pinned_id, today))
        rows = (
            await session.exec(
                select(models.EnrolmentRow)
                .where(
                    col(models.EnrolmentRow.pinned_id) == pinned_id,
                    col(models.EnrolmentRow.status) == ACTIVE,
                )
                .order_by(col(models.EnrolmentRow.id).desc())
            )
        ).all()
    state = weekly.courses.get(pinned_id)
    current = {r.classroom_id: r for r in rows if r.left_from is None or r.left_from > today}
    rooms = dict.fromkeys(weekly.timetable.get(pinned_id, ())) | dict.fromkeys(current)
    members = tuple(
        Member(
            room,
            current[room].joined_from if room in current else None,
            current[room].actor if room in current else "",
            held[room],
            checked[room],
            pupils[room],
        )
        for room in rooms
    )
    left = tuple(
        r for r in rows if r.classroom_id not in current or r is not current[r.classroom_id]
    )
    closed, cap = bool(state and state.closed), state.cap if state else None
    return HostView(course, closed, cap, members, left, audiences)


async def _attendance(
    session: AsyncSession, keys: set[str], today: dt.date
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Per classroom: lessons received up to today, check-ins, pupils counted."""
    lessons = (
        select(models.LessonClassroomRow.classroom_id, models.LessonRow.key)
        .join(
            models.LessonRow, col(models.LessonRow.key) == col(models.LessonClassroomRow.lesson_key)
        )
        .where(
            col(models.LessonRow.session_key).in_(list(keys)),
            col(models.LessonRow.date) <= today,
            col(models.LessonRow.status) != LessonStatus.CANCELLED.value,
        )
    )
    pairs = (await session.exec(lessons)).all()
    held = Counter(room for room, _ in pairs)
    checks = select(models.AttendanceRow).where(
        col(models.AttendanceRow.lesson_key).in_([key for _, key in pairs]),
        col(models.AttendanceRow.kind) == "check_in",
    )
    checked: Counter[str] = Counter()
    pupils: Counter[str] = Counter()
    for row in (await session.exec(checks)).all():
        checked[row.classroom_id] += 1
        pupils[row.classroom_id] += row.students_present
    return held, checked, pupils


async def set_enrolment(
    store: Store,
    bundle: domain.Bundle,
    scope: Scope,
    pinned_id: str,
    *,
    closed: bool,
    cap: int | None,
    actor: str,
    now: dt.datetime,
) -> None:
    """Close or open enrolment and set the host's cap (None: the session's capacity)."""
    course = hosted_course(bundle, scope, pinned_id)
    if cap is not None and not 1 <= cap <= course.capacity:
        raise EnrolmentSettingError(
            f"course {pinned_id}, field cap: {cap} is not between 1 and "
            f"the session's capacity {course.capacity}"
        )
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)
        row = await locked_course(session, pinned_id, sqlite=store.is_sqlite, now=now)
        before = {"closed": row.closed, "cap": row.cap}
        row.closed, row.cap, row.changed_at = closed, cap, now
        session.add(row)
        details = {"from": before, "to": {"closed": closed, "cap": cap}}
        session.add(audit_row(actor, "course.enrolment", "course", pinned_id, details, now))
