"""The validator on hand-made plans: a clean plan passes, each broken hard rule is named."""

from __future__ import annotations

import datetime as dt

from coordinator.enums import NetworkProfile
from coordinator.timetable import Plan, Problem, Session, build_problem, validate_plan

from .factories import busy, clock, daily, make_bundle, need, pinned, room, teacher, with_options

PERIODS = daily("rural", [("09:00", "09:40"), ("09:45", "10:25"), ("11:00", "11:40")])


def problem() -> Problem:
    bundle = make_bundle(
        teachers=[
            teacher("t1", grades=(3, 5), per_day=1, per_week=3),
            teacher("t2", subjects=("art",)),
        ],
        classrooms=[
            room("c1", assistant="a"),
            room("c2", assistant="a"),
            room("c3", grade=5),
            room("c4", network=NetworkProfile.WEAK),
            room("c5"),
        ],
        needs=[need("c1"), need("c2"), need("c3"), need("c4"), need("c2", "art")],
        periods=PERIODS,
        busy_blocks=(busy("t1", 2, "11:00", "11:40"),),
        pinned_sessions=(pinned("p1", "t1", 3, "09:00", "09:40", capacity=2),),
    )
    return build_problem(bundle, with_options(max_classrooms_per_session=2, weak_network_max=1))


def session(
    teacher_id: str, weekday: int, start: str, rooms: tuple[str, ...], **extra: str
) -> Session:
    begin = clock(start)
    end = (dt.datetime.combine(dt.date(2026, 1, 5), begin) + dt.timedelta(minutes=40)).time()
    subject = extra.get("subject", "music")
    session_id = extra.get("pinned_id") or f"{teacher_id}-{weekday}-{start}-{subject}"
    return Session(
        session_id, teacher_id, subject, weekday, begin, end, rooms, extra.get("pinned_id")
    )


PINNED = session("t1", 3, "09:00", (), pinned_id="p1")


def broken_rules(*sessions: Session) -> list[str]:
    return [v.rule for v in validate_plan(problem(), Plan("FEASIBLE", (PINNED, *sessions)))]


def test_validate_plan_accepts_a_plan_that_keeps_every_rule() -> None:
    assert (
        broken_rules(
            session("t1", 1, "09:00", ("c1",)), session("t2", 1, "09:45", ("c2",), subject="art")
        )
        == []
    )


def test_validate_plan_names_teacher_overlap() -> None:
    assert broken_rules(session("t1", 1, "09:00", ("c1",)), session("t1", 1, "09:00", ("c4",))) == [
        "teacher_overlap",
        "teacher_max",
    ]


def test_validate_plan_names_teacher_too_close_for_the_buffer() -> None:
    assert (
        broken_rules(session("t1", 1, "09:00", ("c1",)), session("t1", 2, "09:00", ("c3",))) == []
    )
    assert broken_rules(session("t1", 1, "09:00", ("c1",)), session("t1", 1, "09:45", ("c4",))) == [
        "teacher_overlap",
        "teacher_max",
    ]


def test_validate_plan_names_busy_block_and_closed_day() -> None:
    assert broken_rules(session("t1", 2, "11:00", ("c1",))) == ["teacher_available"]
    assert broken_rules(session("t1", 6, "09:00", ("c1",))) == ["teacher_available", "live_period"]


def test_validate_plan_names_daily_and_weekly_maximum() -> None:
    assert broken_rules(session("t1", 1, "09:00", ("c1",)), session("t1", 1, "11:00", ("c4",))) == [
        "teacher_max"
    ]
    assert broken_rules(
        session("t1", 1, "09:00", ("c1",)),
        session("t1", 2, "09:00", ("c3",)),
        session("t1", 4, "09:00", ("c4",)),
    ) == ["teacher_max"]


def test_validate_plan_names_classroom_and_assistant_overlap() -> None:
    assert broken_rules(
        session("t1", 1, "09:00", ("c1",)), session("t2", 1, "09:00", ("c1",), subject="art")
    ) == ["classroom_overlap", "assistant_overlap", "need"]


def test_validate_plan_names_assistant_in_two_classrooms_at_once() -> None:
    assert broken_rules(
        session("t1", 1, "09:00", ("c1",)), session("t2", 1, "09:00", ("c2",), subject="art")
    ) == ["assistant_overlap"]


def test_validate_plan_names_a_lesson_outside_live_periods() -> None:
    assert broken_rules(session("t1", 1, "12:00", ("c1",))) == ["live_period"]


def test_validate_plan_names_more_than_the_need_and_no_need() -> None:
    assert broken_rules(session("t1", 1, "09:00", ("c1",)), session("t1", 2, "09:00", ("c1",))) == [
        "need"
    ]
    assert broken_rules(session("t1", 1, "09:00", ("c5",))) == ["need"]


def test_validate_plan_names_an_unqualified_teacher() -> None:
    assert broken_rules(session("t2", 1, "09:00", ("c1",))) == ["qualified"]


def test_validate_plan_names_capacity_weak_network_and_grade_band() -> None:
    assert broken_rules(session("t1", 1, "09:00", ("c1", "c4"))) == ["capacity"]
    assert broken_rules(session("t1", 1, "09:00", ("c2", "c3"))) == ["grade_band"]


def test_validate_plan_names_missing_or_moved_pinned_sessions() -> None:
    assert [v.rule for v in validate_plan(problem(), Plan("FEASIBLE", ()))] == ["pinned"]
    moved = session("t1", 3, "09:45", (), pinned_id="p1")
    assert [v.rule for v in validate_plan(problem(), Plan("FEASIBLE", (moved,)))] == ["pinned"]


def test_validate_plan_names_unknown_ids() -> None:
    assert broken_rules(session("t1", 1, "09:00", ("c9",))) == ["known_ids", "capacity"]
