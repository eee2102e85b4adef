"""One lesson as its page shows it: the facts, the timetable's version, edits, who may take it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from coordinator import models
from coordinator.calendar.edit_checks import BookedLesson, check_change
from coordinator.calendar.edit_problems import EditProblem
from coordinator.calendar.feed import LessonStatus
from coordinator.services.accounts.policy import LessonAction, may_act_on_lesson, shows_person
from coordinator.services.accounts.users import Scope
from coordinator.services.data.directory import Directory
from coordinator.services.lessons.edit_rows import edit_history
from coordinator.services.lessons.edits import (
    booked,
    lessons_around,
    planned_lesson,
    stored_lesson,
)
from coordinator.store import Store


@dataclass(frozen=True, slots=True)
class RoomView:
    name: str  # "" for a classroom outside the admin's scope: no names, no phones
    assistant: str
    phone: str


@dataclass(frozen=True, slots=True)
class TeacherChoice:
    """A network teacher in scope who teaches the subject and every grade of the lesson."""

    id: str
    name: str
    school: str
    problem: EditProblem | None  # the first reason they cannot take it then; None: free


@dataclass(frozen=True, slots=True)
class EditEntry:
    """One stored hand edit, times in the lesson's zone."""

    kind: str
    actor: str
    at: dt.datetime
    start: dt.datetime | None
    end: dt.datetime | None
    teacher: str | None
    cancelled: bool
    note: str
    warnings: tuple[str, ...]  # what the admin confirmed, in the page's language


@dataclass(frozen=True, slots=True)
class PlannedView:
    start: dt.datetime  # in the lesson's zone
    end: dt.datetime
    teacher: str


@dataclass(frozen=True, slots=True)
class LessonView:
    key: str
    subject: str
    teacher_id: str
    teacher: str
    start: dt.datetime  # in the lesson's zone (the network teacher's school)
    end: dt.datetime
    time_zone: str
    status: str
    revision: int
    rooms: tuple[RoomView, ...]
    planned: PlannedView | None  # None: the timetable no longer holds the lesson
    edited: bool  # a hand edit is in force
    editable: bool  # it has not started yet, and the whole lesson is in the admin's scope
    shared: bool  # its teacher or a classroom is outside the admin's scope
    history: tuple[EditEntry, ...]
    choices: tuple[TeacherChoice, ...]

    @property
    def cancelled(self) -> bool:
        return self.status == LessonStatus.CANCELLED

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)


async def lesson_view(
    store: Store,
    directory: Directory,
    scope: Scope,
    key: str,
    *,
    now: dt.datetime,
    language: str,
) -> LessonView:
    """The lesson page's facts; NotFoundError for a lesson outside the admin's scope."""
    async with store.read() as session:
        stored = await stored_lesson(session, scope, key)
        plan = await planned_lesson(session, directory.bundle, key, stored.planned_date)
        history = await edit_history(session, key)
        row = stored.row
        others = await lessons_around(session, row.start, row.time_zone)
    zone = ZoneInfo(row.time_zone)
    planned = None
    if plan is not None:
        lesson = plan.lesson
        teacher = _teacher_name(directory, scope, lesson.teacher_id)
        planned = PlannedView(lesson.start.astimezone(zone), lesson.end.astimezone(zone), teacher)
    before = booked(row, stored.classroom_ids)
    whole = may_act_on_lesson(scope, LessonAction.CHANGE, row.teacher_id, stored.classroom_ids)
    return LessonView(
        key=row.key,
        subject=directory.subject_name(row.subject_id, language),
        teacher_id=row.teacher_id,
        teacher=_teacher_name(directory, scope, row.teacher_id),
        start=row.start.astimezone(zone),
        end=row.end.astimezone(zone),
        time_zone=row.time_zone,
        status=row.status,
        revision=row.revision,
        rooms=tuple(_room(directory, scope, room) for room in stored.classroom_ids),
        planned=planned,
        edited=stored.edit is not None,
        editable=row.start > now and whole,
        shared=not whole,
        history=tuple(_entry(directory, scope, edit, zone, language) for edit in history),
        choices=_choices(directory, scope, before, others, now) if whole else (),
    )


def _teacher_name(directory: Directory, scope: Scope, teacher_id: str) -> str:
    """The name, or "" for a teacher outside the scope."""
    if not shows_person(scope, "teacher", teacher_id):
        return ""
    teacher = directory.teachers.get(teacher_id)
    return teacher.name if teacher else teacher_id


def _room(directory: Directory, scope: Scope, classroom_id: str) -> RoomView:
    if not shows_person(scope, "classroom", classroom_id):
        return RoomView("", "", "")
    if classroom_id not in directory.classrooms:
        return RoomView(classroom_id, "", "")
    room = directory.room(classroom_id)
    return RoomView(f"{room.school} {room.classroom}", room.assistant, room.phone)


def _entry(
    directory: Directory,
    scope: Scope,
    edit: models.LessonEditRow,
    zone: ZoneInfo,
    language: str,
) -> EditEntry:
    text = "text_en" if language == "en" else "text_zh"
    return EditEntry(
        kind=edit.kind,
        actor=edit.actor,
        at=edit.created_at.astimezone(zone),
        start=edit.start.astimezone(zone) if edit.start else None,
        end=edit.end.astimezone(zone) if edit.end else None,
        teacher=_teacher_name(directory, scope, edit.teacher_id) if edit.teacher_id else None,
        cancelled=edit.cancelled,
        note=edit.note,
        warnings=tuple(str(w.get(text, w.get("code", ""))) for w in edit.warnings),
    )


def _choices(
    directory: Directory,
    scope: Scope,
    before: BookedLesson,
    others: list[BookedLesson],
    now: dt.datetime,
) -> tuple[TeacherChoice, ...]:
    """Who in scope could take the lesson, each checked as a re-assign would be."""
    grades = {
        directory.classrooms[r].grade for r in before.classroom_ids if r in directory.classrooms
    }
    choices = []
    for teacher in directory.bundle.network_teachers:
        if teacher.id == before.teacher_id or not scope.sees("teacher", teacher.id):
            continue
        if before.subject_id not in teacher.subjects or not grades <= set(teacher.grades):
            continue
        after = dataclasses.replace(before, teacher_id=teacher.id)
        check = check_change(directory.bundle, before, after, others, now=now)
        problem = check.errors[0] if check.errors else None
        school = directory.schools[teacher.school_id].name
        choices.append(TeacherChoice(teacher.id, teacher.name, school, problem))
    return tuple(sorted(choices, key=lambda c: (c.problem is not None, c.name)))
