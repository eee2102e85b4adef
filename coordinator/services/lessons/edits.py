"""One lesson by hand: move it, cancel it or give it to another network teacher, checked first.

An edit is checked, stored as its own row (`lesson_edit`), applied to the lesson row exactly as
publishing would apply it, audited and announced to the feeds (the change counter), all in
one write transaction. Publishing lays the newest edit of every lesson over the timetable
(`lessons.with_hand_edits`), so a later re-solve or rebalance does not undo it; `restore`
hands the lesson back to the timetable. Every visible change bumps the lesson's revision:
feeds raise SEQUENCE and the worker sends a change notice when the lesson is close.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar.edit_checks import BookedLesson, check_cancel, check_change
from coordinator.calendar.edit_problems import EditCheck, EditProblem, error
from coordinator.calendar.edits import EditKind, HandEdit, apply_edit, next_edit
from coordinator.calendar.feed import LessonStatus
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.accounts.policy import LessonAction, OutsideScope, may_act_on_lesson
from coordinator.services.accounts.users import Scope, audit_row
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.lessons.dated import current_layers, date_layers, reconcile_one
from coordinator.services.lessons.edit_rows import edit_history, hand_edit_of
from coordinator.services.lessons.grids import dated_lessons
from coordinator.services.lessons.stored import Dated
from coordinator.store import Store

log = logging.getLogger(__name__)

MAX_NOTE = 500


class EditRefused(CoordinatorError):
    """The edit was not stored: errors, or warnings the admin has not confirmed yet."""

    def __init__(self, check: EditCheck) -> None:
        self.check = check
        shown = check.errors or check.warnings
        super().__init__("; ".join(problem.text_en for problem in shown))

    @property
    def needs_confirmation(self) -> bool:
        return not self.check.errors


@dataclass(frozen=True, slots=True)
class EditRequest:
    """What an admin asks for; a move's date and start are in the lesson's own clock."""

    kind: EditKind
    lesson_key: str
    date: dt.date | None = None  # move
    start: dt.time | None = None  # move; the end follows the lesson's length
    teacher_id: str | None = None  # reassign
    note: str = ""
    confirmed: bool = False  # the admin read the warnings and goes ahead


@dataclass(frozen=True, slots=True)
class EditOutcome:
    lesson: models.LessonRow
    edit: models.LessonEditRow
    changed: bool  # False when the lesson already looked like this (a restore of no effect)


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored lesson with its classrooms and the hand edit in force."""

    row: models.LessonRow
    classroom_ids: tuple[str, ...]
    edit: HandEdit | None

    @property
    def planned_date(self) -> dt.date:
        return self.edit.planned_date if self.edit else self.row.date


async def stored_lesson(session: AsyncSession, scope: Scope, key: str) -> Stored:
    """The lesson if it exists and is in the admin's scope; 404 alike otherwise."""
    row = await session.get(models.LessonRow, key)
    if row is None:
        raise NotFoundError(f"lesson {key}: no such lesson")
    links = select(models.LessonClassroomRow).where(models.LessonClassroomRow.lesson_key == key)
    rooms = tuple(sorted(link.classroom_id for link in (await session.exec(links)).all()))
    if not may_act_on_lesson(scope, LessonAction.VIEW, row.teacher_id, rooms):
        raise NotFoundError(f"lesson {key}: no such lesson")
    history = await edit_history(session, key)
    edit = hand_edit_of(history[0]) if history else None
    return Stored(row, rooms, edit if edit and edit.overrides else None)


async def planned_lesson(
    session: AsyncSession, bundle: domain.Bundle, key: str, planned_date: dt.date
) -> Dated | None:
    """The lesson as the current timetable dates it, without hand edits; None if it holds none."""
    layers = await current_layers(session)
    dated = date_layers(bundle, layers, planned_date, planned_date)
    return next((item for item in dated if item.lesson.key == key), None)


def booked(row: models.LessonRow, rooms: tuple[str, ...]) -> BookedLesson:
    return BookedLesson(
        row.key, row.subject_id, row.teacher_id, rooms, row.start, row.end, row.time_zone
    )


async def lessons_around(
    session: AsyncSession, moment: dt.datetime, time_zone: str
) -> list[BookedLesson]:
    """Every lesson not cancelled in the week (Monday to Sunday, local) holding `moment`."""
    day = moment.astimezone(ZoneInfo(time_zone)).date()
    monday = day - dt.timedelta(days=day.weekday())
    rows = await dated_lessons(session, monday - dt.timedelta(days=1), monday + dt.timedelta(8))
    return [
        booked(row, tuple(rooms)) for row, rooms in rows if row.status != LessonStatus.CANCELLED
    ]


def _target(request: EditRequest, stored: Stored, scope: Scope) -> HandEdit:
    """The hand-set state the request asks for, or EditRefused for a form that lacks a part."""
    row = stored.row
    start = end = None
    if request.kind is EditKind.MOVE:
        if request.date is None or request.start is None:
            raise EditRefused(EditCheck((error("missing_time", "date"),)))
        start = dt.datetime.combine(request.date, request.start, tzinfo=ZoneInfo(row.time_zone))
        start = start.astimezone(dt.UTC)
        end = start + (row.end - row.start)
    teacher = request.teacher_id
    if request.kind is EditKind.REASSIGN and not teacher:
        raise EditRefused(EditCheck((error("missing_teacher", "teacher"),)))
    if request.kind is EditKind.REASSIGN and not scope.sees("teacher", teacher or ""):
        raise EditRefused(EditCheck((error("unknown_teacher", "teacher", teacher=teacher or ""),)))
    if request.kind is EditKind.CANCEL and not request.note.strip():
        raise EditRefused(EditCheck((error("missing_reason", "note"),)))
    if request.kind is EditKind.RESTORE and stored.edit is None:
        raise EditRefused(EditCheck((error("not_edited", ""),)))
    return next_edit(
        stored.edit,
        request.kind,
        lesson_key=row.key,
        planned_date=stored.planned_date,
        time_zone=row.time_zone,
        start=start,
        end=end,
        teacher_id=teacher,
    )


