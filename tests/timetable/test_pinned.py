"""Pinned sessions never move and are filled first; open ones take any fitting classroom."""

from __future__ import annotations

from .factories import daily, make_bundle, need, pinned, room, solved, teacher

PERIODS = daily("rural", [("09:00", "09:40"), ("10:00", "10:40")], weekdays=(1, 2))


def test_pinned_session_is_filled_first_and_never_moves() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1"), teacher("t2")],
        classrooms=[room("c1"), room("c2"), room("c3")],
        needs=[need("c1"), need("c2"), need("c3")],
        periods=PERIODS,
        pinned_sessions=(pinned("p1", "t2", 2, "10:00", "10:40", capacity=2),),
    )
    _, plan = solved(bundle)
    by_id = {s.id: s for s in plan.sessions}
    assert plan.status == "OPTIMAL"
    assert (by_id["p1"].weekday, f"{by_id['p1'].start:%H:%M}", len(by_id["p1"].classroom_ids)) == (
        2,
        "10:00",
        2,
    )
    assert plan.stats.delivered_periods == 3


def test_open_pinned_session_takes_classrooms_without_a_need() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 4))],
        classrooms=[room("c1"), room("c2", grade=4)],
        needs=[need("c1")],
        periods=PERIODS,
        pinned_sessions=(
            pinned("p1", "t1", 1, "09:00", "09:40", grades=(3, 4), capacity=30, open=True),
        ),
    )
    _, plan = solved(bundle)
    assert [(s.id, s.classroom_ids) for s in plan.sessions] == [("p1", ("c1", "c2"))]
    assert (plan.stats.delivered_periods, plan.stats.demand_periods) == (1, 1)


def test_closed_pinned_session_takes_only_classrooms_with_a_need() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(3, 4))],
        classrooms=[room("c1"), room("c2", grade=4)],
        needs=[need("c1")],
        periods=PERIODS,
        pinned_sessions=(pinned("p1", "t1", 1, "09:00", "09:40", grades=(3, 4)),),
    )
    _, plan = solved(bundle)
    assert [(s.id, s.classroom_ids) for s in plan.sessions] == [("p1", ("c1",))]


def test_pinned_session_stays_in_the_plan_when_nobody_fits() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=PERIODS,
        pinned_sessions=(pinned("p1", "t1", 3, "15:00", "15:40"),),
    )
    _, plan = solved(bundle)
    assert sorted((s.pinned_id is not None, s.classroom_ids) for s in plan.sessions) == [
        (False, ("c1",)),
        (True, ()),
    ]
