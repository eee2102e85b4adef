"""The one authorization rule: the whole lesson for changes, a part of it to see it."""

from __future__ import annotations

import pytest

from coordinator.services.accounts.policy import (
    LessonAction,
    Reach,
    lesson_reach,
    may_act_on_lesson,
)
from coordinator.services.accounts.users import Scope

WEST = Scope(classrooms=frozenset({"c-west-3"}), schools=frozenset({"r-west"}))
COUNTY = Scope(
    classrooms=frozenset({"c-east-3", "c-west-3"}), teachers=frozenset({"t-wang", "t-chen"})
)
OTHER = Scope(classrooms=frozenset({"c-far"}))
ROOMS = ("c-east-3", "c-west-3")


@pytest.mark.parametrize(
    ("scope", "reach"), [(COUNTY, Reach.WHOLE), (WEST, Reach.PART), (OTHER, Reach.NONE)]
)
def test_lesson_reach_counts_the_teacher_and_every_classroom(scope: Scope, reach: Reach) -> None:
    assert lesson_reach(scope, "t-wang", ROOMS) is reach


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        (COUNTY, {"view", "change", "withdraw"}),
        (WEST, {"view", "withdraw"}),  # own classroom out: yes; cancel for the others: no
        (OTHER, set()),
    ],
)
def test_may_act_on_lesson_needs_the_whole_lesson_to_change_it(
    scope: Scope, allowed: set[str]
) -> None:
    found = {
        action.value
        for action in LessonAction
        if may_act_on_lesson(scope, action, "t-wang", ROOMS, classroom_id="c-west-3")
    }
    assert found == allowed


def test_may_act_on_lesson_withdraws_only_a_classroom_of_the_lesson_in_scope() -> None:
    assert (
        may_act_on_lesson(WEST, LessonAction.WITHDRAW, "t-wang", ROOMS, classroom_id="c-east-3"),
        may_act_on_lesson(OTHER, LessonAction.WITHDRAW, "t-wang", ROOMS, classroom_id="c-far"),
    ) == (False, False)