async def _check(
    session: AsyncSession,
    bundle: domain.Bundle,
    stored: Stored,
    request: EditRequest,
    plan: Dated | None,
    result: Dated | None,
    *,
    now: dt.datetime,
) -> EditCheck:
    """The checks the request needs; `plan` is the lesson as the timetable dates it."""
    row, rooms = stored.row, stored.classroom_ids
    before = booked(row, rooms)
    cancelled = row.status == LessonStatus.CANCELLED
    if request.kind is EditKind.CANCEL:
        if cancelled:
            return EditCheck((error("already_cancelled", ""),))
        return check_cancel(before, now=now)
    if plan is None:  # the timetable no longer holds the lesson: restoring cancels it
        if request.kind is EditKind.RESTORE:
            return check_cancel(before, now=now) if not cancelled else EditCheck()
        return EditCheck((error("not_in_timetable", ""),))
    if request.kind is EditKind.REASSIGN and cancelled:
        return EditCheck((error("cancelled", ""),))
    if result is None:  # restoring a lesson the timetable holds never cancels it
        raise AssertionError(f"lesson {row.key}: a {request.kind} left it cancelled")
    lesson = result.lesson
    after = BookedLesson(
        row.key,
        row.subject_id,
        lesson.teacher_id,
        lesson.classroom_ids,
        lesson.start,
        lesson.end,
        row.time_zone,
    )
    same = (after.start, after.end, after.teacher_id) == (row.start, row.end, row.teacher_id)
    if request.kind is EditKind.RESTORE and same and not cancelled:
        return check_cancel(before, now=now)  # nothing anyone sees changes
    others = await lessons_around(session, after.start, row.time_zone)
    return check_change(bundle, before, after, others, now=now, revived=cancelled)


async def edit_lesson(
    store: Store,
    bundle: domain.Bundle,
    scope: Scope,
    request: EditRequest,
    *,
    actor: str,
    now: dt.datetime,
) -> EditOutcome:
    """Check the edit, then store it and apply it to the lesson; EditRefused if it may not be."""
    note = request.note.strip()[:MAX_NOTE]
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)  # first: queues concurrent edits and publishing
        stored = await stored_lesson(session, scope, request.lesson_key)
        _check_whole(scope, stored)
        target = _target(request, stored, scope)
        plan = await planned_lesson(session, bundle, stored.row.key, stored.planned_date)
        result = _applied(plan, target)
        check = await _check(session, bundle, stored, request, plan, result, now=now)
        if check.errors or (check.warnings and not request.confirmed):
            raise EditRefused(check)
        before = (stored.row.start, stored.row.end, stored.row.teacher_id)
        edit = _edit_row(target, note, check.warnings, actor, now)
        session.add(edit)
        changed = await reconcile_one(session, stored.row, result, now=now)
        session.add(_audit(request, stored, before, edit, actor, now))
        await session.flush()
    log.info("lesson %s: %s by %s (changed: %s)", request.lesson_key, request.kind, actor, changed)
    return EditOutcome(stored.row, edit, changed)


def _check_whole(scope: Scope, stored: Stored) -> None:
    """Moving, cancelling, re-assigning or restoring acts for the whole lesson."""
    row, rooms = stored.row, stored.classroom_ids
    if not may_act_on_lesson(scope, LessonAction.CHANGE, row.teacher_id, rooms):
        raise OutsideScope(
            f"lesson {row.key}: its teacher or a classroom is outside your scope; "
            "take your own classroom out of it on the rebalance page instead"
        )


def _applied(plan: Dated | None, target: HandEdit) -> Dated | None:
    if plan is None:
        return None
    lesson = apply_edit(plan.lesson, target)
    return None if lesson is None else Dated(lesson, plan.subject_id, plan.version_id)


def _edit_row(
    target: HandEdit,
    note: str,
    warnings: tuple[EditProblem, ...],
    actor: str,
    now: dt.datetime,
) -> models.LessonEditRow:
    return models.LessonEditRow(
        lesson_key=target.lesson_key,
        kind=target.kind.value,
        planned_date=target.planned_date,
        start=target.start,
        end=target.end,
        time_zone=target.time_zone,
        teacher_id=target.teacher_id,
        cancelled=target.cancelled,
        note=note,
        warnings=[w.as_json() for w in warnings],
        actor=actor,
        created_at=now,
    )


def _audit(
    request: EditRequest,
    stored: Stored,
    before: tuple[dt.datetime, dt.datetime, str],
    edit: models.LessonEditRow,
    actor: str,
    now: dt.datetime,
) -> models.AuditRow:
    row = stored.row
    details = {
        "teachers": sorted({before[2], row.teacher_id}),
        "classrooms": list(stored.classroom_ids),
        "from": {"start": before[0].isoformat(), "end": before[1].isoformat()},
        "to": {"start": row.start.isoformat(), "end": row.end.isoformat()},
        "teacher": {"from": before[2], "to": row.teacher_id},
        "status": row.status,
        "revision": row.revision,
        "note": edit.note,
        "warnings": [w["code"] for w in edit.warnings],
    }
    return audit_row(actor, f"lesson.{request.kind.value}", "lesson", row.key, details, now)
