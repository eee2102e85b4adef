"""One authorization rule for every way in: an action needs the whole object in the actor's scope.

A lesson is its network teacher and every classroom it reaches. An admin whose scope holds
only part of it (one alliance's classroom of a lesson shared with another alliance) may see
it, with the names and phone numbers of the other part left out, and may take their own
classroom out of it (the rebalance page's "a classroom leaves"); moving, cancelling,
re-assigning or restoring it acts for the others too, so it needs the whole lesson.
Pure: it takes a `Scope` and ids, and answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import Scope


class OutsideScope(CoordinatorError):
    """The object is seen, but the action would reach a part of it outside the scope."""


class Reach(StrEnum):
    """How much of an object lies in a scope."""

    NONE = "none"
    PART = "part"
    WHOLE = "whole"


class LessonAction(StrEnum):
    VIEW = "view"  # the lesson page, its row on Today and in the grids
    CHANGE = "change"  # move, cancel, re-assign, restore: acts for everyone in the lesson
    WITHDRAW = "withdraw"  # take one's own classroom out of the lesson


def lesson_reach(scope: Scope, teacher_id: str, classroom_ids: Iterable[str]) -> Reach:
    """NONE, PART or WHOLE: the teacher and each classroom, each in scope or not."""
    parts = [teacher_id in scope.teachers] + [c in scope.classrooms for c in classroom_ids]
    if all(parts):
        return Reach.WHOLE
    return Reach.PART if any(parts) else Reach.NONE


def may_act_on_lesson(
    scope: Scope,
    action: LessonAction,
    teacher_id: str,
    classroom_ids: Iterable[str],
    *,
    classroom_id: str = "",
) -> bool:
    """The rule itself; WITHDRAW names the classroom taken out (`classroom_id`)."""
    rooms = tuple(classroom_ids)
    reach = lesson_reach(scope, teacher_id, rooms)
    if action is LessonAction.VIEW:
        return reach is not Reach.NONE
    if action is LessonAction.WITHDRAW:
        return classroom_id in rooms and classroom_id in scope.classrooms
    return reach is Reach.WHOLE


def shows_person(scope: Scope, kind: str, object_id: str) -> bool:
    """Names and phone numbers of a teacher, assistant or classroom only inside the scope."""
    return scope.sees(kind, object_id)
