"""The change a rebalance answers, checked against the data and laid onto it.

Two changes name something the imported data may hold already: a classroom imported but not
yet in the timetable (added again, with its needs), and a need that gets new periods a week
(it replaces the need). An unavailable teacher's pinned sessions are dropped: they cannot move.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.domain import Bundle
from coordinator.errors import CoordinatorError
from coordinator.timetable.changes import (
    ALL_WEEKDAYS,
    BusyBlocksChanged,
    Change,
    ClassroomAdded,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    TeacherUnavailable,
    apply_change,
)


class RebalanceInputError(CoordinatorError):
    """The change names something the current data does not hold, or dates that cannot be."""


def check_change(bundle: Bundle, change: Change) -> None:
    """Every id the change names must be in the current data."""
    teachers = {t.id for t in bundle.network_teachers}
    rooms = {c.id for c in bundle.classrooms}
    subjects = {s.id for s in bundle.subjects}
    needs = {(n.classroom_id, n.subject_id) for n in bundle.needs}
    match change:
        case TeacherUnavailable(teacher_id) if teacher_id not in teachers:
            raise RebalanceInputError(f"teacher {teacher_id!r} is not in the current data")
        case TeacherUnavailable(_, weekdays) if any(d not in ALL_WEEKDAYS for d in weekdays):
            raise RebalanceInputError(f"weekdays {weekdays}: weekdays are 1 (Monday) to 7")
        case BusyBlocksChanged(teacher_id) if teacher_id not in teachers:
            raise RebalanceInputError(f"teacher {teacher_id!r} is not in the current data")
        case ClassroomAdded(classroom) if classroom.school_id not in {s.id for s in bundle.schools}:
            raise RebalanceInputError(f"school {classroom.school_id!r} is not in the current data")
        case ClassroomRemoved(room_id) if room_id not in rooms:
            raise RebalanceInputError(f"classroom {room_id!r} is not in the current data")
        case NeedAdded(need) if need.classroom_id not in rooms:
            raise RebalanceInputError(f"classroom {need.classroom_id!r} is not in the current data")
        case NeedAdded(need) if need.subject_id not in subjects:
            raise RebalanceInputError(f"subject {need.subject_id!r} is not in the current data")
        case NeedAdded(need) if need.periods_per_week < 1:
            raise RebalanceInputError(f"periods {need.periods_per_week}: at least 1 a week")
        case NeedRemoved(room_id, subject_id) if (room_id, subject_id) not in needs:
            raise RebalanceInputError(f"classroom {room_id!r} has no need for {subject_id!r}")


def without_present(bundle: Bundle, change: Change) -> Bundle:
    """The bundle before the change: a classroom already imported, a need that gets new periods."""
    match change:
        case ClassroomAdded(classroom) if classroom.id in {c.id for c in bundle.classrooms}:
            return apply_change(bundle, ClassroomRemoved(classroom.id))
        case NeedAdded(need):
            return apply_change(bundle, NeedRemoved(need.classroom_id, need.subject_id))
    return bundle


def without_unavailable_pinned(bundle: Bundle, change: Change) -> Bundle:
    """A pinned session cannot move, so an unavailable teacher's pinned sessions are cancelled."""
    if not isinstance(change, TeacherUnavailable):
        return bundle
    days = change.weekdays or ALL_WEEKDAYS
    kept = tuple(
        pinned
        for pinned in bundle.pinned_sessions
        if not (pinned.teacher_id == change.teacher_id and pinned.weekday in days)
    )
    return dataclasses.replace(bundle, pinned_sessions=kept)


def changed_bundle(bundle: Bundle, change: Change) -> Bundle:
    """The data as it is after the change (checked first)."""
    check_change(bundle, change)
    after = apply_change(without_present(bundle, change), change)
    return without_unavailable_pinned(after, change)


def dating_bundle(stored: Bundle, changed: Bundle, dates: tuple[dt.date, dt.date] | None) -> Bundle:
    """The data to date lessons with. From now on: the data after the change. For dates only:
    the stored data plus any classroom the change adds, since the lessons outside the dates
    (the layers underneath) still reach a classroom that leaves for those dates."""
    if dates is None:
        return changed
    known = {classroom.id for classroom in stored.classrooms}
    added = tuple(classroom for classroom in changed.classrooms if classroom.id not in known)
    return dataclasses.replace(stored, classrooms=stored.classrooms + added)
