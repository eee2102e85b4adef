"""What a rebalance changes, lesson by lesson: kept, moved, re-assigned, cancelled, new."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from coordinator.timetable.plan import Plan, Unmet

LessonKey = tuple[str, str]  # (classroom id, subject id)


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """Who teaches a classroom when: a teacher, their local weekday and start."""

    teacher_id: str
    weekday: int
    start: dt.time


@dataclass(frozen=True, slots=True)
class LessonChange:
    classroom_id: str
    subject_id: str
    before: Slot | None
    after: Slot | None


@dataclass(frozen=True, slots=True)
class PlanDiff:
    kept: tuple[LessonChange, ...]
    moved: tuple[LessonChange, ...]  # same teacher, another time
    reassigned: tuple[LessonChange, ...]  # another teacher
    cancelled: tuple[LessonChange, ...]
    added: tuple[LessonChange, ...]  # newly delivered
    unmet: tuple[Unmet, ...]


def lesson_slots(plan: Plan) -> dict[LessonKey, list[Slot]]:
    """Each classroom x subject's lessons as slots."""
    slots: dict[LessonKey, list[Slot]] = defaultdict(list)
    for s in plan.sessions:
        for room in s.classroom_ids:
            slots[(room, s.subject_id)].append(Slot(s.teacher_id, s.weekday, s.start))
    return slots


def diff_plans(before: Plan, after: Plan) -> PlanDiff:
    """Match lessons of each classroom x subject: same slot, then same teacher, then any."""
    old, new = lesson_slots(before), lesson_slots(after)
    found: dict[str, list[LessonChange]] = defaultdict(list)
    for key in sorted(set(old) | set(new)):
        for kind, change in _match(key, sorted(old.get(key, [])), sorted(new.get(key, []))):
            found[kind].append(change)
    return PlanDiff(
        kept=tuple(found["kept"]),
        moved=tuple(found["moved"]),
        reassigned=tuple(found["reassigned"]),
        cancelled=tuple(found["cancelled"]),
        added=tuple(found["added"]),
        unmet=after.unmet,
    )


def _match(key: LessonKey, old: list[Slot], new: list[Slot]) -> list[tuple[str, LessonChange]]:
    room, subject = key
    pairs: list[tuple[str, LessonChange]] = []
    for slot in [s for s in old if s in new]:
        old.remove(slot)
        new.remove(slot)
        pairs.append(("kept", LessonChange(room, subject, slot, slot)))
    for slot in list(old):
        same = next((s for s in new if s.teacher_id == slot.teacher_id), None)
        if same is not None:
            old.remove(slot)
            new.remove(same)
            pairs.append(("moved", LessonChange(room, subject, slot, same)))
    for before, after in zip(list(old), list(new), strict=False):
        old.remove(before)
        new.remove(after)
        pairs.append(("reassigned", LessonChange(room, subject, before, after)))
    pairs += [("cancelled", LessonChange(room, subject, s, None)) for s in old]
    pairs += [("added", LessonChange(room, subject, None, s)) for s in new]
    return pairs
