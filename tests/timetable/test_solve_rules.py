"""The solver keeps every hard rule, and small instances are solved to proven optimality."""

from __future__ import annotations

from coordinator.enums import NetworkProfile
from coordinator.timetable import build_problem, lp_bound

from .factories import (
    DEFAULT_SCHOOLS,
    busy,
    daily,
    make_bundle,
    need,
    pairing,
    period,
    room,
    school,
    solved,
    teacher,
    with_options,
)

ONE_PERIOD = daily("rural", [("09:00", "09:40")], weekdays=(1,))
TWO_DAYS = daily("rural", [("09:00", "09:40")], weekdays=(1, 2))


def test_solve_shares_one_broadcast_when_grades_match() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1"), room("c2", school_id="r2")],
        needs=[need("c1", periods=2), need("c2", periods=2)],
        periods=TWO_DAYS,
    )
    _, plan = solved(bundle)
    assert plan.status == "OPTIMAL"
    assert plan.stats.delivered_periods == 4
    assert [s.classroom_ids for s in plan.sessions] == [("c1", "c2"), ("c1", "c2")]


def test_solve_teacher_weekly_max_caps_sessions() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 5), per_week=1)],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1"), need("c2")],
        periods=TWO_DAYS,
    )
    _, plan = solved(bundle)
    assert (plan.status, plan.stats.delivered_periods, len(plan.sessions)) == ("OPTIMAL", 1, 1)


def test_solve_teacher_daily_max_spreads_over_days() -> None:
    periods = daily("rural", [("09:00", "09:40"), ("10:00", "10:40")], weekdays=(1,))
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 5), per_day=1)],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1"), need("c2")],
        periods=periods,
    )
    _, plan = solved(bundle)
    assert (plan.status, plan.stats.delivered_periods) == ("OPTIMAL", 1)


def test_solve_teacher_buffer_keeps_sessions_apart() -> None:
    periods = daily("rural", [("09:00", "09:40"), ("09:45", "10:25")], weekdays=(1,))
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 5))],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1"), need("c2")],
        periods=periods,
    )
    _, with_buffer = solved(bundle, with_options(teacher_buffer_minutes=10))
    _, without = solved(bundle, with_options(teacher_buffer_minutes=0))
    assert (with_buffer.stats.delivered_periods, without.stats.delivered_periods) == (1, 2)


def test_solve_avoids_busy_blocks() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1", periods=2)],
        periods=TWO_DAYS,
        busy_blocks=(busy("t1", 1, "08:50", "10:00"),),
    )
    _, plan = solved(bundle)
    assert [(s.weekday, f"{s.start:%H:%M}") for s in plan.sessions] == [(2, "09:00")]


def test_solve_assistant_runs_one_lesson_at_a_time() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1"), teacher("t2", grades=(5,))],
        classrooms=[room("c1", assistant="a"), room("c2", grade=5, assistant="a")],
        needs=[need("c1"), need("c2")],
        periods=ONE_PERIOD,
    )
    _, plan = solved(bundle)
    assert (plan.status, plan.stats.delivered_periods) == ("OPTIMAL", 1)


def test_solve_classroom_takes_one_lesson_at_a_time() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", subjects=("music", "art"))],
        classrooms=[room("c1")],
        needs=[need("c1", "music"), need("c1", "art")],
        periods=ONE_PERIOD,
    )
    _, plan = solved(bundle)
    assert (plan.status, plan.stats.delivered_periods) == ("OPTIMAL", 1)


def test_solve_capacity_limits_classrooms_per_broadcast() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room(f"c{i}") for i in range(3)],
        needs=[need(f"c{i}") for i in range(3)],
        periods=ONE_PERIOD,
    )
    _, plan = solved(bundle, with_options(max_classrooms_per_session=2))
    assert (plan.status, plan.stats.delivered_periods) == ("OPTIMAL", 2)


def test_solve_weak_network_makes_broadcasts_smaller() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1"), room("c2", network=NetworkProfile.WEAK)],
        needs=[need("c1"), need("c2")],
        periods=ONE_PERIOD,
    )
    _, plan = solved(bundle, with_options(weak_network_max=1))
    assert (plan.status, plan.stats.delivered_periods) == ("OPTIMAL", 1)


def test_solve_uses_only_live_periods() -> None:
    periods = (
        period("rural", 1, "09:00", "09:40"),
        period("rural", 1, "10:00", "10:40", number=2, live=False),
    )
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1", periods=2)],
        periods=periods,
    )
    _, plan = solved(bundle)
    assert [f"{s.start:%H:%M}" for s in plan.sessions] == ["09:00"]


def test_solve_never_exceeds_the_weekly_need() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1", periods=1)],
        periods=TWO_DAYS,
    )
    _, plan = solved(bundle)
    assert (plan.status, len(plan.sessions)) == ("OPTIMAL", 1)


def test_solve_assigns_only_qualified_teachers() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(5,)), teacher("t2", subjects=("art",))],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=ONE_PERIOD,
    )
    _, plan = solved(bundle)
    assert (plan.stats.delivered_periods, plan.sessions) == (0, ())


def test_solve_keeps_one_teacher_per_classroom_subject() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1"), teacher("t2")],
        classrooms=[room("c1")],
        needs=[need("c1", periods=2)],
        periods=TWO_DAYS,
    )
    _, plan = solved(bundle)
    assert (plan.status, plan.stats.continuity) == ("OPTIMAL", 1.0)
    assert len({s.teacher_id for s in plan.sessions}) == 1


def test_solve_spreads_a_subject_over_days() -> None:
    periods = daily("rural", [("09:00", "09:40"), ("10:00", "10:40")], weekdays=(1, 2))
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1", periods=2)],
        periods=periods,
    )
    _, plan = solved(bundle)
    assert (plan.status, sorted(s.weekday for s in plan.sessions)) == ("OPTIMAL", [1, 2])


def test_solve_prefers_pairing_partners() -> None:
    alliance, member = pairing("p", "u2", "r1", 3)
    bundle = make_bundle(
        teachers=[teacher("t1"), teacher("t2", school_id="u2")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=ONE_PERIOD,
        schools=(*DEFAULT_SCHOOLS, school("u2", "urban", rural=False)),
        alliances=(alliance,),
        alliance_members=(member,),
    )
    _, plan = solved(bundle)
    assert [s.teacher_id for s in plan.sessions] == ["t2"]


def test_lp_bound_equals_proven_optimum_on_a_small_instance() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 5), per_week=1)],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1"), need("c2")],
        periods=TWO_DAYS,
    )
    problem, plan = solved(bundle)
    assert lp_bound(build_problem(bundle, with_options())) == plan.stats.delivered_periods == 1
    assert plan.stats.upper_bound_periods >= plan.stats.delivered_periods
    assert problem.demand_periods == 2
