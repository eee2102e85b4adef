"""Self-enrolments in open courses laid over the weekly plan, and kept to their own dates.

A classroom that joined an open course (`services/catalogue`) is added to the pinned session
of every plan layer, so it is dated like any receiving classroom (its school's holidays and
调休 apply); then, lesson by lesson, it is kept only on the dates its enrolment covers. A
classroom the timetable itself put in the session is left alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.calendar import DatedLesson
from coordinator.timetable.plan import Plan


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A classroom in an open course from `joined_from` until the day before `left_from`."""

    pinned_id: str
    classroom_id: str
    joined_from: dt.date
    left_from: dt.date | None = None

    def covers(self, date: dt.date) -> bool:
        return self.joined_from <= date and (self.left_from is None or date < self.left_from)


ACTIVE = "active"  # the enrolment statuses: active | requested | refused
REQUESTED = "requested"
REFUSED = "refused"
Enrolled = Mapping[str, tuple[Enrolment, ...]]  # session key -> enrolments beyond the plan's own


async def stored_enrolments(session: AsyncSession) -> list[Enrolment]:
    """Every enrolment that holds at least one date, oldest first."""
    query = (
        select(models.EnrolmentRow)
        .where(
            col(models.EnrolmentRow.status) == ACTIVE,
            or_(
                col(models.EnrolmentRow.left_from).is_(None),
                col(models.EnrolmentRow.left_from) > col(models.EnrolmentRow.joined_from),
            ),
        )
        .order_by(col(models.EnrolmentRow.id))
    )
    return [
        Enrolment(row.pinned_id, row.classroom_id, row.joined_from, row.left_from)
        for row in (await session.exec(query)).all()
    ]


def lay_enrolments(
    plan: Plan, keys: Mapping[str, str], enrolments: Iterable[Enrolment]
) -> tuple[Plan, Enrolled]:
    """The plan with enrolled classrooms added to their pinned sessions, and per session key
    the enrolments it now carries beyond the classrooms the timetable put there."""
    by_course: dict[str, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_course[enrolment.pinned_id].append(enrolment)
    sessions = []
    enrolled: dict[str, tuple[Enrolment, ...]] = {}
    for session in plan.sessions:
        extra = [
            e
            for e in by_course.get(session.pinned_id or "", [])
            if e.classroom_id not in session.classroom_ids
        ]
        if extra:
            added = tuple(dict.fromkeys(e.classroom_id for e in extra))
            session = dataclasses.replace(session, classroom_ids=session.classroom_ids + added)
            enrolled[keys.get(session.id, session.id)] = tuple(extra)
        sessions.append(session)
    return dataclasses.replace(plan, sessions=tuple(sessions)), enrolled


def keep_enrolled_dates(lesson: DatedLesson, enrolled: Enrolled) -> DatedLesson:
    """The lesson without the enrolled classrooms whose enrolment does not cover its date."""
    extra = enrolled.get(lesson.session_key)
    if not extra:
        return lesson
    rooms = {e.classroom_id for e in extra}
    taking = {e.classroom_id for e in extra if e.covers(lesson.date)}
    dropped = rooms - taking
    if not dropped:
        return lesson
    return dataclasses.replace(
        lesson,
        classroom_ids=tuple(c for c in lesson.classroom_ids if c not in dropped),
        conflicts=tuple(c for c in lesson.conflicts if c.party_id not in dropped),
    )
