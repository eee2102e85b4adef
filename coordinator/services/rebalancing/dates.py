"""What a rebalance would do to the dated lessons, worked out before anything is stored.

The proposed plan is dated exactly as publishing would date it (the same layers of versions,
the same school calendars, the admins' hand edits laid over) and compared with the stored
lessons from today on: which would change (time, teacher, classrooms), which would be
cancelled and which are new.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar import DatedLesson, LessonStatus
from coordinator.services.lessons.dated import (
    Layer,
    current_layers,
    date_layers,
    last_term_day,
    with_hand_edits,
)
from coordinator.services.lessons.edit_rows import newest_edits
from coordinator.services.lessons.enrolled import lay_enrolments, stored_enrolments
from coordinator.timetable.plan import Plan

PROPOSED = -1  # the version id the proposed layer carries until it is stored


@dataclass(frozen=True, slots=True)
class LessonState:
    """One dated lesson as calendars show it."""

    teacher_id: str
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    time_zone: str  # the teacher's school's zone
    classroom_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DatedChange:
    """A dated lesson that applying would add, change or cancel."""

    key: str
    date: dt.date
    subject_id: str
    before: LessonState | None  # None: a new lesson
    after: LessonState | None  # None: cancelled
    restored: bool = False  # a cancelled lesson the plan holds again

    @property
    def kind(self) -> str:
        if self.restored:
            return "restored"
        if self.before is None:
            return "added"
        if self.after is None:
            return "cancelled"
        if (self.before.start, self.before.end) != (self.after.start, self.after.end):
            return "moved"
        if self.before.teacher_id != self.after.teacher_id:
            return "reassigned"
        return "classrooms"

    @property
    def teacher_ids(self) -> set[str]:
        return {s.teacher_id for s in (self.before, self.after) if s is not None}

    @property
    def classroom_ids(self) -> set[str]:
        return {c for s in (self.before, self.after) if s is not None for c in s.classroom_ids}


def _state(lesson: DatedLesson) -> LessonState:
    return LessonState(
        lesson.teacher_id,
        lesson.start,
        lesson.end,
        lesson.time_zone,
        tuple(sorted(lesson.classroom_ids)),
    )


def _row_state(row: models.LessonRow, rooms: list[str]) -> LessonState:
    return LessonState(row.teacher_id, row.start, row.end, row.time_zone, tuple(sorted(rooms)))


async def _stored(
    session: AsyncSession, today: dt.date
) -> tuple[dict[str, models.LessonRow], dict[str, list[str]]]:
    """The stored lessons from today on, and each one's classrooms."""
    query = select(models.LessonRow).where(col(models.LessonRow.date) >= today)
    rows = {row.key: row for row in (await session.exec(query)).all()}
    links = select(models.LessonClassroomRow).join(
        models.LessonRow, col(models.LessonRow.key) == col(models.LessonClassroomRow.lesson_key)
    )
    rooms: dict[str, list[str]] = defaultdict(list)
    for link in (await session.exec(links.where(col(models.LessonRow.date) >= today))).all():
        rooms[link.lesson_key].append(link.classroom_id)
    return rows, rooms


async def dated_changes(
    session: AsyncSession,
    bundle: domain.Bundle,
    proposed: Layer,
    *,
    today: dt.date,
) -> tuple[DatedChange, ...]:
    """Every dated lesson from `today` to the end of the term that applying would touch.

    `proposed` replaces the active version (no dates) or goes on top of it for its dates.
    """
    current = await current_layers(session)
    plan, enrolled = lay_enrolments(proposed.plan, proposed.keys, await stored_enrolments(session))
    proposed = dataclasses.replace(proposed, plan=plan, enrolled=enrolled)  # as applying will
    layers = [proposed] if proposed.dates is None else [*current, proposed]
    rows, rooms = await _stored(session, today)
    dated = date_layers(bundle, layers, today, last_term_day(bundle, today))
    dated = with_hand_edits(bundle, layers, dated, await newest_edits(session, today=today), today)
    changes: list[DatedChange] = []
    for item in dated:
        lesson, row = item.lesson, rows.pop(item.lesson.key, None)
        after = _state(lesson)
        if row is None:
            changes.append(DatedChange(lesson.key, lesson.date, item.subject_id, None, after))
            continue
        before = _row_state(row, rooms[row.key])
        restored = row.status == LessonStatus.CANCELLED
        if restored or before != after:
            changes.append(DatedChange(row.key, row.date, row.subject_id, before, after, restored))
    for row in rows.values():
        if row.status != LessonStatus.CANCELLED:
            before = _row_state(row, rooms[row.key])
            changes.append(DatedChange(row.key, row.date, row.subject_id, before, None))
    return tuple(sorted(changes, key=lambda c: (c.date, _start(c), c.key)))


def _start(change: DatedChange) -> dt.datetime:
    state = change.after or change.before
    assert state is not None
    return state.start


def proposed_layer(
    plan: Plan, keys: dict[str, str], dates: tuple[dt.date, dt.date] | None
) -> Layer:
    return Layer(PROPOSED, plan, keys, dates)
