"""Every unmet need comes with a reason an admin can act on, in English and Chinese."""

from __future__ import annotations

import dataclasses
from typing import Any

from coordinator.timetable import Plan, build_problem
from coordinator.timetable.explain import explain_unmet

from .factories import busy, daily, make_bundle, need, room, solved, teacher, with_options

ONE_PERIOD = daily("rural", [("09:00", "09:40")], weekdays=(1,))


def reasons(**parts: Any) -> list[tuple[str, int, str]]:
    _, plan = solved(make_bundle(periods=ONE_PERIOD, **parts))
    return [(u.classroom_id, u.periods, u.reason.code) for u in plan.unmet]


def test_explain_no_qualified_teacher() -> None:
    _, plan = solved(
        make_bundle(
            teachers=[teacher("t1", grades=(5,))],
            classrooms=[room("c1")],
            needs=[need("c1")],
            periods=ONE_PERIOD,
        )
    )
    [unmet] = plan.unmet
    assert (unmet.reason.code, unmet.reason.params["grade"]) == ("no_qualified_teacher", 3)
    assert unmet.reason.text_en.startswith("No network teacher teaches Music to grade 3")
    assert unmet.reason.text_zh.startswith("没有能教3年级音乐的主讲教师")


def test_explain_no_common_time() -> None:
    assert reasons(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        busy_blocks=(busy("t1", 1, "08:30", "10:30"),),
    ) == [("c1", 1, "no_common_time")]


def test_explain_classroom_periods_exhausted() -> None:
    assert reasons(
        teachers=[teacher("t1", subjects=("music", "art"))],
        classrooms=[room("c1")],
        needs=[need("c1", "music"), need("c1", "art", periods=1)],
    ) == [("c1", 1, "classroom_periods_exhausted")]


def test_explain_qualified_teachers_full_names_them_and_their_load() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 5), per_week=1)],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1"), need("c2")],
        periods=daily("rural", [("09:00", "09:40")], weekdays=(1, 2)),
    )
    _, plan = solved(bundle)
    [unmet] = plan.unmet
    assert unmet.reason.code == "qualified_teachers_full"
    assert unmet.reason.params["teachers"] == [
        {"teacher_id": "t1", "sessions": 1, "max_per_week": 1}
    ]
    assert "t1 1/1" in unmet.reason.text_en  # the factory names a teacher by the id
    assert "t1 1/1" in unmet.reason.text_zh


def test_explain_traded_off_when_a_free_option_remains() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=ONE_PERIOD,
    )
    problem = build_problem(bundle, with_options())
    [unmet] = explain_unmet(problem, Plan("FEASIBLE", ()))
    assert (unmet.periods, unmet.reason.code) == (1, "traded_off")


def test_explanations_name_teachers_and_classrooms_never_their_ids() -> None:
    named = dataclasses.replace(teacher("t-xuli"), name="徐丽")
    classroom = dataclasses.replace(room("c-dazhai-5-1"), name="五年级（1）班")
    bundle = make_bundle(
        teachers=[named],
        classrooms=[classroom],
        needs=[need("c-dazhai-5-1")],
        periods=ONE_PERIOD,
        busy_blocks=(busy("t-xuli", 1, "08:30", "10:30"),),
    )
    bundle = dataclasses.replace(
        bundle,
        schools=tuple(
            dataclasses.replace(s, name="大寨村小") if s.id == "r1" else s for s in bundle.schools
        ),
    )
    _, plan = solved(bundle)
    [unmet] = plan.unmet
    assert unmet.reason.text_zh == (
        "1位可任教的教师（徐丽）在大寨村小五年级（1）班的直播节次都没有空。"
        "请开放更多直播节次，或调整教师的本校课表。"
    )
    assert "(徐丽) is free during 大寨村小五年级（1）班's" in unmet.reason.text_en
    assert unmet.reason.params["teachers"] == ["t-xuli"]  # the ids stay in the data
    assert unmet.reason.params["classroom_id"] == "c-dazhai-5-1"
