"""The weekly events a rebalance answers, and how each changes the bundle."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from coordinator.domain import Bundle, BusyBlock, Classroom, Need

WHOLE_DAY = (dt.time(0, 0), dt.time(23, 59))
ALL_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, slots=True)
class TeacherUnavailable:
    """A teacher cannot teach on some weekdays, or at all (no weekdays given)."""

    teacher_id: str
    weekdays: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class BusyBlocksChanged:
    """A teacher's own-school timetable changed: these are their busy blocks now."""

    teacher_id: str
    blocks: tuple[BusyBlock, ...]


@dataclass(frozen=True, slots=True)
class ClassroomAdded:
    classroom: Classroom
    needs: tuple[Need, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassroomRemoved:
    classroom_id: str


@dataclass(frozen=True, slots=True)
class NeedAdded:
    need: Need


@dataclass(frozen=True, slots=True)
class NeedRemoved:
    classroom_id: str
    subject_id: str


@dataclass(frozen=True, slots=True)
class WeekSolved:
    """The whole week solved again from the data as it is (a solve job's proposal)."""

    job_id: int


Change = (
    TeacherUnavailable
    | BusyBlocksChanged
    | ClassroomAdded
    | ClassroomRemoved
    | NeedAdded
    | NeedRemoved
    | WeekSolved
)


def apply_change(bundle: Bundle, change: Change) -> Bundle:
    """The bundle as it is after the change (pure)."""
    replace = dataclasses.replace
    match change:
        case TeacherUnavailable(teacher_id, weekdays):
            blocks = tuple(
                BusyBlock(teacher_id, day, *WHOLE_DAY, "unavailable")
                for day in weekdays or ALL_WEEKDAYS
            )
            return replace(bundle, busy_blocks=bundle.busy_blocks + blocks)
        case BusyBlocksChanged(teacher_id, blocks):
            others = tuple(b for b in bundle.busy_blocks if b.teacher_id != teacher_id)
            return replace(bundle, busy_blocks=others + blocks)
        case ClassroomAdded(classroom, needs):
            return replace(
                bundle, classrooms=(*bundle.classrooms, classroom), needs=bundle.needs + needs
            )
        case ClassroomRemoved(classroom_id):
            return replace(
                bundle,
                classrooms=tuple(c for c in bundle.classrooms if c.id != classroom_id),
                needs=tuple(n for n in bundle.needs if n.classroom_id != classroom_id),
            )
        case NeedAdded(need):
            return replace(bundle, needs=(*bundle.needs, need))
        case NeedRemoved(classroom_id, subject_id):
            needs = tuple(
                n
                for n in bundle.needs
                if (n.classroom_id, n.subject_id) != (classroom_id, subject_id)
            )
            return replace(bundle, needs=needs)
        case WeekSolved():
            return bundle  # the data is as stored: only the plan is new
    raise TypeError(f"unknown change {change!r}")


def touched(change: Change) -> tuple[frozenset[str], frozenset[str]]:
    """The teacher ids and classroom ids a change names directly."""
    match change:
        case TeacherUnavailable(teacher_id) | BusyBlocksChanged(teacher_id):
            return frozenset({teacher_id}), frozenset()
        case ClassroomAdded(classroom):
            return frozenset(), frozenset({classroom.id})
        case ClassroomRemoved(classroom_id) | NeedRemoved(classroom_id):
            return frozenset(), frozenset({classroom_id})
        case NeedAdded(need):
            return frozenset(), frozenset({need.classroom_id})
        case WeekSolved():
            return frozenset(), frozenset()
    raise TypeError(f"unknown change {change!r}")
