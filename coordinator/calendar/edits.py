"""Hand edits of one dated lesson: moved, cancelled or given to another network teacher.

An admin's edit is kept apart from the weekly plan and laid over the lesson every time the
plan is dated again, so re-publishing never undoes it. An edit holds the lesson's whole
hand-set state (a move keeps an earlier re-assign); fields left empty follow the timetable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from coordinator.calendar.lessons import Conflict, ConflictReason, DatedLesson


class EditKind(StrEnum):
    MOVE = "move"
    CANCEL = "cancel"
    REASSIGN = "reassign"
    RESTORE = "restore"  # back to the timetable


@dataclass(frozen=True, slots=True)
class HandEdit:
    """What an admin set by hand for one lesson (None: as the timetable says)."""

    lesson_key: str
    kind: EditKind
    planned_date: dt.date  # the date the timetable gives the lesson (the key's date)
    time_zone: str  # the lesson's own zone
    start: dt.datetime | None = None  # UTC
    end: dt.datetime | None = None
    teacher_id: str | None = None
    cancelled: bool = False

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValueError(f"hand edit of {self.lesson_key}: set both start and end, or neither")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"hand edit of {self.lesson_key}: end {self.end} is not after start")

    @property
    def overrides(self) -> bool:
        """Whether the lesson differs from the timetable at all."""
        return self.cancelled or self.start is not None or self.teacher_id is not None

    @property
    def moved_to(self) -> dt.date | None:
        """The date the lesson was moved to, in its own zone; None when not moved."""
        if self.start is None:
            return None
        return self.start.astimezone(ZoneInfo(self.time_zone)).date()


def next_edit(
    previous: HandEdit | None,
    kind: EditKind,
    *,
    lesson_key: str,
    planned_date: dt.date,
    time_zone: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    teacher_id: str | None = None,
) -> HandEdit:
    """The hand-set state after one more edit of the same lesson.

    A move sets the time and lifts a cancellation (a cancelled lesson given a new date is
    made up); a re-assign sets the teacher; a cancel keeps the rest for a later move; a
    restore clears everything.
    """
    base = previous or HandEdit(lesson_key, kind, planned_date, time_zone)
    base = dataclasses.replace(base, kind=kind)
    if kind is EditKind.MOVE:
        if start is None or end is None:
            raise ValueError(f"moving {lesson_key} needs a start and an end")
        return dataclasses.replace(base, start=start, end=end, cancelled=False)
    if kind is EditKind.REASSIGN:
        if teacher_id is None:
            raise ValueError(f"re-assigning {lesson_key} needs a network teacher")
        return dataclasses.replace(base, teacher_id=teacher_id)
    if kind is EditKind.CANCEL:
        return dataclasses.replace(base, cancelled=True)
    return HandEdit(lesson_key, EditKind.RESTORE, planned_date, time_zone)


def apply_edit(lesson: DatedLesson, edit: HandEdit) -> DatedLesson | None:
    """`lesson` as the timetable dates it, with the hand edit laid over; None if cancelled.

    A moved lesson takes its new date (in its own zone) but keeps its key, UID and classrooms;
    the plan's calendar conflicts were about the old date, so they go. A re-assigned lesson
    drops the conflicts of the teacher it no longer has.
    """
    if edit.cancelled:
        return None
    changed = lesson
    if edit.start is not None and edit.end is not None:
        date = edit.start.astimezone(ZoneInfo(lesson.time_zone)).date()
        changed = dataclasses.replace(
            changed, start=edit.start, end=edit.end, date=date, conflicts=()
        )
    if edit.teacher_id is not None and edit.teacher_id != lesson.teacher_id:
        kept = tuple(c for c in changed.conflicts if c.party_id != lesson.teacher_id)
        changed = dataclasses.replace(changed, teacher_id=edit.teacher_id, conflicts=kept)
    return changed


def double_bookings(
    lessons: Sequence[DatedLesson], edited: Collection[str]
) -> dict[str, tuple[Conflict, ...]]:
    """The double bookings of the lessons moved or re-assigned by hand (keys in `edited`),
    flagged on both lessons of each pair: the teacher or a classroom has another lesson at an
    overlapping time. Each edit was checked when it was made; a later re-solve, rebalance or
    edit of another lesson may have put something in its way since."""
    if not edited:
        return {}
    booked: dict[tuple[ConflictReason, str], list[DatedLesson]] = defaultdict(list)
    for lesson in lessons:
        for party in _parties(lesson):
            booked[party].append(lesson)
    found: dict[str, list[Conflict]] = defaultdict(list)
    for lesson in (lesson for lesson in lessons if lesson.key in edited):
        for reason, party_id in _parties(lesson):
            for other in booked[reason, party_id]:
                if other.key == lesson.key or not _overlap(lesson, other):
                    continue
                for mine, theirs in ((lesson, other), (other, lesson)):
                    conflict = Conflict(reason, party_id, other_lesson=theirs.key)
                    if conflict not in found[mine.key]:
                        found[mine.key].append(conflict)
    return {key: tuple(conflicts) for key, conflicts in found.items()}


def _parties(lesson: DatedLesson) -> list[tuple[ConflictReason, str]]:
    """Who a lesson books: its network teacher and each of its classrooms."""
    rooms = [(ConflictReason.CLASSROOM_DOUBLE_BOOKED, room) for room in lesson.classroom_ids]
    return [(ConflictReason.TEACHER_DOUBLE_BOOKED, lesson.teacher_id), *rooms]


def _overlap(one: DatedLesson, other: DatedLesson) -> bool:
    return one.start < other.end and other.start < one.end
