"""What the Rebalance forms offer an admin: only teachers, classrooms and needs in scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coordinator.domain import Classroom
from coordinator.timetable.plan import Plan
from coordinator.web.collation import pinyin_key
from coordinator.web.pages.access import Viewer
from coordinator.web.pages.rebalance_form import new_classrooms

Choice = tuple[str, str]  # (value, label)


@dataclass(frozen=True, slots=True)
class Choices:
    teachers: list[Choice]
    classrooms: list[Choice]
    subjects: list[Choice]
    needs: list[Choice]  # "classroom:subject"
    new_rooms: list[Choice]  # imported, not in the timetable yet


def _label(choice: Choice) -> tuple[str, str]:
    """By pinyin: people and places in the order a Chinese reader looks for them."""
    return pinyin_key(choice[1])


def _rooms(viewer: Viewer, rooms: Iterable[Classroom]) -> list[Choice]:
    name = viewer.directory.owner_name_of_classroom
    return sorted(((room.id, name(room.id)) for room in rooms), key=_label)


def choices_for(viewer: Viewer, lang: str, plan: Plan | None) -> Choices:
    directory, scope = viewer.directory, viewer.scope
    bundle = directory.bundle
    teachers = [
        (t.id, f"{t.name}（{directory.schools[t.school_id].name}）")
        for t in bundle.network_teachers
        if t.id in scope.teachers
    ]
    needs = [
        (
            f"{need.classroom_id}:{need.subject_id}",
            f"{directory.owner_name_of_classroom(need.classroom_id)} · "
            f"{directory.subject_name(need.subject_id, lang)} × {need.periods_per_week}",
        )
        for need in bundle.needs
        if need.classroom_id in scope.classrooms
    ]
    return Choices(
        teachers=sorted(teachers, key=_label),
        classrooms=_rooms(viewer, (c for c in bundle.classrooms if c.id in scope.classrooms)),
        subjects=sorted(
            ((s, directory.subject_name(s, lang)) for s in directory.subjects), key=_label
        ),
        needs=sorted(needs, key=_label),
        new_rooms=_rooms(viewer, new_classrooms(viewer, plan)),
    )
